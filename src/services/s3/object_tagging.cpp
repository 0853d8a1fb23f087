// Object tags (Put/Get/DeleteObjectTagging) and GetObjectAttributes.

#include <set>
#include <sstream>

#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {

awaitable<S3Result> ObjectOperations::put_object_tagging(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = require_version(bucket.name, call.key, call.input);
  record.tags = tags_from_tagset(call.input.value("Tagging", Json::object()).value("TagSet", Json::array()));
  co_await rewrite_version(bucket.name, record);
  S3Result result;
  if (auto version = version_header(bucket, record); !version.empty()) result.output["VersionId"] = version;
  co_return result;
}

awaitable<S3Result> ObjectOperations::get_object_tagging(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = require_version(bucket.name, call.key, call.input);
  S3Result result;
  result.output["TagSet"] = tagset_json(record.tags);
  if (auto version = version_header(bucket, record); !version.empty()) result.output["VersionId"] = version;
  co_return result;
}

awaitable<S3Result> ObjectOperations::delete_object_tagging(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = require_version(bucket.name, call.key, call.input);
  record.tags.clear();
  co_await rewrite_version(bucket.name, record);
  S3Result result;
  if (auto version = version_header(bucket, record); !version.empty()) result.output["VersionId"] = version;
  co_return result;
}

awaitable<S3Result> ObjectOperations::get_object_attributes(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = require_version(bucket.name, call.key, call.input);
  std::set<std::string> wanted;
  auto attributes = call.input.value("ObjectAttributes", Json::array());
  if (attributes.is_string()) {
    std::stringstream list(attributes.get<std::string>());
    for (std::string item; std::getline(list, item, ',');) wanted.insert(item.substr(item.find_first_not_of(' ')));
  } else {
    for (const auto& item : attributes) wanted.insert(item.get<std::string>());
  }
  S3Result result;
  auto& out = result.output;
  out["LastModified"] = record.last_modified_ms / 1000;
  if (auto version = version_header(bucket, record); !version.empty()) out["VersionId"] = version;
  if (wanted.contains("ETag")) {
    auto etag = record.etag;
    out["ETag"] = etag.size() >= 2 ? etag.substr(1, etag.size() - 2) : etag;
  }
  if (wanted.contains("ObjectSize")) out["ObjectSize"] = record.size;
  if (wanted.contains("StorageClass")) out["StorageClass"] = record.storage_class;
  if (wanted.contains("Checksum") && !record.checksums.empty()) {
    Json checksum = Json::object();
    std::vector<std::pair<std::string, std::string>> ignored;
    describe_checksums(record.checksums, checksum, ignored);
    out["Checksum"] = std::move(checksum);
  }
  if (wanted.contains("ObjectParts") && !record.part_sizes.empty()) {
    auto max_parts = call.input.value("MaxParts", 1000);
    auto marker = call.input.value("PartNumberMarker", 0);
    Json parts = Json::array();
    int last = marker;
    for (size_t i = static_cast<size_t>(std::max(marker, 0)); i < record.part_sizes.size(); ++i) {
      if (static_cast<int>(parts.size()) == max_parts) break;
      parts.push_back({{"PartNumber", i + 1}, {"Size", record.part_sizes[i]}});
      last = static_cast<int>(i + 1);
    }
    bool truncated = last < static_cast<int>(record.part_sizes.size());
    Json object_parts = {{"TotalPartsCount", record.part_sizes.size()}, {"PartNumberMarker", marker},
                         {"MaxParts", max_parts}, {"IsTruncated", truncated}, {"Parts", std::move(parts)}};
    if (truncated) object_parts["NextPartNumberMarker"] = last;
    out["ObjectParts"] = std::move(object_parts);
  }
  co_return result;
}

}  // namespace nimbus::s3
