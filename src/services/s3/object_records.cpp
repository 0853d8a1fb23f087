#include "services/s3/object_records.h"

#include <stdexcept>

#include "core/crypto.h"
#include "storage/key_codec.h"

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

// Fills an ObjectRecord from the members of to_json(ObjectRecord) a listing shows, as the parser
// meets them: no DOM is built, and headers, metadata, tags and part sizes are only skipped over.
class ListedFields final : public Json::json_sax_t {
 public:
  explicit ListedFields(ObjectRecord& record) : r_(record) {}

  bool null() override { return true; }
  bool boolean(bool value) override {
    if (depth_ == 1 && member_ == "d") r_.delete_marker = value;
    return true;
  }
  bool number_integer(Json::number_integer_t value) override {
    if (depth_ == 1 && member_ == "t") r_.last_modified_ms = value;
    return true;
  }
  bool number_unsigned(Json::number_unsigned_t value) override {
    if (depth_ != 1) return true;
    if (member_ == "s") r_.sequence = value;
    if (member_ == "n") r_.size = value;
    if (member_ == "t") r_.last_modified_ms = static_cast<int64_t>(value);
    return true;
  }
  bool number_float(Json::number_float_t, const std::string&) override { return true; }
  bool string(std::string& value) override {
    if (depth_ == 2 && member_ == "x") {
      r_.checksums[inner_] = std::move(value);
      return true;
    }
    if (depth_ != 1) return true;
    if (member_ == "k") r_.key = std::move(value);
    else if (member_ == "v") r_.version_id = std::move(value);
    else if (member_ == "f") r_.file = std::move(value);
    else if (member_ == "e") r_.etag = std::move(value);
    else if (member_ == "c") r_.storage_class = std::move(value);
    else if (member_ == "o") r_.owner = std::move(value);
    else if (member_ == "xt") r_.checksum_type = std::move(value);
    return true;
  }
  bool binary(Json::binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool key(std::string& name) override {
    if (depth_ == 1) member_ = std::move(name);
    if (depth_ == 2) inner_ = std::move(name);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) override {
    throw std::runtime_error(std::string("corrupt object record: ") + error.what());
  }

 private:
  bool enter() {
    ++depth_;
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }

  ObjectRecord& r_;
  int depth_ = 0;
  std::string member_;  // the top-level member being read
  std::string inner_;   // the member one level down (a checksum's algorithm)
};

}  // namespace

ObjectRecord listed_object_from_json(std::string_view stored) {
  ObjectRecord record;
  ListedFields fields(record);
  Json::sax_parse(stored, &fields);
  return record;
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
