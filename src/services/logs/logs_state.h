#pragma once
// CloudWatch Logs state: log groups and their streams (metadata) in memory per account and
// region, written through to the store's "logs" space; events live only in the store, keyed so
// that one stream's events are a range scan in timestamp order.
//
// Store layout (space `logs`, tuple keys from storage/key_codec.h):
//   join({"g", account, region, group})            -> group record (binary)
//   join({"s", account, region, group, stream})    -> stream record (binary)
//   "e" u64(stream uid) u64(timestamp) u64(seq)    -> event record: ingestion time, message
// A stream's uid is random and never reused, so events of a deleted stream that a later sweep
// still finds are recognised as orphans (no live stream has that uid) and removed.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace nimbus::logs {

inline constexpr std::string_view kSpace = "logs";

struct LogStream {
  std::string name;
  uint64_t uid = 0;
  int64_t creation_ms = 0;
  int64_t first_event_ms = 0;  // 0 = no events yet
  int64_t last_event_ms = 0;
  int64_t last_ingestion_ms = 0;
  uint64_t next_seq = 1;
  int64_t stored_bytes = 0;
  int64_t event_count = 0;
};

struct LogGroup {
  std::string name;
  int64_t creation_ms = 0;
  int32_t retention_days = 0;  // 0 = never expire
  std::string log_group_class = "STANDARD";
  std::string kms_key_id;
  std::map<std::string, std::string> tags;
  std::map<std::string, LogStream, std::less<>> streams;

  int64_t stored_bytes() const;
  // Events before this time are expired (0 = none).
  int64_t retention_cutoff_ms(int64_t now_ms) const;
};

// One account and region.
struct Scope {
  std::map<std::string, LogGroup, std::less<>> groups;
};

struct ScopeKey {
  std::string account;
  std::string region;
  auto operator<=>(const ScopeKey&) const = default;
};

// Keys and records.
namespace records {
std::string group_key(const ScopeKey& scope, std::string_view group);
std::string stream_key(const ScopeKey& scope, std::string_view group, std::string_view stream);
std::string events_prefix(uint64_t uid);
std::string event_key(uint64_t uid, int64_t timestamp_ms, uint64_t seq);
// The (timestamp, seq) of an event key under `events_prefix(uid)`; nullopt if malformed.
std::optional<std::pair<int64_t, uint64_t>> parse_event_key(std::string_view key);
std::optional<uint64_t> event_key_uid(std::string_view key);

std::string encode_group(const LogGroup& group);
std::optional<LogGroup> decode_group(std::string_view name, std::string_view record);
std::string encode_stream(const LogStream& stream);
std::optional<LogStream> decode_stream(std::string_view name, std::string_view record);

struct EventRecord {
  int64_t ingestion_ms = 0;
  std::string_view message;
};
std::string encode_event(int64_t ingestion_ms, std::string_view message);
std::optional<EventRecord> decode_event(std::string_view record);
}  // namespace records

// The whole in-memory state. Callers hold `mutex` while they read or change it, and submit the
// store batch for a change before they release it (disk order = memory order).
class LogsState {
 public:
  std::mutex mutex;
  std::map<ScopeKey, Scope> scopes;
  // Set when nimbus's clock moves: the worker sweeps at its next tick.
  std::atomic<bool> sweep_requested{false};

  Scope& scope(const ScopeKey& key) { return scopes[key]; }
  LogGroup* find_group(const ScopeKey& key, std::string_view name);

  // Rebuilds memory from the store.
  void load(storage::Store& store);
  size_t group_count() const;
  size_t stream_count() const;
};

// A fresh random stream uid (never 0).
uint64_t new_stream_uid();

}  // namespace nimbus::logs
