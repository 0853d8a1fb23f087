#pragma once
// EventBridge Scheduler state: schedules and schedule groups per account and region, in memory
// and written through to the store's "scheduler" space as JSON records (schedule_rules.h
// describes a schedule record, private fire-state members included).
//
// Store layout (space `scheduler`):
//   "g/<account>/<region>/<group>"          -> group record (Name, Arn, State, dates, Tags)
//   "s/<account>/<region>/<group>/<name>"   -> schedule record
// Names are [0-9a-zA-Z-_.]+ and accounts and regions have no '/', so the keys are unambiguous and
// one account's, region's or group's records are one key range.

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace nimbus::scheduler {

using Json = nlohmann::json;

inline constexpr std::string_view kSpace = "scheduler";

std::string scope_prefix(std::string_view account, std::string_view region);
std::string group_key(std::string_view account, std::string_view region, std::string_view group);
std::string schedule_key(std::string_view account, std::string_view region, std::string_view group,
                         std::string_view name);
inline std::string group_store_key(const std::string& key) { return "g/" + key; }
inline std::string schedule_store_key(const std::string& key) { return "s/" + key; }

// The whole in-memory state. Callers hold `mutex` while they read or change it and submit the
// store batch for a change before they release it (disk order = memory order).
class SchedulerState {
 public:
  std::mutex mutex;
  std::map<std::string, Json> groups;     // group_key -> record
  std::map<std::string, Json> schedules;  // schedule_key -> record
  // Schedules whose fire time passed while nimbus was down: each fires once, then from now on.
  std::set<std::string> catching_up;
  // Set when the clock moves or a schedule changes: the worker looks for due fires.
  std::atomic<bool> wake{true};
  // The earliest due time the worker's last pass saw (nimbus ms): it skips passes before it.
  std::atomic<int64_t> earliest_due{0};

  // Rebuilds memory from the store; `now_ms` marks the schedules that are behind.
  void load(storage::Store& store, int64_t now_ms);
  void clear();
};

}  // namespace nimbus::scheduler
