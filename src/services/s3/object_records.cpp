#include "services/s3/object_records.h"

#include <stdexcept>

#include "core/crypto.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"

namespace nimbus::s3 {
namespace keys = storage::keys;

ObjectSummary ObjectRecord::summary(const std::string& bucket) const {
  ObjectSummary out;
  out.bucket = bucket;
  out.key = key;
  out.version_id = version_id;
  out.etag = etag;
  out.size = size;
  out.last_modified_ms = last_modified_ms;
  out.storage_class = storage_class;
  out.content_type = headers.value("ContentType", "");
  out.metadata = metadata;
  out.tags.insert(tags.begin(), tags.end());
  out.delete_marker = delete_marker;
  return out;
}

Json to_json(const ObjectRecord& r) {
  Json tags = Json::array();
  for (const auto& [key, value] : r.tags) tags.push_back({key, value});
  return {{"k", r.key},          {"v", r.version_id},      {"s", r.sequence},   {"d", r.delete_marker},
          {"f", r.file},         {"n", r.size},            {"e", r.etag},       {"t", r.last_modified_ms},
          {"c", r.storage_class}, {"o", r.owner},          {"h", r.headers},    {"m", r.metadata},
          {"g", tags},           {"x", r.checksums},       {"xt", r.checksum_type}, {"p", r.part_sizes}};
}

ObjectRecord object_from_json(const Json& j) {
  ObjectRecord r;
  r.key = j.at("k").get<std::string>();
  r.version_id = j.at("v").get<std::string>();
  r.sequence = j.at("s").get<uint64_t>();
  r.delete_marker = j.at("d").get<bool>();
  r.file = j.at("f").get<std::string>();
  r.size = j.at("n").get<uint64_t>();
  r.etag = j.at("e").get<std::string>();
  r.last_modified_ms = j.at("t").get<int64_t>();
  r.storage_class = j.at("c").get<std::string>();
  r.owner = j.value("o", "");
  r.headers = j.value("h", Json::object());
  r.metadata = j.value("m", std::map<std::string, std::string>{});
  for (const auto& tag : j.value("g", Json::array())) r.tags.emplace_back(tag.at(0), tag.at(1));
  r.checksums = j.value("x", std::map<std::string, std::string>{});
  r.checksum_type = j.value("xt", "");
  r.part_sizes = j.value("p", std::vector<uint64_t>{});
  return r;
}

namespace {

// First byte of a binary object record; JSON records of earlier releases start with '{'.
constexpr char kBinaryObjectRecord = '\x01';

void write_pairs(storage::RecordWriter& out, const auto& pairs) {
  out.u64(pairs.size());
  for (const auto& [name, value] : pairs) out.bytes(name).bytes(value);
}

// Reads what write_pairs wrote, handing each (name, value) to `add`.
void read_pairs(storage::RecordReader& in, const auto& add) {
  for (auto n = in.u64(); n > 0; --n) {
    std::string name(in.bytes());
    add(std::move(name), std::string(in.bytes()));
  }
}

// What a listing shows (and the body's name), in the record's leading fields.
void read_listed(storage::RecordReader& in, ObjectRecord& r) {
  r.key = in.bytes();
  r.version_id = in.bytes();
  r.sequence = in.u64();
  r.delete_marker = in.u64() != 0;
  r.file = in.bytes();
  r.size = in.u64();
  r.etag = in.bytes();
  r.last_modified_ms = in.i64();
  r.storage_class = in.bytes();
  r.owner = in.bytes();
  r.checksum_type = in.bytes();
  read_pairs(in, [&](std::string name, std::string value) { r.checksums[std::move(name)] = std::move(value); });
}

bool is_json_record(std::string_view stored) { return !stored.empty() && stored.front() == '{'; }

}  // namespace

std::string encode_object(const ObjectRecord& r) {
  storage::RecordWriter out(128 + r.key.size());
  out.u64(static_cast<unsigned char>(kBinaryObjectRecord));
  out.bytes(r.key).bytes(r.version_id).u64(r.sequence).u64(r.delete_marker ? 1 : 0).bytes(r.file).u64(r.size);
  out.bytes(r.etag).i64(r.last_modified_ms).bytes(r.storage_class).bytes(r.owner).bytes(r.checksum_type);
  write_pairs(out, r.checksums);
  out.bytes(r.headers.empty() ? std::string() : r.headers.dump());
  write_pairs(out, r.metadata);
  write_pairs(out, r.tags);
  out.u64(r.part_sizes.size());
  for (auto size : r.part_sizes) out.u64(size);
  return out.take();
}

ObjectRecord decode_object(std::string_view stored) {
  if (is_json_record(stored)) return object_from_json(Json::parse(stored));
  storage::RecordReader in(stored);
  if (in.u64() != static_cast<unsigned char>(kBinaryObjectRecord)) throw std::runtime_error("s3: unknown object record");
  ObjectRecord r;
  read_listed(in, r);
  auto headers = in.bytes();
  r.headers = headers.empty() ? Json::object() : Json::parse(headers);
  read_pairs(in, [&](std::string name, std::string value) { r.metadata[std::move(name)] = std::move(value); });
  read_pairs(in, [&](std::string name, std::string value) { r.tags.emplace_back(std::move(name), std::move(value)); });
  for (auto n = in.u64(); n > 0; --n) r.part_sizes.push_back(in.u64());
  return r;
}

ObjectRecord decode_listed_object(std::string_view stored) {
  if (is_json_record(stored)) return decode_object(stored);
  storage::RecordReader in(stored);
  if (in.u64() != static_cast<unsigned char>(kBinaryObjectRecord)) throw std::runtime_error("s3: unknown object record");
  ObjectRecord r;
  read_listed(in, r);
  return r;
}

Json to_json(const UploadRecord& r) {
  return {{"id", r.upload_id}, {"k", r.key}, {"i", r.initiated_ms}, {"o", r.owner},
          {"a", r.checksum_algorithm}, {"obj", to_json(r.object)}};
}

UploadRecord upload_from_json(const Json& j) {
  UploadRecord r;
  r.upload_id = j.at("id").get<std::string>();
  r.key = j.at("k").get<std::string>();
  r.initiated_ms = j.at("i").get<int64_t>();
  r.owner = j.value("o", "");
  r.checksum_algorithm = j.value("a", "");
  r.object = object_from_json(j.at("obj"));
  return r;
}

Json to_json(const PartRecord& r) {
  return {{"n", r.part_number}, {"f", r.file}, {"s", r.size}, {"e", r.etag}, {"t", r.last_modified_ms},
          {"x", r.checksums}};
}

PartRecord part_from_json(const Json& j) {
  PartRecord r;
  r.part_number = j.at("n").get<int>();
  r.file = j.at("f").get<std::string>();
  r.size = j.at("s").get<uint64_t>();
  r.etag = j.at("e").get<std::string>();
  r.last_modified_ms = j.at("t").get<int64_t>();
  r.checksums = j.value("x", std::map<std::string, std::string>{});
  return r;
}

namespace {
constexpr std::string_view kInlinePrefix = "inline/";
}  // namespace

bool is_inline_body(std::string_view name) { return name.starts_with(kInlinePrefix); }
std::string new_inline_body_name() { return std::string(kInlinePrefix) + crypto::hex(crypto::random_bytes(16)); }

namespace record_keys {

std::string escape(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (char byte : part) {
    out.push_back(byte);
    if (byte == '\0') out.push_back('\xff');
  }
  return out;
}

std::string current(std::string_view bucket, std::string_view key) { return "o/" + keys::join({bucket, key}); }
std::string current_prefix(std::string_view bucket, std::string_view key_prefix) {
  return "o/" + keys::join({bucket}) + escape(key_prefix);
}
std::string version(std::string_view bucket, std::string_view key, uint64_t sequence) {
  auto out = versions_of(bucket, key);
  keys::append_u64(out, ~sequence);
  return out;
}
std::string versions_of(std::string_view bucket, std::string_view key) { return "v/" + keys::join({bucket, key}); }
std::string version_prefix(std::string_view bucket, std::string_view key_prefix) {
  return "v/" + keys::join({bucket}) + escape(key_prefix);
}
std::string upload(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  return "u/" + keys::join({bucket, key, upload_id});
}
std::string upload_prefix(std::string_view bucket, std::string_view key_prefix) {
  return "u/" + keys::join({bucket}) + escape(key_prefix);
}
std::string part(std::string_view upload_id, int part_number) {
  auto out = parts_of(upload_id);
  keys::append_u64(out, static_cast<uint64_t>(part_number));
  return out;
}
std::string parts_of(std::string_view upload_id) { return "p/" + keys::join({upload_id}); }
std::string inline_body(std::string_view name) { return "b/" + std::string(name.substr(kInlinePrefix.size())); }

}  // namespace record_keys

std::optional<std::string> RecordStore::get(std::string_view key) {
  {
    std::lock_guard guard(overlay_mutex_);
    if (auto it = overlay_.find(std::string(key)); it != overlay_.end()) return it->second.value;
  }
  return store_.get(kSpace, key);
}

RecordStore::Submitted RecordStore::submit(storage::WriteBatch batch) {
  Submitted submitted;
  {
    std::lock_guard guard(overlay_mutex_);
    submitted.generation = ++generation_;
    for (const auto& op : batch.ops()) overlay_[op.key] = Pending{submitted.generation, op.value};
  }
  submitted.pending = store_.submit(std::move(batch));
  return submitted;
}

awaitable<void> RecordStore::finish(Submitted submitted) {
  std::exception_ptr failure;
  try {
    co_await submitted.pending->wait();
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard guard(overlay_mutex_);
    std::erase_if(overlay_, [&](const auto& entry) { return entry.second.generation == submitted.generation; });
  }
  if (failure) std::rethrow_exception(failure);
}

uint64_t RecordStore::next_sequence(int64_t now_ms) {
  uint64_t candidate = static_cast<uint64_t>(now_ms) * 1000;
  uint64_t last = last_sequence_.load();
  while (true) {
    uint64_t next = std::max(candidate, last + 1);
    if (last_sequence_.compare_exchange_weak(last, next)) return next;
  }
}

void RecordStore::clear_overlay() {
  std::lock_guard guard(overlay_mutex_);
  overlay_.clear();
}

}  // namespace nimbus::s3
