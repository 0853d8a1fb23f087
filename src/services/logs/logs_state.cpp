#include "services/logs/logs_state.h"

#include <cstring>
#include <stdexcept>

#include "core/crypto.h"
#include "storage/key_codec.h"
#include "storage/record_codec.h"

namespace nimbus::logs {
namespace {

constexpr uint64_t kRecordVersion = 1;
constexpr int64_t kDayMs = 86'400'000;
const std::string kGroupTag = "g";
const std::string kStreamTag = "s";

}  // namespace

int64_t LogGroup::stored_bytes() const {
  int64_t total = 0;
  for (const auto& [name, stream] : streams) total += stream.stored_bytes;
  return total;
}

int64_t LogGroup::retention_cutoff_ms(int64_t now_ms) const {
  return retention_days > 0 ? now_ms - int64_t{retention_days} * kDayMs : 0;
}

namespace records {

std::string group_key(const ScopeKey& scope, std::string_view group) {
  return storage::keys::join({kGroupTag, scope.account, scope.region, group});
}

std::string stream_key(const ScopeKey& scope, std::string_view group, std::string_view stream) {
  return storage::keys::join({kStreamTag, scope.account, scope.region, group, stream});
}

std::string events_prefix(uint64_t uid) {
  std::string key = "e";
  storage::keys::append_u64(key, uid);
  return key;
}

std::string event_key(uint64_t uid, int64_t timestamp_ms, uint64_t seq) {
  std::string key = events_prefix(uid);
  storage::keys::append_u64(key, static_cast<uint64_t>(timestamp_ms < 0 ? 0 : timestamp_ms));
  storage::keys::append_u64(key, seq);
  return key;
}

std::optional<std::pair<int64_t, uint64_t>> parse_event_key(std::string_view key) {
  if (key.size() != 25 || key[0] != 'e') return std::nullopt;
  auto ts = storage::keys::read_u64(key.substr(9, 8));
  auto seq = storage::keys::read_u64(key.substr(17, 8));
  if (!ts || !seq) return std::nullopt;
  return std::pair{static_cast<int64_t>(*ts), *seq};
}

std::optional<uint64_t> event_key_uid(std::string_view key) {
  if (key.size() < 9 || key[0] != 'e') return std::nullopt;
  return storage::keys::read_u64(key.substr(1, 8));
}

std::string encode_group(const LogGroup& group) {
  storage::RecordWriter out;
  out.u64(kRecordVersion).i64(group.creation_ms).i64(group.retention_days);
  out.bytes(group.log_group_class).bytes(group.kms_key_id).u64(group.tags.size());
  for (const auto& [key, value] : group.tags) out.bytes(key).bytes(value);
  return out.take();
}

std::optional<LogGroup> decode_group(std::string_view name, std::string_view record) {
  try {
    storage::RecordReader in(record);
    if (in.u64() != kRecordVersion) return std::nullopt;
    LogGroup group;
    group.name = std::string(name);
    group.creation_ms = in.i64();
    group.retention_days = static_cast<int32_t>(in.i64());
    group.log_group_class = std::string(in.bytes());
    group.kms_key_id = std::string(in.bytes());
    for (uint64_t n = in.u64(); n > 0; --n) {
      std::string key(in.bytes());
      group.tags[key] = std::string(in.bytes());
    }
    return group;
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

std::string encode_stream(const LogStream& stream) {
  storage::RecordWriter out;
  out.u64(kRecordVersion).u64(stream.uid).i64(stream.creation_ms).i64(stream.first_event_ms);
  out.i64(stream.last_event_ms).i64(stream.last_ingestion_ms).u64(stream.next_seq);
  out.i64(stream.stored_bytes).i64(stream.event_count);
  return out.take();
}

std::optional<LogStream> decode_stream(std::string_view name, std::string_view record) {
  try {
    storage::RecordReader in(record);
    if (in.u64() != kRecordVersion) return std::nullopt;
    LogStream stream;
    stream.name = std::string(name);
    stream.uid = in.u64();
    stream.creation_ms = in.i64();
    stream.first_event_ms = in.i64();
    stream.last_event_ms = in.i64();
    stream.last_ingestion_ms = in.i64();
    stream.next_seq = in.u64();
    stream.stored_bytes = in.i64();
    stream.event_count = in.i64();
    return stream;
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

std::string encode_event(int64_t ingestion_ms, std::string_view message) {
  storage::RecordWriter out(message.size() + 12);
  out.i64(ingestion_ms).bytes(message);
  return out.take();
}

std::optional<EventRecord> decode_event(std::string_view record) {
  try {
    storage::RecordReader in(record);
    EventRecord event;
    event.ingestion_ms = in.i64();
    event.message = in.bytes();
    return event;
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
}

}  // namespace records

LogGroup* LogsState::find_group(const ScopeKey& key, std::string_view name) {
  auto scope = scopes.find(key);
  if (scope == scopes.end()) return nullptr;
  auto group = scope->second.groups.find(name);
  return group == scope->second.groups.end() ? nullptr : &group->second;
}

void LogsState::load(storage::Store& store) {
  std::lock_guard lock(mutex);
  scopes.clear();
  store.scan(kSpace, storage::keys::join({kGroupTag}), [&](std::string_view key, std::string_view value) {
    auto parts = storage::keys::split(key);
    if (!parts || parts->size() != 4) return true;
    if (auto group = records::decode_group((*parts)[3], value)) {
      scopes[{(*parts)[1], (*parts)[2]}].groups[(*parts)[3]] = std::move(*group);
    }
    return true;
  });
  store.scan(kSpace, storage::keys::join({kStreamTag}), [&](std::string_view key, std::string_view value) {
    auto parts = storage::keys::split(key);
    if (!parts || parts->size() != 5) return true;
    auto* group = find_group({(*parts)[1], (*parts)[2]}, (*parts)[3]);
    if (!group) return true;  // its group was deleted; the sweep drops its events
    if (auto stream = records::decode_stream((*parts)[4], value)) group->streams[(*parts)[4]] = std::move(*stream);
    return true;
  });
}

size_t LogsState::group_count() const {
  size_t n = 0;
  for (const auto& [key, scope] : scopes) n += scope.groups.size();
  return n;
}

size_t LogsState::stream_count() const {
  size_t n = 0;
  for (const auto& [key, scope] : scopes) {
    for (const auto& [name, group] : scope.groups) n += group.streams.size();
  }
  return n;
}

uint64_t new_stream_uid() {
  for (;;) {
    std::string raw = crypto::random_bytes(8);
    uint64_t uid = 0;
    std::memcpy(&uid, raw.data(), sizeof uid);
    if (uid != 0) return uid;
  }
}

}  // namespace nimbus::logs
