// CreateSchedule, UpdateSchedule, GetSchedule, DeleteSchedule, ListSchedules.
#include "services/scheduler/scheduler_errors.h"
#include "services/scheduler/scheduler_rules.h"
#include "services/scheduler/scheduler_service.h"

namespace nimbus::scheduler {
namespace {

constexpr size_t kDefaultPageSize = 100;

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// Whether an update leaves when the schedule fires unchanged (its fire state is kept).
bool same_timing(const Json& before, const Json& after) {
  for (const char* key : {"ScheduleExpression", "ScheduleExpressionTimezone", "StartDate", "EndDate"}) {
    if (before.value(key, Json()) != after.value(key, Json())) return false;
  }
  return true;
}

}  // namespace

awaitable<Json> SchedulerService::create_schedule(RequestContext& context, const Json& in) {
  int64_t now = clock_.now_ms();
  Json record = schedule_record(in, now);
  std::string name = record["Name"];
  std::string group = record["GroupName"];
  std::string arn = schedule_arn(context.region, context.account_id, group, name);
  auto token = opt_string(in, "ClientToken");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string gkey = group_key(context.account_id, context.region, group);
    bool group_stored = state_->groups.count(gkey) > 0;
    if (!group_stored && group != kDefaultGroup) throw errors::group_not_found(group);
    std::string key = schedule_key(context.account_id, context.region, group, name);
    if (auto it = state_->schedules.find(key); it != state_->schedules.end()) {
      // A retried request with the same ClientToken answers as the first did.
      if (token && it->second.value("_token", "") == *token) co_return Json{{"ScheduleArn", arn}};
      throw errors::schedule_exists(name);
    }
    storage::WriteBatch batch;
    if (!group_stored) {  // the default group is stored with its first schedule
      Json made = default_group(context);
      batch.put(kSpace, group_store_key(gkey), made.dump());
      state_->groups[gkey] = std::move(made);
    }
    record["Arn"] = arn;
    record["CreationDate"] = seconds(now);
    record["LastModificationDate"] = seconds(now);
    if (token) record["_token"] = *token;
    plan_next(record, now - 1);
    batch.put(kSpace, schedule_store_key(key), record.dump());
    pending = store_.submit(std::move(batch));
    state_->schedules[key] = std::move(record);
  }
  state_->wake = true;
  co_await pending->wait();
  co_return Json{{"ScheduleArn", arn}};
}

awaitable<Json> SchedulerService::update_schedule(RequestContext& context, const Json& in) {
  int64_t now = clock_.now_ms();
  Json record = schedule_record(in, now);
  std::string name = record["Name"];
  std::string group = record["GroupName"];
  std::string arn = schedule_arn(context.region, context.account_id, group, name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = schedule_key(context.account_id, context.region, group, name);
    auto it = state_->schedules.find(key);
    if (it == state_->schedules.end()) throw errors::schedule_not_found(name);
    const Json& before = it->second;
    record["Arn"] = arn;
    record["CreationDate"] = before["CreationDate"];
    record["LastModificationDate"] = seconds(now);
    if (before.contains("_token")) record["_token"] = before["_token"];
    if (before.contains("_last_ms")) record["_last_ms"] = before["_last_ms"];
    if (same_timing(before, record)) {
      if (before.contains("_anchor_ms")) record["_anchor_ms"] = before["_anchor_ms"];
      if (before.contains("_next_ms") && before.value("FlexibleTimeWindow", Json()) == record["FlexibleTimeWindow"]) {
        record["_next_ms"] = before["_next_ms"];
        record["_due_ms"] = before["_due_ms"];
      }
    }
    // Disabled, or re-enabled: fire times count from now (nothing fires for the time it was off).
    if (!record.contains("_next_ms") || before.value("State", "") != record["State"] ||
        record["_next_ms"].get<int64_t>() < now) {
      plan_next(record, now - 1);
    }
    state_->catching_up.erase(key);
    pending = store_.submit([&] {
      storage::WriteBatch batch;
      batch.put(kSpace, schedule_store_key(key), record.dump());
      return batch;
    }());
    it->second = std::move(record);
  }
  state_->wake = true;
  co_await pending->wait();
  co_return Json{{"ScheduleArn", arn}};
}

awaitable<Json> SchedulerService::get_schedule(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  std::string group = opt_string(in, "GroupName").value_or(std::string(kDefaultGroup));
  check_name(name, "name");
  check_name(group, "groupName");
  std::lock_guard lock(state_->mutex);
  auto it = state_->schedules.find(schedule_key(context.account_id, context.region, group, name));
  if (it == state_->schedules.end()) throw errors::schedule_not_found(name);
  co_return public_view(it->second);
}

awaitable<Json> SchedulerService::delete_schedule(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  std::string group = opt_string(in, "GroupName").value_or(std::string(kDefaultGroup));
  check_name(name, "name");
  check_name(group, "groupName");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = schedule_key(context.account_id, context.region, group, name);
    if (!state_->schedules.count(key)) throw errors::schedule_not_found(name);
    storage::WriteBatch batch;
    batch.remove(kSpace, schedule_store_key(key));
    pending = store_.submit(std::move(batch));
    state_->schedules.erase(key);
    state_->catching_up.erase(key);
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchedulerService::list_schedules(RequestContext& context, const Json& in) {
  auto group = opt_string(in, "GroupName");
  auto prefix = opt_string(in, "NamePrefix").value_or("");
  auto state = opt_string(in, "State");
  auto token = opt_string(in, "NextToken");
  size_t limit = in.contains("MaxResults") ? static_cast<size_t>(std::max<int64_t>(1, in["MaxResults"].get<int64_t>()))
                                           : kDefaultPageSize;
  if (group) check_name(*group, "groupName");
  std::string scope = scope_prefix(context.account_id, context.region);
  std::string range = group ? scope + *group + "/" : scope;
  Json page = Json::array();
  Json out = Json::object();
  std::lock_guard lock(state_->mutex);
  auto it = token ? state_->schedules.upper_bound(scope + *token) : state_->schedules.lower_bound(range);
  if (token && !token->starts_with(group ? *group + "/" : "")) throw errors::invalid_token();
  for (; it != state_->schedules.end() && it->first.starts_with(range); ++it) {
    const Json& record = it->second;
    if (!record.value("Name", "").starts_with(prefix)) continue;
    if (state && record.value("State", "") != *state) continue;
    if (page.size() == limit) {
      out["NextToken"] = std::prev(it)->first.substr(scope.size());
      break;
    }
    page.push_back({{"Arn", record["Arn"]},
                    {"CreationDate", record["CreationDate"]},
                    {"GroupName", record["GroupName"]},
                    {"LastModificationDate", record["LastModificationDate"]},
                    {"Name", record["Name"]},
                    {"State", record["State"]},
                    {"Target", {{"Arn", record["Target"].value("Arn", "")}}}});
  }
  out["Schedules"] = std::move(page);
  co_return out;
}

}  // namespace nimbus::scheduler
