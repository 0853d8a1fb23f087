// CompleteMultipartUpload: checks the part list, concatenates the part files into the object's
// file (in the kernel, off the I/O threads; then published) and installs it together with the
// removal of the upload.

#include "core/crypto.h"
#include "services/s3/lifecycle.h"
#include "services/s3/object_http.h"
#include "services/s3/object_operations.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

constexpr uint64_t kMinPartSize = 5ull << 20;

std::string_view unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

}  // namespace

awaitable<S3Result> ObjectOperations::complete_multipart_upload(S3Call& call) {
  auto bucket = environment_.buckets.require(call.bucket, call.context);
  auto upload = require_upload(bucket.name, call.key, call.input);
  auto requested = call.input.value("MultipartUpload", Json::object()).value("Parts", Json::array());
  if (requested.empty()) throw errors::malformed_xml();
  std::map<int, PartRecord> stored;
  for (auto& part : parts_of(upload.upload_id)) stored.emplace(part.part_number, std::move(part));

  std::vector<const PartRecord*> chosen;
  int previous = 0;
  for (const auto& item : requested) {
    int number = item.value("PartNumber", 0);
    if (number <= previous) throw errors::invalid_part_order();
    previous = number;
    auto it = stored.find(number);
    if (it == stored.end() || unquoted(item.value("ETag", "")) != unquoted(it->second.etag)) throw errors::invalid_part();
    // A part checksum named in the request must be the one stored for that part (AWS: InvalidPart).
    for (auto algorithm : kAllChecksums) {
      auto member = item.find(std::string(algorithm_member(algorithm)));
      if (member == item.end() || !member->is_string()) continue;
      auto have = it->second.checksums.find(std::string(algorithm_name(algorithm)));
      if (have == it->second.checksums.end() || have->second != member->get<std::string>()) {
        throw errors::invalid_part();
      }
    }
    chosen.push_back(&it->second);
  }
  for (size_t i = 0; i + 1 < chosen.size(); ++i) {
    if (chosen[i]->size < kMinPartSize) throw errors::entity_too_small();
  }

  ObjectRecord record = upload.object;
  std::vector<std::string> etags;
  auto combined = files_.create(files_.new_object_name());
  std::vector<std::pair<std::string, uint64_t>> sources;
  for (const auto* part : chosen) sources.emplace_back(part->file, part->size);
  bool concatenated = co_await files_.concatenate(combined, std::move(sources));
  if (!concatenated) throw errors::invalid_part();
  auto composite = upload.checksum_algorithm.empty() ? nullptr : make_hasher(*parse_checksum_algorithm(upload.checksum_algorithm));
  for (const auto* part : chosen) {
    etags.push_back(part->etag);
    record.size += part->size;
    record.part_sizes.push_back(part->size);
    if (composite) {
      auto value = part->checksums.find(upload.checksum_algorithm);
      auto raw = value == part->checksums.end() ? std::nullopt : crypto::base64_decode(value->second);
      if (raw) {
        composite->update(*raw);
      } else {
        composite.reset();
      }
    }
  }
  record.etag = multipart_etag(etags).value_or(quoted_etag(crypto::random_bytes(16)));
  if (composite) {
    record.checksums[upload.checksum_algorithm] =
        crypto::base64_encode(composite->digest()) + "-" + std::to_string(chosen.size());
    record.checksum_type = "COMPOSITE";
  }
  record.key = call.key;
  record.owner = call.context.account_id;
  record.last_modified_ms = environment_.clock.now_ms();
  record.file = combined.name();
  co_await files_.publish(combined);

  std::vector<std::string> finished = {record_keys::upload(bucket.name, call.key, upload.upload_id)};
  for (const auto& [number, part] : stored) finished.push_back(record_keys::part(upload.upload_id, number));
  const std::string published = record.file;
  try {
    record = co_await install(bucket.name, std::move(record), [&](const std::optional<ObjectRecord>& latest) {
      if (!records_.get(finished.front())) throw errors::no_such_upload(upload.upload_id);
      if (call.input.value("IfNoneMatch", "") == "*" && latest && !latest->delete_marker) {
        throw errors::precondition_failed("If-None-Match");
      }
    }, finished, std::nullopt, {&call.context, &bucket, "ObjectCreated:CompleteMultipartUpload"});
  } catch (...) {
    files_.remove(published);
    throw;
  }
  files_.remove_upload(upload.upload_id);
  ++puts_;
  S3Result result;
  auto& out = result.output;
  out = {{"Location", "/" + bucket.name + "/" + url_encode_key(call.key)}, {"Bucket", bucket.name},
         {"Key", call.key}, {"ETag", record.etag}};
  if (auto version = version_header(bucket, record); !version.empty()) out["VersionId"] = version;
  std::vector<std::pair<std::string, std::string>> ignored;
  describe_checksums(record.checksums, out, ignored);
  describe_expiration(bucket, record.summary(bucket.name), out);
  co_return result;
}

}  // namespace nimbus::s3
