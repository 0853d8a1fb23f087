// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, AbortMultipartUpload,
// ListParts (CompleteMultipartUpload is in multipart_complete.cpp).

#include "core/crypto.h"
#include "services/s3/bucket_names.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr int kMaxPartNumber = 10000;

int part_number_of(const Json& input) {
  auto number = input.value("PartNumber", 0);
  if (number < 1 || number > kMaxPartNumber) {
    throw errors::invalid_argument("Part number must be an integer between 1 and 10000, inclusive", "partNumber",
                                   std::to_string(number));
  }
  return number;
}

}  // namespace

UploadRecord ObjectOperations::require_upload(const std::string& bucket, const std::string& key, const Json& input) {
  auto upload_id = input.value("UploadId", "");
  auto value = records_.get(record_keys::upload(bucket, key, upload_id));
  if (!value) throw errors::no_such_upload(upload_id);
  return upload_from_json(Json::parse(*value));
}

std::vector<PartRecord> ObjectOperations::parts_of(const std::string& upload_id) {
  std::vector<PartRecord> parts;
  records_.scan(record_keys::parts_of(upload_id), [&](std::string_view, std::string_view value) {
    parts.push_back(part_from_json(Json::parse(value)));
    return true;
  });
  return parts;
}

awaitable<S3Result> ObjectOperations::create_multipart_upload(S3Call& call) {
  check_key_length(call.key);
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  UploadRecord upload;
  upload.object = record_from_input(call.input);
  upload.object.key = call.key;
  upload.object.owner = call.context.account_id;
  upload.upload_id = crypto::hex(crypto::random_bytes(24));
  upload.key = call.key;
  upload.initiated_ms = environment_.clock.now_ms();
  upload.owner = call.context.account_id;
  if (auto algorithm = call.input.value("ChecksumAlgorithm", ""); !algorithm.empty()) {
    auto parsed = parse_checksum_algorithm(algorithm);
    if (!parsed) throw errors::invalid_request("Checksum algorithm provided is unsupported.");
    upload.checksum_algorithm = std::string(algorithm_name(*parsed));
  }
  storage::WriteBatch batch;
  batch.put(kSpace, record_keys::upload(bucket.name, call.key, upload.upload_id), to_json(upload).dump());
  co_await records_.finish(records_.submit(std::move(batch)));
  S3Result result;
  result.output = {{"Bucket", bucket.name}, {"Key", call.key}, {"UploadId", upload.upload_id}};
  if (!upload.checksum_algorithm.empty()) result.output["ChecksumAlgorithm"] = upload.checksum_algorithm;
  co_return result;
}

awaitable<S3Result> ObjectOperations::store_part(S3Call& call, const UploadRecord& upload, int part_number,
                                                 StagedBody staged, std::optional<ChecksumAlgorithm> algorithm) {
  PartRecord part;
  part.part_number = part_number;
  part.size = staged.size;
  part.etag = quoted_etag(staged.md5);
  part.last_modified_ms = environment_.clock.now_ms();
  if (algorithm && staged.checksum) part.checksums[std::string(algorithm_name(*algorithm))] = crypto::base64_encode(*staged.checksum);
  part.file = staged.name;
  try {
    co_await publish(staged);
  } catch (const std::system_error&) {
    // An Abort racing the upload removed the part's folder.
    if (!records_.get(record_keys::upload(call.bucket, call.key, upload.upload_id))) {
      throw errors::no_such_upload(upload.upload_id);
    }
    throw;
  }
  std::string replaced;
  RecordStore::Submitted submitted;
  {
    auto lock = records_.lock();
    if (!records_.get(record_keys::upload(call.bucket, call.key, upload.upload_id))) {
      files_.remove(part.file);
      throw errors::no_such_upload(upload.upload_id);
    }
    if (auto old = records_.get(record_keys::part(upload.upload_id, part_number))) {
      replaced = part_from_json(Json::parse(*old)).file;
    }
    storage::WriteBatch batch;
    batch.put(kSpace, record_keys::part(upload.upload_id, part_number), to_json(part).dump());
    submitted = records_.submit(std::move(batch));
  }
  co_await records_.finish(std::move(submitted));
  files_.remove(replaced);
  S3Result result;
  if (call.input.contains("CopySource")) {
    Json copy = {{"ETag", part.etag}, {"LastModified", part.last_modified_ms / 1000}};
    result.output["CopyPartResult"] = std::move(copy);
  } else {
    result.output["ETag"] = part.etag;
    describe_checksums(part.checksums, result.output, result.extra_headers);
  }
  co_return result;
}

awaitable<S3Result> ObjectOperations::upload_part(S3Call& call) {
  environment_.buckets.require(call.bucket, call.context);
  auto number = part_number_of(call.input);
  auto upload = require_upload(call.bucket, call.key, call.input);
  RequestBody request(call.head, *call.body, call.context);
  if (!request.length()) throw errors::missing_content_length();
  auto algorithm = request.algorithm();
  if (!algorithm && !upload.checksum_algorithm.empty()) algorithm = parse_checksum_algorithm(upload.checksum_algorithm);
  auto target = file_body(files_.new_part_name(upload.upload_id, number));
  auto staged = co_await stage(std::move(target), request.reader(), request.length(),
                               request.content_sha256().has_value(), algorithm);
  request.verify(staged.md5, staged.sha256, staged.checksum);
  co_return co_await store_part(call, upload, number, std::move(staged), algorithm);
}

awaitable<S3Result> ObjectOperations::upload_part_copy(S3Call& call) {
  environment_.buckets.require(call.bucket, call.context);
  auto number = part_number_of(call.input);
  auto upload = require_upload(call.bucket, call.key, call.input);
  auto source_ref = parse_copy_source(call.input.value("CopySource", ""));
  auto source_bucket = environment_.buckets.require(source_ref.bucket, call.context);
  Json version_input = Json::object();
  if (!source_ref.version_id.empty()) version_input["VersionId"] = source_ref.version_id;
  auto source = require_version(source_bucket.name, source_ref.key, version_input);
  if (evaluate_conditions(conditions_from(call.input, "CopySource"), source.etag, source.last_modified_ms / 1000) !=
      ConditionOutcome::Proceed) {
    throw errors::precondition_failed("x-amz-copy-source-If");
  }
  ByteRange range{0, source.size};
  if (auto header = call.input.find("CopySourceRange"); header != call.input.end()) {
    auto text = header->get<std::string>();
    auto invalid = errors::invalid_argument(
        "Range specified is not valid for source object of size: " + std::to_string(source.size), "x-amz-copy-source-range", text);
    auto dash = text.find('-');
    if (text.rfind("bytes=", 0) != 0 || dash == std::string::npos) throw invalid;
    try {
      uint64_t first = std::stoull(text.substr(6, dash - 6));
      uint64_t last = std::stoull(text.substr(dash + 1));
      if (first > last || last >= source.size) throw invalid;
      range = {first, last - first + 1};
    } catch (const std::logic_error&) {
      throw invalid;
    }
  }
  auto source_body = open_body(source);
  if (!source_body) throw errors::no_such_key(source_ref.key);
  source_body->offset = range.start;
  source_body->length = range.length;
  auto staged = file_body(files_.new_part_name(upload.upload_id, number));
  auto md5 = make_md5();
  bool complete = ObjectFiles::read_range(*source_body, [&](std::string_view data) {
    staged.file->write(data);
    md5->update(data);
  });
  if (!complete) throw errors::no_such_key(source_ref.key);
  staged.size = range.length;
  staged.md5 = md5->digest();
  auto result = co_await store_part(call, upload, number, std::move(staged), std::nullopt);
  if (!source_bucket.versioning.empty()) result.output["CopySourceVersionId"] = source.version_id;
  co_return result;
}

awaitable<S3Result> ObjectOperations::abort_multipart_upload(S3Call& call) {
  environment_.buckets.require(call.bucket, call.context);
  auto upload = require_upload(call.bucket, call.key, call.input);
  storage::WriteBatch batch;
  batch.remove(kSpace, record_keys::upload(call.bucket, call.key, upload.upload_id));
  for (const auto& part : parts_of(upload.upload_id)) batch.remove(kSpace, record_keys::part(upload.upload_id, part.part_number));
  RecordStore::Submitted submitted;
  {
    auto lock = records_.lock();
    submitted = records_.submit(std::move(batch));
  }
  co_await records_.finish(std::move(submitted));
  files_.remove_upload(upload.upload_id);
  co_return S3Result{};
}

awaitable<S3Result> ObjectOperations::list_parts(S3Call& call) {
  environment_.buckets.require(call.bucket, call.context);
  auto upload = require_upload(call.bucket, call.key, call.input);
  auto max = std::clamp<int64_t>(call.input.value("MaxParts", 1000), 0, 1000);
  auto marker = call.input.value("PartNumberMarker", 0);
  Json parts = Json::array();
  bool truncated = false;
  int last = 0;
  for (const auto& part : parts_of(upload.upload_id)) {
    if (part.part_number <= marker) continue;
    if (static_cast<int64_t>(parts.size()) == max) {
      truncated = true;
      break;
    }
    Json item = {{"PartNumber", part.part_number}, {"LastModified", part.last_modified_ms / 1000},
                 {"ETag", part.etag}, {"Size", part.size}};
    std::vector<std::pair<std::string, std::string>> ignored;
    describe_checksums(part.checksums, item, ignored);
    parts.push_back(std::move(item));
    last = part.part_number;
  }
  S3Result result;
  auto& out = result.output;
  out = {{"Bucket", call.bucket}, {"Key", call.key}, {"UploadId", upload.upload_id},
         {"PartNumberMarker", marker}, {"MaxParts", max}, {"IsTruncated", truncated},
         {"Initiator", owner_json(upload.owner)}, {"Owner", owner_json(upload.owner)},
         {"StorageClass", upload.object.storage_class}};
  if (truncated) out["NextPartNumberMarker"] = last;
  if (!parts.empty()) out["Parts"] = std::move(parts);
  if (!upload.checksum_algorithm.empty()) out["ChecksumAlgorithm"] = upload.checksum_algorithm;
  co_return result;
}

}  // namespace nimbus::s3
