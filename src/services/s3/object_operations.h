#pragma once
// The object side of S3: buckets, objects, versions, listings and multipart uploads. Bodies are
// files (ObjectFiles) except small ones kept inline in the store; records live in the store
// (RecordStore); a write publishes its file, then commits its record (with an inline body), then
// answers. Handlers are spread over bucket_ops.cpp, object_*.cpp,
// listing.cpp and multipart*.cpp.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "services/s3/object_access.h"
#include "services/s3/object_files.h"
#include "services/s3/object_records.h"
#include "services/s3/request_body.h"
#include "services/s3/s3_environment.h"

namespace nimbus::s3 {

class ObjectOperations final : public ObjectAccess {
 public:
  ObjectOperations(S3Environment& environment, EventSink& events);

  void register_handlers(HandlerTable& table);
  void start(boost::asio::any_io_executor executor);
  void stop();
  awaitable<void> reset();
  Json health() const;

  std::optional<ObjectSummary> head(const Bucket& bucket, std::string_view key) override;
  std::optional<std::pair<ObjectSummary, BodyRange>> open(const Bucket& bucket,
                                                                      std::string_view key) override;
  awaitable<ObjectSummary> put(RequestContext& context, const Bucket& bucket, std::string key,
                               BodyReader& body, std::optional<uint64_t> length,
                               PutOptions options, std::string_view event_name) override;
  awaitable<void> remove(RequestContext& context, const Bucket& bucket, std::string key) override;
  void scan(const Bucket& bucket, std::string_view prefix,
            const std::function<bool(const ObjectSummary&)>& visit) override;

 private:
  // A received body with its digests (raw bytes): written to a new (not yet published) file, or
  // held in memory when small enough to be stored inline (kInlineBodyLimit).
  struct StagedBody {
    std::string name;                 // what the record will name: the file's or an inline name
    std::optional<PendingFile> file;  // unset for an inline body
    std::string bytes;                // an inline body's bytes
    uint64_t size = 0;
    std::string md5;
    std::string sha256;
    std::optional<std::string> checksum;
  };
  // Checked under the write lock against the current version before a new one is installed.
  using Precondition = std::function<void(const std::optional<ObjectRecord>& current)>;

  // bucket_ops.cpp
  awaitable<S3Result> create_bucket(S3Call& call);
  awaitable<S3Result> delete_bucket(S3Call& call);
  awaitable<S3Result> head_bucket(S3Call& call);
  awaitable<S3Result> list_buckets(S3Call& call);
  awaitable<S3Result> get_bucket_location(S3Call& call);
  awaitable<S3Result> put_bucket_versioning(S3Call& call);
  awaitable<S3Result> get_bucket_versioning(S3Call& call);
  // object_put.cpp
  awaitable<S3Result> put_object(S3Call& call);
  awaitable<S3Result> copy_object(S3Call& call);
  // object_get.cpp
  awaitable<S3Result> get_object(S3Call& call);
  awaitable<S3Result> head_object(S3Call& call);
  awaitable<S3Result> read_object(S3Call& call, bool with_body);
  // object_delete.cpp
  awaitable<S3Result> delete_object(S3Call& call);
  awaitable<S3Result> delete_objects(S3Call& call);
  // object_tagging.cpp
  awaitable<S3Result> put_object_tagging(S3Call& call);
  awaitable<S3Result> get_object_tagging(S3Call& call);
  awaitable<S3Result> delete_object_tagging(S3Call& call);
  awaitable<S3Result> get_object_attributes(S3Call& call);
  // listing.cpp
  awaitable<S3Result> list_objects(S3Call& call);
  awaitable<S3Result> list_objects_v2(S3Call& call);
  awaitable<S3Result> list_object_versions(S3Call& call);
  // multipart.cpp, multipart_complete.cpp
  awaitable<S3Result> create_multipart_upload(S3Call& call);
  awaitable<S3Result> upload_part(S3Call& call);
  awaitable<S3Result> upload_part_copy(S3Call& call);
  awaitable<S3Result> complete_multipart_upload(S3Call& call);
  awaitable<S3Result> abort_multipart_upload(S3Call& call);
  awaitable<S3Result> list_multipart_uploads(S3Call& call);
  awaitable<S3Result> list_parts(S3Call& call);

  // object_versions.cpp: reading and changing versions.
  std::optional<ObjectRecord> current(std::string_view bucket, std::string_view key);
  std::optional<ObjectRecord> find_version(std::string_view bucket, std::string_view key,
                                           std::string_view version_id);
  // The version a request names (VersionId or the current one): NoSuchKey / NoSuchVersion, and
  // MethodNotAllowed for a delete marker named by version.
  ObjectRecord require_version(const std::string& bucket, const std::string& key, const Json& input);
  // Installs `record` as the newest version (version id per the bucket's versioning), replacing a
  // "null" version; returns it as stored once durable.
  // `also_remove` record keys go in the same batch (a completed upload's records), and so do
  // `inline_body`, the bytes of the record's inline body, and the deliveries of `event`.
  awaitable<ObjectRecord> install(const std::string& bucket, ObjectRecord record,
                                  const Precondition& precondition = {},
                                  const std::vector<std::string>& also_remove = {},
                                  std::optional<std::string> inline_body = std::nullopt, ObjectEvent event = {});
  // Drops a replaced or removed version's body: an inline one in `batch` (with the record), a
  // file's name into `files` to unlink once the batch is durable.
  static void drop_body(const std::string& name, storage::WriteBatch& batch, std::vector<std::string>& files);
  // Removes one version permanently (promoting the next newest to current), staging the
  // deliveries of `event` in the same batch.
  awaitable<std::optional<ObjectRecord>> remove_version(const std::string& bucket, const std::string& key,
                                                        const std::string& version_id, ObjectEvent event = {});
  // Stages the deliveries `event` makes for `object` into `batch` (under the write lock).
  delivery::Outbox::Staged stage_event(const ObjectEvent& event, const ObjectRecord& object,
                                       storage::WriteBatch& batch);
  // DeleteObject without a version: a delete marker when versioned, else removal.
  struct DeleteOutcome {
    bool delete_marker = false;
    std::string version_id;  // of the marker created / version removed; "" when nothing existed
  };
  awaitable<DeleteOutcome> delete_current(RequestContext& context, const Bucket& bucket, const std::string& key);
  // Rewrites the record of one version in place (tagging).
  awaitable<void> rewrite_version(const std::string& bucket, const ObjectRecord& record);

  // object_put.cpp helpers
  // Where an object's body will go: inline when its announced length is small, else a new file.
  StagedBody object_body(std::optional<uint64_t> length);
  // A body going to the new file `name` (a files_.new_*_name()).
  StagedBody file_body(const std::string& name);
  // Streams the body into `staged` while computing its digests.
  awaitable<StagedBody> stage(StagedBody staged, BodyReader& body, std::optional<uint64_t> length,
                              bool sha256, std::optional<ChecksumAlgorithm> algorithm);
  // Makes a staged file durable under its name (inline bodies become durable with their record).
  awaitable<void> publish(StagedBody& staged);
  // What install() stores beside the record: an inline body's bytes (moved out), else nothing.
  static std::optional<std::string> inline_bytes(StagedBody& staged);
  // A version's whole body, from its file or the store; nullopt if it is gone.
  std::optional<BodyRange> open_body(const ObjectRecord& record);
  std::string version_header(const Bucket& bucket, const ObjectRecord& record) const;
  // multipart.cpp helpers
  UploadRecord require_upload(const std::string& bucket, const std::string& key, const Json& input);
  std::vector<PartRecord> parts_of(const std::string& upload_id);
  awaitable<S3Result> store_part(S3Call& call, const UploadRecord& upload, int part_number, StagedBody staged,
                                 std::optional<ChecksumAlgorithm> algorithm);

  S3Environment& environment_;
  EventSink& events_;
  RecordStore records_;
  ObjectFiles files_;
  std::atomic<uint64_t> puts_{0};
  std::atomic<uint64_t> gets_{0};
  std::atomic<uint64_t> deletes_{0};
  std::atomic<uint64_t> removed_orphans_{0};
};

}  // namespace nimbus::s3
