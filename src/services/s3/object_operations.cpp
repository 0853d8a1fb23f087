#include "services/s3/object_operations.h"

#include <unordered_set>

#include "core/log.h"

namespace nimbus::s3 {

ObjectOperations::ObjectOperations(S3Environment& environment, EventSink& events)
    : environment_(environment), events_(events), records_(environment.store), files_(environment.files_dir) {}

void ObjectOperations::register_handlers(HandlerTable& table) {
  using Method = awaitable<S3Result> (ObjectOperations::*)(S3Call&);
  const std::pair<std::string_view, Method> operations[] = {
      {"CreateBucket", &ObjectOperations::create_bucket},
      {"DeleteBucket", &ObjectOperations::delete_bucket},
      {"HeadBucket", &ObjectOperations::head_bucket},
      {"ListBuckets", &ObjectOperations::list_buckets},
      {"GetBucketLocation", &ObjectOperations::get_bucket_location},
      {"PutBucketVersioning", &ObjectOperations::put_bucket_versioning},
      {"GetBucketVersioning", &ObjectOperations::get_bucket_versioning},
      {"PutObject", &ObjectOperations::put_object},
      {"CopyObject", &ObjectOperations::copy_object},
      {"GetObject", &ObjectOperations::get_object},
      {"HeadObject", &ObjectOperations::head_object},
      {"DeleteObject", &ObjectOperations::delete_object},
      {"DeleteObjects", &ObjectOperations::delete_objects},
      {"PutObjectTagging", &ObjectOperations::put_object_tagging},
      {"GetObjectTagging", &ObjectOperations::get_object_tagging},
      {"DeleteObjectTagging", &ObjectOperations::delete_object_tagging},
      {"GetObjectAttributes", &ObjectOperations::get_object_attributes},
      {"ListObjects", &ObjectOperations::list_objects},
      {"ListObjectsV2", &ObjectOperations::list_objects_v2},
      {"ListObjectVersions", &ObjectOperations::list_object_versions},
      {"CreateMultipartUpload", &ObjectOperations::create_multipart_upload},
      {"UploadPart", &ObjectOperations::upload_part},
      {"UploadPartCopy", &ObjectOperations::upload_part_copy},
      {"CompleteMultipartUpload", &ObjectOperations::complete_multipart_upload},
      {"AbortMultipartUpload", &ObjectOperations::abort_multipart_upload},
      {"ListMultipartUploads", &ObjectOperations::list_multipart_uploads},
      {"ListParts", &ObjectOperations::list_parts},
  };
  for (const auto& [name, method] : operations) {
    table[name] = [this, method](S3Call& call) { return (this->*method)(call); };
  }
}

void ObjectOperations::start(boost::asio::any_io_executor) {
  files_.prepare();
  std::unordered_set<std::string> referenced;
  records_.scan("v/", [&](std::string_view, std::string_view value) {
    auto file = decode_listed_object(value).file;
    if (!file.empty() && !is_inline_body(file)) referenced.insert(std::move(file));
    return true;
  });
  records_.scan("p/", [&](std::string_view, std::string_view value) {
    referenced.insert(part_from_json(Json::parse(value)).file);
    return true;
  });
  auto removed = files_.remove_unreferenced([&](const std::string& name) { return referenced.contains(name); });
  removed_orphans_ += removed;
  if (removed > 0) NIMBUS_LOG(Info, "s3: removed " + std::to_string(removed) + " unreferenced object files");
}

void ObjectOperations::stop() {}

awaitable<void> ObjectOperations::reset() {
  records_.clear_overlay();
  files_.clear();
  puts_ = gets_ = deletes_ = 0;
  co_return;
}

Json ObjectOperations::health() const {
  return {{"objects_put", puts_.load()}, {"objects_read", gets_.load()}, {"objects_deleted", deletes_.load()},
          {"orphan_files_removed", removed_orphans_.load()}};
}

void ObjectOperations::scan(const Bucket& bucket, std::string_view prefix,
                            const std::function<bool(const ObjectSummary&)>& visit) {
  records_.scan(record_keys::current_prefix(bucket.name, prefix), [&](std::string_view, std::string_view value) {
    auto record = decode_object(value);
    if (record.delete_marker) return true;
    return visit(record.summary(bucket.name));
  });
}

}  // namespace nimbus::s3
