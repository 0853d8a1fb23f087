// Tags of log groups: the deprecated TagLogGroup / UntagLogGroup / ListTagsLogGroup (by name)
// and TagResource / UntagResource / ListTagsForResource (by ARN).
#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

constexpr size_t kMaxTags = 50;

// The log group an ARN names, in the caller's account and region.
std::string group_of_arn(const RequestContext& context, const std::string& arn) {
  auto ref = parse_group_arn(arn);
  if (!ref) throw errors::invalid_parameter("Invalid resource ARN: " + arn);
  if (ref->account != context.account_id || ref->region != context.region) {
    throw errors::resource_not_found("The specified resource does not exist.");
  }
  return ref->group;
}

std::vector<std::string> keys_of(const Json& list) {
  std::vector<std::string> keys;
  if (list.is_array()) {
    for (const auto& key : list) {
      if (key.is_string()) keys.push_back(key.get<std::string>());
    }
  }
  return keys;
}

}  // namespace

awaitable<Json> LogsService::tag_log_group(RequestContext& context, const Json& in) {
  Json tags = in.value("tags", Json::object());
  if (!in.contains("tags")) throw errors::missing("tags");
  check_tags(tags);
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), name);
    if (!group) throw errors::group_not_found();
    auto merged = group->tags;
    for (auto& [key, value] : tags_of(tags)) merged[key] = value;
    if (merged.size() > kMaxTags) throw errors::too_many_tags(name);
    group->tags = std::move(merged);
    storage::WriteBatch batch;
    batch.put(kSpace, records::group_key(scope_of(context), name), records::encode_group(*group));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::untag_log_group(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  if (!in.contains("tags")) throw errors::missing("tags");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), name);
    if (!group) throw errors::group_not_found();
    for (const auto& key : keys_of(in["tags"])) group->tags.erase(key);
    storage::WriteBatch batch;
    batch.put(kSpace, records::group_key(scope_of(context), name), records::encode_group(*group));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::list_tags_log_group(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  std::lock_guard lock(state_->mutex);
  auto* group = state_->find_group(scope_of(context), name);
  if (!group) throw errors::group_not_found();
  co_return Json{{"tags", group->tags}};
}

awaitable<Json> LogsService::tag_resource(RequestContext& context, const Json& in) {
  std::string arn = required_string(in, "resourceArn");
  if (!in.contains("tags")) throw errors::missing("tags");
  Json tags = in["tags"];
  check_tags(tags);
  Json by_name = {{"logGroupName", group_of_arn(context, arn)}, {"tags", tags}};
  co_return co_await tag_log_group(context, by_name);
}

awaitable<Json> LogsService::untag_resource(RequestContext& context, const Json& in) {
  std::string arn = required_string(in, "resourceArn");
  if (!in.contains("tagKeys")) throw errors::missing("tagKeys");
  Json by_name = {{"logGroupName", group_of_arn(context, arn)}, {"tags", in["tagKeys"]}};
  co_return co_await untag_log_group(context, by_name);
}

awaitable<Json> LogsService::list_tags_for_resource(RequestContext& context, const Json& in) {
  std::string arn = required_string(in, "resourceArn");
  Json by_name = {{"logGroupName", group_of_arn(context, arn)}};
  co_return co_await list_tags_log_group(context, by_name);
}

}  // namespace nimbus::logs
