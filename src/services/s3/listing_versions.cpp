// ListObjectVersions and ListMultipartUploads: ordered walks over the version and upload records.

#include "services/s3/bucket_names.h"
#include "services/s3/listing.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/ordered_walk.h"
#include "services/s3/s3_errors.h"
#include "storage/key_codec.h"

namespace nimbus::s3 {
namespace {

constexpr int64_t kMaxEntries = 1000;

}  // namespace

awaitable<S3Result> ObjectOperations::list_object_versions(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  const auto& in = call.input;
  auto prefix = in.value("Prefix", "");
  auto delimiter = in.value("Delimiter", "");
  auto key_marker = in.value("KeyMarker", "");
  auto version_marker = in.value("VersionIdMarker", "");
  bool url = in.value("EncodingType", "") == "url";
  auto max = static_cast<size_t>(std::clamp<int64_t>(in.value("MaxKeys", kMaxEntries), 0, kMaxEntries));
  if (!version_marker.empty() && key_marker.empty()) {
    throw errors::invalid_argument("A version-id marker cannot be specified without a key marker.", "version-id-marker", version_marker);
  }
  WalkStart start;
  if (!key_marker.empty()) {
    auto marker_version = version_marker.empty() ? std::nullopt : find_version(bucket.name, key_marker, version_marker);
    start = marker_version ? WalkStart{record_keys::version(bucket.name, key_marker, marker_version->sequence), false}
                           : WalkStart{record_keys::versions_of(bucket.name, key_marker), true};
  }
  auto encode = [&](const std::string& text) { return url ? url_encode_key(text) : text; };
  Json versions = Json::array();
  Json markers = Json::array();
  Json prefixes = Json::array();
  size_t count = 0;
  bool truncated = false;
  std::string last_key, last_version, latest_key;
  uint64_t latest_sequence = 0;
  ordered_walk(records_.store(), kSpace, record_keys::version_prefix(bucket.name, prefix), start,
               [&](std::string_view, std::string_view value) {
                 auto record = decode_listed_object(value);
                 auto rolled = common_prefix_of(record.key, prefix, delimiter);
                 if (!rolled.empty() && !key_marker.empty() && rolled <= key_marker) {
                   return WalkStep::skip(record_keys::version_prefix(bucket.name, rolled));
                 }
                 if (count == max) {
                   truncated = true;
                   return WalkStep::stop();
                 }
                 ++count;
                 if (!rolled.empty()) {
                   prefixes.push_back({{"Prefix", encode(rolled)}});
                   last_key = rolled;
                   last_version.clear();
                   return WalkStep::skip(record_keys::version_prefix(bucket.name, rolled));
                 }
                 if (record.key != latest_key) {
                   latest_key = record.key;
                   auto latest = current(bucket.name, record.key);
                   latest_sequence = latest ? latest->sequence : 0;
                 }
                 Json item = {{"Key", encode(record.key)}, {"VersionId", record.version_id},
                              {"IsLatest", record.sequence == latest_sequence},
                              {"LastModified", record.last_modified_ms / 1000}, {"Owner", owner_json(record.owner)}};
                 if (record.delete_marker) {
                   markers.push_back(std::move(item));
                 } else {
                   item["ETag"] = record.etag;
                   item["Size"] = record.size;
                   item["StorageClass"] = record.storage_class;
                   versions.push_back(std::move(item));
                 }
                 last_key = record.key;
                 last_version = record.version_id;
                 return WalkStep::next();
               });
  S3Result result;
  auto& out = result.output;
  out = {{"Name", bucket.name}, {"Prefix", encode(prefix)}, {"KeyMarker", encode(key_marker)},
         {"VersionIdMarker", version_marker}, {"MaxKeys", max}, {"IsTruncated", truncated}};
  if (!delimiter.empty()) out["Delimiter"] = encode(delimiter);
  if (url) out["EncodingType"] = "url";
  if (truncated) {
    out["NextKeyMarker"] = encode(last_key);
    if (!last_version.empty()) out["NextVersionIdMarker"] = last_version;
  }
  if (!versions.empty()) out["Versions"] = std::move(versions);
  if (!markers.empty()) out["DeleteMarkers"] = std::move(markers);
  if (!prefixes.empty()) out["CommonPrefixes"] = std::move(prefixes);
  co_return result;
}

awaitable<S3Result> ObjectOperations::list_multipart_uploads(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  const auto& in = call.input;
  auto prefix = in.value("Prefix", "");
  auto delimiter = in.value("Delimiter", "");
  auto key_marker = in.value("KeyMarker", "");
  auto upload_marker = in.value("UploadIdMarker", "");
  bool url = in.value("EncodingType", "") == "url";
  auto max = static_cast<size_t>(std::clamp<int64_t>(in.value("MaxUploads", kMaxEntries), 0, kMaxEntries));
  WalkStart start;
  if (!key_marker.empty()) {
    start = upload_marker.empty() ? WalkStart{"u/" + storage::keys::join({bucket.name, key_marker}), true}
                                  : WalkStart{record_keys::upload(bucket.name, key_marker, upload_marker), false};
  }
  auto encode = [&](const std::string& text) { return url ? url_encode_key(text) : text; };
  Json uploads = Json::array();
  Json prefixes = Json::array();
  size_t count = 0;
  bool truncated = false;
  std::string last_key, last_upload;
  ordered_walk(records_.store(), kSpace, record_keys::upload_prefix(bucket.name, prefix), start,
               [&](std::string_view, std::string_view value) {
                 auto upload = upload_from_json(Json::parse(value));
                 auto rolled = common_prefix_of(upload.key, prefix, delimiter);
                 if (!rolled.empty() && !key_marker.empty() && rolled <= key_marker) {
                   return WalkStep::skip(record_keys::upload_prefix(bucket.name, rolled));
                 }
                 if (count == max) {
                   truncated = true;
                   return WalkStep::stop();
                 }
                 ++count;
                 if (!rolled.empty()) {
                   prefixes.push_back({{"Prefix", encode(rolled)}});
                   last_key = rolled;
                   last_upload.clear();
                   return WalkStep::skip(record_keys::upload_prefix(bucket.name, rolled));
                 }
                 Json item = {{"UploadId", upload.upload_id}, {"Key", encode(upload.key)},
                              {"Initiated", upload.initiated_ms / 1000}, {"StorageClass", upload.object.storage_class},
                              {"Owner", owner_json(upload.owner)}, {"Initiator", owner_json(upload.owner)}};
                 if (!upload.checksum_algorithm.empty()) item["ChecksumAlgorithm"] = upload.checksum_algorithm;
                 uploads.push_back(std::move(item));
                 last_key = upload.key;
                 last_upload = upload.upload_id;
                 return WalkStep::next();
               });
  S3Result result;
  auto& out = result.output;
  out = {{"Bucket", bucket.name}, {"KeyMarker", encode(key_marker)}, {"UploadIdMarker", upload_marker},
         {"MaxUploads", max}, {"IsTruncated", truncated}};
  if (!prefix.empty()) out["Prefix"] = encode(prefix);
  if (!delimiter.empty()) out["Delimiter"] = encode(delimiter);
  if (url) out["EncodingType"] = "url";
  if (truncated) {
    out["NextKeyMarker"] = encode(last_key);
    out["NextUploadIdMarker"] = last_upload;
  }
  if (!uploads.empty()) out["Uploads"] = std::move(uploads);
  if (!prefixes.empty()) out["CommonPrefixes"] = std::move(prefixes);
  co_return result;
}

}  // namespace nimbus::s3
