// ListObjects and ListObjectsV2 over list_keys().

#include "services/s3/listing.h"

#include "core/crypto.h"
#include "services/s3/bucket_names.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/ordered_walk.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr int64_t kMaxKeys = 1000;

size_t max_keys_of(const Json& input, const char* member) {
  auto max = input.value(member, kMaxKeys);
  if (max < 0) throw errors::invalid_argument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", std::to_string(max));
  return static_cast<size_t>(std::min(max, kMaxKeys));
}

}  // namespace

std::string common_prefix_of(const std::string& key, const std::string& prefix, const std::string& delimiter) {
  if (delimiter.empty()) return {};
  auto at = key.find(delimiter, prefix.size());
  if (at == std::string::npos) return {};
  return key.substr(0, at + delimiter.size());
}

KeyPage list_keys(storage::Store& store, const std::string& bucket, const std::string& prefix,
                  const std::string& delimiter, const std::string& after, size_t max_keys) {
  KeyPage page;
  if (max_keys == 0) return page;
  size_t count = 0;
  WalkStart start;
  if (!after.empty()) start.key = record_keys::current(bucket, after);
  ordered_walk(store, kSpace, record_keys::current_prefix(bucket, prefix), start,
               [&](std::string_view, std::string_view value) {
                 auto record = decode_listed_object(value);
                 if (record.delete_marker) return WalkStep::next();
                 auto rolled = common_prefix_of(record.key, prefix, delimiter);
                 if (!rolled.empty() && !after.empty() && rolled <= after) {
                   return WalkStep::skip(record_keys::current_prefix(bucket, rolled));
                 }
                 if (count == max_keys) {
                   page.truncated = true;
                   return WalkStep::stop();
                 }
                 ++count;
                 if (!rolled.empty()) {
                   page.last = rolled;
                   page.common_prefixes.push_back(std::move(rolled));
                   return WalkStep::skip(record_keys::current_prefix(bucket, page.last));
                 }
                 page.last = record.key;
                 page.objects.push_back(std::move(record));
                 return WalkStep::next();
               });
  return page;
}

namespace {

// Contents and CommonPrefixes of a page, keys URL-encoded when asked.
void write_page(const KeyPage& page, bool url, bool owner, Json& out) {
  auto encode = [&](const std::string& text) { return url ? url_encode_key(text) : text; };
  Json contents = Json::array();
  for (const auto& record : page.objects) {
    Json item = {{"Key", encode(record.key)}, {"LastModified", record.last_modified_ms / 1000},
                 {"ETag", record.etag}, {"Size", record.size}, {"StorageClass", record.storage_class}};
    if (!record.checksums.empty()) {
      Json algorithms = Json::array();
      for (const auto& [name, value] : record.checksums) algorithms.push_back(name);
      item["ChecksumAlgorithm"] = std::move(algorithms);
    }
    if (owner) item["Owner"] = owner_json(record.owner);
    contents.push_back(std::move(item));
  }
  if (!contents.empty()) out["Contents"] = std::move(contents);
  Json prefixes = Json::array();
  for (const auto& prefix : page.common_prefixes) prefixes.push_back({{"Prefix", encode(prefix)}});
  if (!prefixes.empty()) out["CommonPrefixes"] = std::move(prefixes);
}

bool url_encoding(const Json& input) {
  auto type = input.value("EncodingType", "");
  if (!type.empty() && type != "url") throw errors::invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", type);
  return type == "url";
}

}  // namespace

awaitable<S3Result> ObjectOperations::list_objects_v2(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  const auto& in = call.input;
  bool url = url_encoding(in);
  auto prefix = in.value("Prefix", "");
  auto delimiter = in.value("Delimiter", "");
  auto max = max_keys_of(in, "MaxKeys");
  std::string after = in.value("StartAfter", "");
  if (auto token = in.find("ContinuationToken"); token != in.end()) {
    auto decoded = crypto::base64_decode(token->get<std::string>());
    if (!decoded || decoded->rfind("k:", 0) != 0) {
      throw errors::invalid_argument("The continuation token provided is incorrect", "continuation-token",
                                     token->get<std::string>());
    }
    after = std::max(after, decoded->substr(2));
  }
  auto page = list_keys(records_.store(), bucket.name, prefix, delimiter, after, max);
  S3Result result;
  auto& out = result.output;
  auto encode = [&](const std::string& text) { return url ? url_encode_key(text) : text; };
  out["Name"] = bucket.name;
  out["Prefix"] = encode(prefix);
  if (!delimiter.empty()) out["Delimiter"] = encode(delimiter);
  out["MaxKeys"] = max;
  out["KeyCount"] = page.objects.size() + page.common_prefixes.size();
  out["IsTruncated"] = page.truncated;
  if (url) out["EncodingType"] = "url";
  if (in.contains("ContinuationToken")) out["ContinuationToken"] = in["ContinuationToken"];
  if (in.contains("StartAfter")) out["StartAfter"] = encode(in.value("StartAfter", ""));
  if (page.truncated) out["NextContinuationToken"] = crypto::base64_encode("k:" + page.last);
  write_page(page, url, in.value("FetchOwner", false), out);
  co_return result;
}

awaitable<S3Result> ObjectOperations::list_objects(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  const auto& in = call.input;
  bool url = url_encoding(in);
  auto prefix = in.value("Prefix", "");
  auto delimiter = in.value("Delimiter", "");
  auto marker = in.value("Marker", "");
  auto max = max_keys_of(in, "MaxKeys");
  auto page = list_keys(records_.store(), bucket.name, prefix, delimiter, marker, max);
  S3Result result;
  auto& out = result.output;
  auto encode = [&](const std::string& text) { return url ? url_encode_key(text) : text; };
  out["Name"] = bucket.name;
  out["Prefix"] = encode(prefix);
  out["Marker"] = encode(marker);
  if (!delimiter.empty()) out["Delimiter"] = encode(delimiter);
  out["MaxKeys"] = max;
  out["IsTruncated"] = page.truncated;
  if (url) out["EncodingType"] = "url";
  if (page.truncated && !delimiter.empty()) out["NextMarker"] = encode(page.last);
  write_page(page, url, true, out);
  co_return result;
}

}  // namespace nimbus::s3
