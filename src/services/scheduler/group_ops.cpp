// CreateScheduleGroup, GetScheduleGroup, DeleteScheduleGroup (with its schedules),
// ListScheduleGroups, and tags (TagResource, UntagResource, ListTagsForResource) on groups.
#include "services/scheduler/scheduler_errors.h"
#include "services/scheduler/scheduler_rules.h"
#include "services/scheduler/scheduler_service.h"

namespace nimbus::scheduler {
namespace {

constexpr size_t kDefaultPageSize = 100;
constexpr size_t kMaxTags = 200;

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

Json group_view(const Json& record) {
  Json out = record;
  out.erase("Tags");
  return out;
}

// The group a scheduler ARN names: "schedule-group/<name>".
std::string group_of_arn(const std::string& arn) {
  auto parts = parse_arn(arn);
  constexpr std::string_view kPrefix = "schedule-group/";
  if (!parts || parts->service != "scheduler" || !parts->resource.starts_with(kPrefix)) {
    throw errors::not_found("Resource " + arn + " does not exist.");
  }
  return parts->resource.substr(kPrefix.size());
}

// Tags as a list of {Key, Value}, with `added` merged in by key.
Json merge_tags(const Json& tags, const Json& added) {
  Json out = tags.is_array() ? tags : Json::array();
  for (const auto& tag : added) {
    std::string key = tag.value("Key", "");
    bool replaced = false;
    for (auto& existing : out) {
      if (existing.value("Key", "") == key) {
        existing["Value"] = tag.value("Value", "");
        replaced = true;
      }
    }
    if (!replaced) out.push_back({{"Key", key}, {"Value", tag.value("Value", "")}});
  }
  if (out.size() > kMaxTags) throw errors::too_many_tags();
  return out;
}

}  // namespace

Json SchedulerService::default_group(const RequestContext& context) const {
  auto it = state_->groups.find(group_key(context.account_id, context.region, kDefaultGroup));
  if (it != state_->groups.end()) return it->second;
  double now = seconds(clock_.now_ms());
  return {{"Name", kDefaultGroup},
          {"Arn", group_arn(context.region, context.account_id, kDefaultGroup)},
          {"State", "ACTIVE"},
          {"CreationDate", now},
          {"LastModificationDate", now},
          {"Tags", Json::array()}};
}

Json SchedulerService::group_or_throw(const RequestContext& context, const std::string& name) const {
  auto it = state_->groups.find(group_key(context.account_id, context.region, name));
  if (it != state_->groups.end()) return it->second;
  if (name != kDefaultGroup) throw errors::group_not_found(name);
  return default_group(context);
}

awaitable<Json> SchedulerService::create_schedule_group(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name");
  Json tags = merge_tags(Json::array(), in.value("Tags", Json::array()));
  std::string arn = group_arn(context.region, context.account_id, name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = group_key(context.account_id, context.region, name);
    if (name == kDefaultGroup || state_->groups.count(key)) throw errors::group_exists(name);
    double now = seconds(clock_.now_ms());
    Json record = {{"Name", name}, {"Arn", arn}, {"State", "ACTIVE"}, {"CreationDate", now},
                   {"LastModificationDate", now}, {"Tags", tags}};
    storage::WriteBatch batch;
    batch.put(kSpace, group_store_key(key), record.dump());
    pending = store_.submit(std::move(batch));
    state_->groups[key] = std::move(record);
  }
  co_await pending->wait();
  co_return Json{{"ScheduleGroupArn", arn}};
}

awaitable<Json> SchedulerService::get_schedule_group(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name");
  std::lock_guard lock(state_->mutex);
  if (name == kDefaultGroup) co_return group_view(default_group(context));
  auto it = state_->groups.find(group_key(context.account_id, context.region, name));
  if (it == state_->groups.end()) throw errors::group_not_found(name);
  co_return group_view(it->second);
}

awaitable<Json> SchedulerService::delete_schedule_group(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name");
  if (name == kDefaultGroup) throw errors::default_group_undeletable();
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    std::string key = group_key(context.account_id, context.region, name);
    if (!state_->groups.count(key)) throw errors::group_not_found(name);
    // The group and every schedule in it go in one batch.
    storage::WriteBatch batch;
    batch.remove(kSpace, group_store_key(key));
    std::string range = key + "/";
    for (auto it = state_->schedules.lower_bound(range);
         it != state_->schedules.end() && it->first.starts_with(range);) {
      batch.remove(kSpace, schedule_store_key(it->first));
      state_->catching_up.erase(it->first);
      it = state_->schedules.erase(it);
    }
    pending = store_.submit(std::move(batch));
    state_->groups.erase(key);
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchedulerService::list_schedule_groups(RequestContext& context, const Json& in) {
  auto prefix = opt_string(in, "NamePrefix").value_or("");
  auto token = opt_string(in, "NextToken");
  size_t limit = in.contains("MaxResults") ? static_cast<size_t>(std::max<int64_t>(1, in["MaxResults"].get<int64_t>()))
                                           : kDefaultPageSize;
  std::lock_guard lock(state_->mutex);
  // Every scope has the default group, stored or not: merge it in by name.
  std::map<std::string, Json> groups;
  std::string scope = scope_prefix(context.account_id, context.region);
  for (auto it = state_->groups.lower_bound(scope); it != state_->groups.end() && it->first.starts_with(scope); ++it) {
    groups.emplace(it->first.substr(scope.size()), it->second);
  }
  if (!groups.count(std::string(kDefaultGroup))) groups.emplace(std::string(kDefaultGroup), default_group(context));
  Json page = Json::array();
  Json out = Json::object();
  for (auto it = token ? groups.upper_bound(*token) : groups.begin(); it != groups.end(); ++it) {
    if (!it->first.starts_with(prefix)) continue;
    if (page.size() == limit) {
      out["NextToken"] = std::prev(it)->first;
      break;
    }
    page.push_back(group_view(it->second));
  }
  out["ScheduleGroups"] = std::move(page);
  co_return out;
}

awaitable<Json> SchedulerService::tag_resource(RequestContext& context, const Json& in) {
  std::string name = group_of_arn(in.value("ResourceArn", ""));
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    Json record = group_or_throw(context, name);
    record["Tags"] = merge_tags(record.value("Tags", Json::array()), in.value("Tags", Json::array()));
    std::string key = group_key(context.account_id, context.region, name);
    storage::WriteBatch batch;
    batch.put(kSpace, group_store_key(key), record.dump());
    pending = store_.submit(std::move(batch));
    state_->groups[key] = std::move(record);
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchedulerService::untag_resource(RequestContext& context, const Json& in) {
  std::string name = group_of_arn(in.value("ResourceArn", ""));
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    Json record = group_or_throw(context, name);
    Json kept = Json::array();
    const Json removed = in.value("TagKeys", Json::array());
    for (const auto& tag : record.value("Tags", Json::array())) {
      bool drop = false;
      for (const auto& key : removed) drop = drop || (key.is_string() && key.get<std::string>() == tag.value("Key", ""));
      if (!drop) kept.push_back(tag);
    }
    record["Tags"] = std::move(kept);
    std::string key = group_key(context.account_id, context.region, name);
    storage::WriteBatch batch;
    batch.put(kSpace, group_store_key(key), record.dump());
    pending = store_.submit(std::move(batch));
    state_->groups[key] = std::move(record);
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchedulerService::list_tags_for_resource(RequestContext& context, const Json& in) {
  std::string name = group_of_arn(in.value("ResourceArn", ""));
  std::lock_guard lock(state_->mutex);
  if (name == kDefaultGroup) co_return Json{{"Tags", default_group(context).value("Tags", Json::array())}};
  auto it = state_->groups.find(group_key(context.account_id, context.region, name));
  if (it == state_->groups.end()) throw errors::group_not_found(name);
  co_return Json{{"Tags", it->second.value("Tags", Json::array())}};
}

}  // namespace nimbus::scheduler
