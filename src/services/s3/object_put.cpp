// Writing objects: PutObject, CopyObject and ObjectAccess::put. Bodies stream into a new file (or,
// when small, memory) while their digests are computed, are verified and synced
// (ObjectFiles::publish), and only then is the record naming the file committed (an inline body
// in the same batch).

#include <algorithm>
#include <memory>
#include <vector>

#include "core/crypto.h"
#include "services/s3/lifecycle.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr size_t kBlock = 256 * 1024;
constexpr uint64_t kMaxObjectSize = 5ull << 30;

// A conditional write header: the decoded member when the model has it, else the raw header (the
// pinned model's PutObjectRequest lacks IfMatch, so its If-Match never reaches `input`).
std::optional<std::string> write_condition(const Json& input, const HttpRequest& head,
                                           const char* member, const char* header) {
  if (auto value = input.find(member); value != input.end() && value->is_string()) {
    return value->get<std::string>();
  }
  if (auto it = head.find(header); it != head.end()) return std::string(it->value());
  return std::nullopt;
}

// If-None-Match: * / If-Match on a write, checked against the version being replaced.
void check_write_conditions(const Json& input, const HttpRequest& head, const std::string& key,
                            const std::optional<ObjectRecord>& latest) {
  bool exists = latest && !latest->delete_marker;
  if (auto none = write_condition(input, head, "IfNoneMatch", "If-None-Match")) {
    if (*none != "*") throw errors::not_implemented("If-None-Match");
    if (exists) throw errors::precondition_failed("If-None-Match");
  }
  if (auto match = write_condition(input, head, "IfMatch", "If-Match")) {
    if (!exists) throw errors::no_such_key(key);
    if (!etag_matches(*match, latest->etag)) throw errors::precondition_failed("If-Match");
  }
}

// The algorithm's digest of a whole body (CopyObject with x-amz-checksum-algorithm); nullopt when
// its file cannot be read in full.
std::optional<std::string> body_checksum(const BodyRange& body, ChecksumAlgorithm algorithm) {
  auto hasher = make_hasher(algorithm);
  if (!ObjectFiles::read_range(body, [&](std::string_view block) { hasher->update(block); })) return std::nullopt;
  return hasher->digest();
}

}  // namespace

std::string ObjectOperations::version_header(const Bucket& bucket, const ObjectRecord& record) const {
  auto versioning = environment_.buckets.find(bucket.name).value_or(bucket).versioning;
  return versioning.empty() ? std::string() : record.version_id;
}

ObjectOperations::StagedBody ObjectOperations::object_body(std::optional<uint64_t> length) {
  if (length && *length <= kInlineBodyLimit) return StagedBody{.name = new_inline_body_name()};
  return file_body(files_.new_object_name());
}

ObjectOperations::StagedBody ObjectOperations::file_body(const std::string& name) {
  StagedBody staged{.name = name};
  staged.file.emplace(files_.create(name));
  return staged;
}

awaitable<ObjectOperations::StagedBody> ObjectOperations::stage(StagedBody staged, BodyReader& body,
                                                                std::optional<uint64_t> length, bool sha256,
                                                                std::optional<ChecksumAlgorithm> algorithm) {
  if (length && *length > kMaxObjectSize) throw errors::entity_too_large();
  auto md5 = make_md5();
  auto payload_hash = sha256 ? make_sha256() : nullptr;
  auto checksum = algorithm ? make_hasher(*algorithm) : nullptr;
  // No bigger than the body, and not zero-filled: a 4 KiB PUT should not pay for 256 KiB.
  auto block_size = static_cast<size_t>(std::clamp<uint64_t>(length.value_or(kBlock), 1, kBlock));
  auto block = std::make_unique_for_overwrite<char[]>(block_size);
  while (true) {
    size_t n = co_await body.read_some(std::span<char>(block.get(), block_size));
    if (n == 0) break;
    std::string_view data(block.get(), n);
    staged.size += n;
    if (staged.size > kMaxObjectSize) throw errors::entity_too_large();
    if (staged.file) {
      staged.file->write(data);
    } else {
      // Inline only when the length was announced: more bytes than that is a bad body.
      if (staged.size > *length) throw errors::incomplete_body();
      staged.bytes.append(data);
    }
    md5->update(data);
    if (payload_hash) payload_hash->update(data);
    if (checksum) checksum->update(data);
  }
  if (length && staged.size != *length) throw errors::incomplete_body();
  staged.md5 = md5->digest();
  if (payload_hash) staged.sha256 = payload_hash->digest();
  if (checksum) staged.checksum = checksum->digest();
  co_return staged;
}

std::optional<std::string> ObjectOperations::inline_bytes(StagedBody& staged) {
  if (staged.file) return std::nullopt;
  return std::move(staged.bytes);
}

awaitable<void> ObjectOperations::publish(StagedBody& staged) {
  if (staged.file) co_await files_.publish(*staged.file);
}

std::optional<BodyRange> ObjectOperations::open_body(const ObjectRecord& record) {
  if (!is_inline_body(record.file)) return files_.open(record.file, record.size);
  auto bytes = records_.get(record_keys::inline_body(record.file));
  if (!bytes) return std::nullopt;
  return BodyRange{.length = bytes->size(), .bytes = std::make_shared<const std::string>(std::move(*bytes))};
}

awaitable<S3Result> ObjectOperations::put_object(S3Call& call) {
  check_key_length(call.key);
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto record = record_from_input(call.input);
  check_write_conditions(call.input, call.head, call.key, current(bucket.name, call.key));
  RequestBody request(call.head, *call.body, call.context);
  if (!request.length()) throw errors::missing_content_length();
  auto target = object_body(request.length());
  auto staged = co_await stage(std::move(target), request.reader(), request.length(),
                               request.content_sha256().has_value(), request.algorithm());
  request.verify(staged.md5, staged.sha256, staged.checksum);

  record.key = call.key;
  record.owner = call.context.account_id;
  record.size = staged.size;
  record.etag = quoted_etag(staged.md5);
  record.last_modified_ms = environment_.clock.now_ms();
  if (request.algorithm() && staged.checksum) {
    record.checksums[std::string(algorithm_name(*request.algorithm()))] = crypto::base64_encode(*staged.checksum);
    record.checksum_type = "FULL_OBJECT";
  }
  record.file = staged.name;
  co_await publish(staged);
  const std::string published = record.file;
  Precondition still_allowed = [&](const auto& latest) {
    check_write_conditions(call.input, call.head, call.key, latest);
  };
  auto inline_body = inline_bytes(staged);
  try {
    record = co_await install(bucket.name, std::move(record), still_allowed, {}, std::move(inline_body),
                              {&call.context, &bucket, "ObjectCreated:Put"});
  } catch (...) {
    files_.remove(published);
    throw;
  }
  ++puts_;
  S3Result result;
  result.output["ETag"] = record.etag;
  if (auto version = version_header(bucket, record); !version.empty()) result.output["VersionId"] = version;
  describe_checksums(record.checksums, result.output, result.extra_headers);
  describe_expiration(bucket, record.summary(bucket.name), result.output);
  co_return result;
}

awaitable<S3Result> ObjectOperations::copy_object(S3Call& call) {
  check_key_length(call.key);
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto source_ref = parse_copy_source(call.input.value("CopySource", ""));
  auto source_bucket = environment_.buckets.require(source_ref.bucket, call.context);
  Json version_input = Json::object();
  if (!source_ref.version_id.empty()) version_input["VersionId"] = source_ref.version_id;
  auto source = require_version(source_bucket.name, source_ref.key, version_input);
  auto outcome = evaluate_conditions(conditions_from(call.input, "CopySource"), source.etag,
                                     source.last_modified_ms / 1000);
  if (outcome != ConditionOutcome::Proceed) throw errors::precondition_failed("x-amz-copy-source-If");

  auto metadata_directive = call.input.value("MetadataDirective", "COPY");
  auto tagging_directive = call.input.value("TaggingDirective", "COPY");
  if (metadata_directive != "COPY" && metadata_directive != "REPLACE") {
    throw errors::invalid_argument("Unknown metadata directive.", "x-amz-metadata-directive", metadata_directive);
  }
  if (tagging_directive != "COPY" && tagging_directive != "REPLACE") {
    throw errors::invalid_argument("Unknown tagging directive.", "x-amz-tagging-directive", tagging_directive);
  }
  auto requested_algorithm = call.input.value("ChecksumAlgorithm", "");
  if (!requested_algorithm.empty() && !parse_checksum_algorithm(requested_algorithm)) {
    throw errors::invalid_request("Checksum algorithm provided is unsupported.");
  }
  bool same_object = source_bucket.name == bucket.name && source_ref.key == call.key;
  if (same_object && metadata_directive == "COPY" && !call.input.contains("StorageClass") &&
      !call.input.contains("WebsiteRedirectLocation") && !call.input.contains("ServerSideEncryption") &&
      !call.input.contains("SSEKMSKeyId") && requested_algorithm.empty()) {
    throw errors::invalid_request(
        "This copy request is illegal because it is trying to copy an object to itself without changing the "
        "object's metadata, storage class, website redirect location or encryption attributes.");
  }

  ObjectRecord record = record_from_input(call.input);
  if (metadata_directive == "COPY") {
    record.headers = source.headers;
    record.metadata = source.metadata;
  }
  if (tagging_directive == "COPY") record.tags = source.tags;
  record.key = call.key;
  record.owner = call.context.account_id;
  record.size = source.size;
  record.etag = source.etag;
  record.checksums = source.checksums;
  record.checksum_type = source.checksum_type;
  record.part_sizes = source.part_sizes;
  record.last_modified_ms = environment_.clock.now_ms();
  // An inline body is copied into the new record's batch; a file is linked (or copied) durably.
  std::optional<std::string> inline_body;
  std::optional<BodyRange> copied;
  if (is_inline_body(source.file)) {
    copied = open_body(source);
    if (!copied) throw errors::no_such_key(source_ref.key);
    record.file = new_inline_body_name();
    inline_body = *copied->bytes;
  } else {
    try {
      std::string cloned = co_await files_.clone(source.file);
      record.file = std::move(cloned);
    } catch (const std::system_error&) {
      throw errors::no_such_key(source_ref.key);
    }
  }
  const std::string published = record.file;
  if (!requested_algorithm.empty()) {
    auto algorithm = parse_checksum_algorithm(requested_algorithm);
    if (!copied) copied = files_.open(record.file, record.size);
    auto digest = copied ? body_checksum(*copied, *algorithm) : std::nullopt;
    if (!digest) {
      files_.remove(published);
      throw errors::no_such_key(source_ref.key);
    }
    record.checksums = {{std::string(algorithm_name(*algorithm)), crypto::base64_encode(*digest)}};
    record.checksum_type = "FULL_OBJECT";
  }
  try {
    record = co_await install(bucket.name, std::move(record), {}, {}, std::move(inline_body),
                              {&call.context, &bucket, "ObjectCreated:Copy"});
  } catch (...) {
    files_.remove(published);
    throw;
  }
  ++puts_;
  S3Result result;
  Json copy_result = {{"ETag", record.etag}, {"LastModified", record.last_modified_ms / 1000}};
  std::vector<std::pair<std::string, std::string>> ignored;
  describe_checksums(record.checksums, copy_result, ignored);
  result.output["CopyObjectResult"] = std::move(copy_result);
  if (!source_bucket.versioning.empty()) result.output["CopySourceVersionId"] = source.version_id;
  if (auto version = version_header(bucket, record); !version.empty()) result.output["VersionId"] = version;
  describe_expiration(bucket, record.summary(bucket.name), result.output);
  co_return result;
}

awaitable<ObjectSummary> ObjectOperations::put(RequestContext& context, const Bucket& bucket, std::string key,
                                               BodyReader& body, std::optional<uint64_t> length,
                                               PutOptions options, std::string_view event_name) {
  auto target = object_body(length);
  auto staged = co_await stage(std::move(target), body, length, false, std::nullopt);
  if (options.content_md5) {
    auto expected = crypto::base64_decode(*options.content_md5);
    if (!expected || expected->size() != 16) throw errors::invalid_digest();
    if (*expected != staged.md5) throw errors::bad_digest();
  }
  ObjectRecord record;
  record.key = std::move(key);
  record.owner = context.account_id;
  record.headers["ContentType"] = options.content_type.empty() ? "binary/octet-stream" : options.content_type;
  record.metadata = std::move(options.metadata);
  record.size = staged.size;
  record.etag = quoted_etag(staged.md5);
  record.last_modified_ms = environment_.clock.now_ms();
  record.file = staged.name;
  co_await publish(staged);
  const std::string published = record.file;
  auto inline_body = inline_bytes(staged);
  try {
    record = co_await install(bucket.name, std::move(record), {}, {}, std::move(inline_body),
                              {&context, &bucket, event_name});
  } catch (...) {
    files_.remove(published);
    throw;
  }
  ++puts_;
  co_return record.summary(bucket.name);
}

}  // namespace nimbus::s3
