// Reading objects: GetObject and HeadObject (versions, conditions, ranges, parts, response
// header overrides, checksum mode) and the ObjectAccess reads.

#include "services/s3/lifecycle.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr std::pair<const char*, const char*> kOverrides[] = {
    {"ResponseCacheControl", "CacheControl"},       {"ResponseContentDisposition", "ContentDisposition"},
    {"ResponseContentEncoding", "ContentEncoding"}, {"ResponseContentLanguage", "ContentLanguage"},
    {"ResponseContentType", "ContentType"},         {"ResponseExpires", "Expires"}};

// The byte range of part `number` of a stored object.
ByteRange part_range(const ObjectRecord& record, int64_t number) {
  if (record.part_sizes.empty()) {
    if (number != 1) throw AwsError{416, "InvalidPartNumber", "The requested partnumber is not satisfiable"};
    return {0, record.size};
  }
  if (number < 1 || number > static_cast<int64_t>(record.part_sizes.size())) {
    throw AwsError{416, "InvalidPartNumber", "The requested partnumber is not satisfiable"};
  }
  uint64_t offset = 0;
  for (int64_t i = 0; i + 1 < number; ++i) offset += record.part_sizes[static_cast<size_t>(i)];
  return {offset, record.part_sizes[static_cast<size_t>(number - 1)]};
}

}  // namespace

awaitable<S3Result> ObjectOperations::get_object(S3Call& call) { return read_object(call, true); }
awaitable<S3Result> ObjectOperations::head_object(S3Call& call) { return read_object(call, false); }

awaitable<S3Result> ObjectOperations::read_object(S3Call& call, bool with_body) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = require_version(bucket.name, call.key, call.input);
  switch (evaluate_conditions(conditions_from(call.input, ""), record.etag, record.last_modified_ms / 1000)) {
    case ConditionOutcome::PreconditionFailed:
      throw errors::precondition_failed(call.input.contains("IfMatch") ? "If-Match" : "If-Unmodified-Since");
    case ConditionOutcome::NotModified: {
      auto error = errors::not_modified();
      error.headers = {{"ETag", record.etag}};
      throw error;
    }
    case ConditionOutcome::Proceed:
      break;
  }
  std::optional<ByteRange> range;
  auto part_number = call.input.find("PartNumber");
  if (part_number != call.input.end()) {
    if (call.input.contains("Range")) {
      throw errors::invalid_request("Cannot specify both Range header and partNumber query parameter");
    }
    range = part_range(record, part_number->get<int64_t>());
  } else if (auto header = call.input.find("Range"); header != call.input.end()) {
    range = parse_range(header->get<std::string>(), record.size);
  }

  S3Result result;
  auto& out = result.output;
  describe_object(record, out);
  out["AcceptRanges"] = "bytes";
  out["ContentLength"] = range ? range->length : record.size;
  if (range) result.status = 206;
  if (range && range->length > 0) {
    auto content_range = "bytes " + std::to_string(range->start) + "-" +
                         std::to_string(range->start + range->length - 1) + "/" + std::to_string(record.size);
    // HeadObjectOutput in the pinned model has no ContentRange member: send the header directly.
    if (with_body) {
      out["ContentRange"] = content_range;
    } else {
      result.extra_headers.emplace_back("Content-Range", content_range);
    }
  }
  if (auto version = version_header(bucket, record); !version.empty()) out["VersionId"] = version;
  describe_expiration(bucket, record.summary(bucket.name), out);
  if (part_number != call.input.end() && !record.part_sizes.empty()) {
    out["PartsCount"] = record.part_sizes.size();
  }
  if (with_body && !record.tags.empty()) out["TagCount"] = record.tags.size();
  if (call.input.value("ChecksumMode", "") == "ENABLED" && !range) {
    describe_checksums(record.checksums, out, result.extra_headers);
  }
  for (const auto& [query, member] : kOverrides) {
    if (auto it = call.input.find(query); it != call.input.end()) out[member] = *it;
  }
  if (with_body) {
    auto body = open_body(record);
    if (!body) throw errors::no_such_key(call.key);  // replaced while we read the record
    if (range) {
      body->offset = range->start;
      body->length = range->length;
    }
    result.body = std::move(body);
    ++gets_;
  } else {
    // HEAD: the length is the object's, sent without a body.
    result.extra_headers.emplace_back("Content-Length", std::to_string(range ? range->length : record.size));
  }
  co_return result;
}

std::optional<ObjectSummary> ObjectOperations::head(const Bucket& bucket, std::string_view key) {
  auto record = current(bucket.name, key);
  if (!record || record->delete_marker) return std::nullopt;
  return record->summary(bucket.name);
}

std::optional<std::pair<ObjectSummary, BodyRange>> ObjectOperations::open(const Bucket& bucket,
                                                                                      std::string_view key) {
  auto record = current(bucket.name, key);
  if (!record || record->delete_marker) return std::nullopt;
  auto body = open_body(*record);
  if (!body) return std::nullopt;
  return std::make_pair(record->summary(bucket.name), std::move(*body));
}

}  // namespace nimbus::s3
