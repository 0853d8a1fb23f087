#pragma once
// The persisted records of the object side, in the store's "s3" space, with keys that sort in
// UTF-8 binary order of object keys (storage::keys tuples):
//   "o/" (bucket, key)                  -> the current version (possibly a delete marker)
//   "v/" (bucket, key) + ~sequence      -> every version, newest first
//   "u/" (bucket, key, upload id)       -> an in-progress multipart upload
//   "p/" (upload id) + part number      -> an uploaded part
//   "b/" body id                        -> the bytes of a small body kept inline (see below)

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/s3/s3_types.h"
#include "storage/store.h"

namespace nimbus::s3 {

inline constexpr std::string_view kSpace = "s3";

// Bodies of at most this many bytes live in the store beside their record instead of in a file:
// the record and the bytes then become durable in one group-committed WAL write, where a file
// costs a data sync and a folder sync of its own, and the disk's flush rate would bound small PUTs.
// Such a body's name (ObjectRecord::file) is "inline/<id>"; it is written, replaced and removed in
// the same batches as the records naming it, so it can neither be lost nor leak.
inline constexpr uint64_t kInlineBodyLimit = 16 * 1024;
bool is_inline_body(std::string_view name);
std::string new_inline_body_name();

// One version of an object (or a delete marker) and where its body lives.
struct ObjectRecord {
  std::string key;
  std::string version_id = "null";
  uint64_t sequence = 0;  // orders versions of a key, newest highest
  bool delete_marker = false;
  std::string file;  // relative to the files dir, or an inline body's name; "" for delete markers
  uint64_t size = 0;
  std::string etag;  // quoted
  int64_t last_modified_ms = 0;
  std::string storage_class = "STANDARD";
  std::string owner;
  // ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires,
  // WebsiteRedirectLocation as the output members carry them.
  Json headers = Json::object();
  std::map<std::string, std::string> metadata;
  std::vector<std::pair<std::string, std::string>> tags;
  std::map<std::string, std::string> checksums;  // algorithm name -> base64 value
  std::string checksum_type;                     // "FULL_OBJECT" / "COMPOSITE" when checksummed
  std::vector<uint64_t> part_sizes;              // multipart objects: each part's size

  ObjectSummary summary(const std::string& bucket) const;
};

// A multipart upload in progress and what its object will carry.
struct UploadRecord {
  std::string upload_id;
  std::string key;
  int64_t initiated_ms = 0;
  std::string owner;
  std::string checksum_algorithm;  // "" or "CRC32"...
  ObjectRecord object;             // headers, metadata, tags, storage class of the result
};

struct PartRecord {
  int part_number = 0;
  std::string file;
  uint64_t size = 0;
  std::string etag;  // quoted
  int64_t last_modified_ms = 0;
  std::map<std::string, std::string> checksums;
};

// Object records are stored in a compact binary form (storage/record_codec.h), what listings
// show first; records stored as JSON by earlier releases still decode.
std::string encode_object(const ObjectRecord& record);
ObjectRecord decode_object(std::string_view stored);
// Only what a listing shows (and the body's name): stops before headers, metadata, tags and part
// sizes, so a 1,000-key page decodes little more than its keys.
ObjectRecord decode_listed_object(std::string_view stored);
// The JSON form: inside upload records, and object records of earlier releases.
Json to_json(const ObjectRecord& record);
ObjectRecord object_from_json(const Json& json);
Json to_json(const UploadRecord& record);
UploadRecord upload_from_json(const Json& json);
Json to_json(const PartRecord& record);
PartRecord part_from_json(const Json& json);

namespace record_keys {
// Escaped bytes of a key part without its terminator: a scan prefix for keys starting with it.
std::string escape(std::string_view part);
std::string current(std::string_view bucket, std::string_view key);
std::string current_prefix(std::string_view bucket, std::string_view key_prefix = {});
std::string version(std::string_view bucket, std::string_view key, uint64_t sequence);
std::string versions_of(std::string_view bucket, std::string_view key);
std::string version_prefix(std::string_view bucket, std::string_view key_prefix = {});
std::string upload(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string upload_prefix(std::string_view bucket, std::string_view key_prefix = {});
std::string part(std::string_view upload_id, int part_number);
std::string parts_of(std::string_view upload_id);
// The store key of an inline body's bytes ("inline/<id>" -> "b/<id>").
std::string inline_body(std::string_view name);
}  // namespace record_keys

// The store as the object side writes it: read-modify-write sequences run under `lock()` and
// see batches they submitted before those are durable (an overlay of pending values).
class RecordStore {
 public:
  explicit RecordStore(storage::Store& store) : store_(store) {}

  std::unique_lock<std::mutex> lock() { return std::unique_lock(write_mutex_); }
  std::optional<std::string> get(std::string_view key);
  // Durable records only, in key order.
  void scan(std::string_view prefix, const std::function<bool(std::string_view, std::string_view)>& visit) {
    store_.scan(kSpace, prefix, visit);
  }

  struct Submitted {
    std::shared_ptr<storage::PendingCommit> pending;
    uint64_t generation = 0;
  };
  // Queues a batch (call under lock() so memory and disk keep one order).
  Submitted submit(storage::WriteBatch batch);
  // Waits until durable, then retires the batch's overlay entries.
  awaitable<void> finish(Submitted submitted);

  uint64_t next_sequence(int64_t now_ms);
  void clear_overlay();
  storage::Store& store() { return store_; }

 private:
  struct Pending {
    uint64_t generation;
    std::optional<std::string> value;
  };
  storage::Store& store_;
  std::mutex write_mutex_;
  std::mutex overlay_mutex_;
  std::unordered_map<std::string, Pending> overlay_;
  uint64_t generation_ = 0;
  std::atomic<uint64_t> last_sequence_{0};
};

}  // namespace nimbus::s3
