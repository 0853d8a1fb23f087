#include "services/scheduler/scheduler_state.h"

#include "core/log.h"

namespace nimbus::scheduler {

std::string scope_prefix(std::string_view account, std::string_view region) {
  return std::string(account) + "/" + std::string(region) + "/";
}

std::string group_key(std::string_view account, std::string_view region, std::string_view group) {
  return scope_prefix(account, region) + std::string(group);
}

std::string schedule_key(std::string_view account, std::string_view region, std::string_view group,
                         std::string_view name) {
  return scope_prefix(account, region) + std::string(group) + "/" + std::string(name);
}

void SchedulerState::load(storage::Store& store, int64_t now_ms) {
  std::lock_guard lock(mutex);
  groups.clear();
  schedules.clear();
  catching_up.clear();
  auto read = [&](std::string_view prefix, std::map<std::string, Json>& into) {
    store.scan(kSpace, prefix, [&](std::string_view key, std::string_view value) {
      auto record = Json::parse(value, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        NIMBUS_LOG(Warn, "scheduler: unreadable record " + std::string(key) + " skipped");
      } else {
        into.emplace(std::string(key.substr(prefix.size())), std::move(record));
      }
      return true;
    });
  };
  read("g/", groups);
  read("s/", schedules);
  for (const auto& [key, record] : schedules) {
    if (record.contains("_due_ms") && record["_due_ms"].get<int64_t>() < now_ms) catching_up.insert(key);
  }
  wake = true;
}

void SchedulerState::clear() {
  std::lock_guard lock(mutex);
  groups.clear();
  schedules.clear();
  catching_up.clear();
}

}  // namespace nimbus::scheduler
