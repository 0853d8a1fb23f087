// Deleting objects: DeleteObject (versions, delete markers) and DeleteObjects, and
// ObjectAccess::remove for lifecycle expiration.

#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr size_t kMaxDeleteKeys = 1000;

}  // namespace

awaitable<S3Result> ObjectOperations::delete_object(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  S3Result result;
  auto version_id = call.input.value("VersionId", "");
  if (version_id.empty()) {
    auto outcome = co_await delete_current(call.context, bucket, call.key);
    if (outcome.delete_marker) {
      result.output["DeleteMarker"] = true;
      result.output["VersionId"] = outcome.version_id;
    }
    ++deletes_;
    co_return result;
  }
  auto removed = co_await remove_version(bucket.name, call.key, version_id,
                                        {&call.context, &bucket, "ObjectRemoved:Delete"});
  result.output["VersionId"] = version_id;
  if (removed) {
    if (removed->delete_marker) result.output["DeleteMarker"] = true;
    ++deletes_;
  }
  co_return result;
}

awaitable<S3Result> ObjectOperations::delete_objects(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  if (!call.head.count("Content-MD5") && call.head["x-amz-sdk-checksum-algorithm"].empty() &&
      !call.head.count("x-amz-checksum-crc32") && !call.head.count("x-amz-checksum-crc32c") &&
      !call.head.count("x-amz-checksum-crc64nvme") && !call.head.count("x-amz-checksum-sha1") &&
      !call.head.count("x-amz-checksum-sha256")) {
    throw errors::invalid_request("Missing required header for this request: Content-MD5");
  }
  auto request = call.input.value("Delete", Json::object());
  auto objects = request.value("Objects", Json::array());
  if (objects.size() > kMaxDeleteKeys) throw errors::malformed_xml();
  bool quiet = request.value("Quiet", false);
  Json deleted = Json::array();
  Json failures = Json::array();
  for (const auto& object : objects) {
    auto key = object.value("Key", "");
    auto version_id = object.value("VersionId", "");
    Json entry = {{"Key", key}};
    try {
      if (key.empty()) throw errors::invalid_argument("Invalid key");
      if (version_id.empty()) {
        auto outcome = co_await delete_current(call.context, bucket, key);
        if (outcome.delete_marker) {
          entry["DeleteMarker"] = true;
          entry["DeleteMarkerVersionId"] = outcome.version_id;
        }
      } else {
        if (!well_formed_version_id(version_id)) {
          throw errors::invalid_argument("Invalid version id specified", "versionId", version_id);
        }
        auto removed = co_await remove_version(bucket.name, key, version_id,
                                              {&call.context, &bucket, "ObjectRemoved:Delete"});
        // A made-up id names nothing to delete: a per-key error ("null" stays idempotent).
        if (!removed && version_id != "null") throw errors::no_such_version(key, version_id);
        entry["VersionId"] = version_id;
        if (removed && removed->delete_marker) {
          entry["DeleteMarker"] = true;
          entry["DeleteMarkerVersionId"] = version_id;
        }
      }
      ++deletes_;
      if (!quiet) deleted.push_back(std::move(entry));
    } catch (const AwsError& error) {
      Json failure = {{"Key", key}, {"Code", error.code}, {"Message", error.message}};
      if (!version_id.empty()) failure["VersionId"] = version_id;
      failures.push_back(std::move(failure));
    }
  }
  S3Result result;
  if (!deleted.empty()) result.output["Deleted"] = std::move(deleted);
  if (!failures.empty()) result.output["Errors"] = std::move(failures);
  co_return result;
}

awaitable<void> ObjectOperations::remove(RequestContext& context, const Bucket& bucket, std::string key) {
  co_await delete_current(context, bucket, key);
  ++deletes_;
}

}  // namespace nimbus::s3
