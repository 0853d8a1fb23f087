// CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy, DeleteRetentionPolicy.
#include <algorithm>
#include <cctype>

#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

constexpr int64_t kDescribeLimit = 50;

bool is_valid_class(std::string_view value) {
  return value == "STANDARD" || value == "INFREQUENT_ACCESS" || value == "DELIVERY";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Json describe(const ScopeKey& scope, const LogGroup& group) {
  std::string arn = group_arn(scope.region, scope.account, group.name);
  Json out = {{"logGroupName", group.name},
              {"creationTime", group.creation_ms},
              {"metricFilterCount", 0},
              {"arn", arn + ":*"},
              {"storedBytes", group.stored_bytes()},
              {"logGroupClass", group.log_group_class},
              {"logGroupArn", arn}};
  if (group.retention_days > 0) out["retentionInDays"] = group.retention_days;
  if (!group.kms_key_id.empty()) out["kmsKeyId"] = group.kms_key_id;
  return out;
}

}  // namespace

awaitable<Json> LogsService::create_log_group(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  if (lower(name).starts_with("aws/")) throw errors::invalid_parameter("Log groups starting with AWS/ are reserved for AWS.");
  auto tags = in.value("tags", Json::object());
  check_tags(tags);
  LogGroup group;
  group.name = name;
  group.creation_ms = clock_.now_ms();
  group.tags = tags_of(tags);
  group.kms_key_id = opt_string(in, "kmsKeyId").value_or("");
  if (auto cls = opt_string(in, "logGroupClass")) {
    if (!is_valid_class(*cls)) {
      throw errors::constraint(*cls, "logGroupClass", "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]");
    }
    group.log_group_class = *cls;
  }
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto& scope = state_->scope(scope_of(context));
    if (scope.groups.count(name)) throw errors::group_exists();
    storage::WriteBatch batch;
    batch.put(kSpace, records::group_key(scope_of(context), name), records::encode_group(group));
    scope.groups.emplace(name, std::move(group));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::delete_log_group(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto& scope = state_->scope(scope_of(context));
    auto it = scope.groups.find(name);
    if (it == scope.groups.end()) throw errors::group_not_found();
    storage::WriteBatch batch;
    for (const auto& [stream_name, stream] : it->second.streams) {
      remove_events(stream, batch);
      batch.remove(kSpace, records::stream_key(scope_of(context), name, stream_name));
    }
    batch.remove(kSpace, records::group_key(scope_of(context), name));
    scope.groups.erase(it);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::describe_log_groups(RequestContext& context, const Json& in) {
  auto prefix = opt_string(in, "logGroupNamePrefix");
  auto pattern = opt_string(in, "logGroupNamePattern");
  if (prefix && pattern) {
    throw errors::invalid_parameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  if (prefix) check_group_name(*prefix, "logGroupNamePrefix");
  int64_t limit = limit_of(in, kDescribeLimit, kDescribeLimit);
  std::optional<std::string> after;
  if (auto token = opt_string(in, "nextToken")) {
    after = decode_token(*token);
    if (!after) throw errors::invalid_token();
  }
  std::string needle = pattern ? lower(*pattern) : "";
  Json groups = Json::array();
  std::optional<std::string> next;
  std::lock_guard lock(state_->mutex);
  auto scope_key = scope_of(context);
  auto& scope = state_->scope(scope_key);
  auto it = after ? scope.groups.upper_bound(*after) : prefix ? scope.groups.lower_bound(*prefix) : scope.groups.begin();
  for (; it != scope.groups.end(); ++it) {
    const auto& [name, group] = *it;
    if (prefix && !name.starts_with(*prefix)) {
      if (name > *prefix) break;
      continue;
    }
    if (pattern && lower(name).find(needle) == std::string::npos) continue;
    if (static_cast<int64_t>(groups.size()) == limit) {
      next = encode_token(groups.back()["logGroupName"].get<std::string>());
      break;
    }
    groups.push_back(describe(scope_key, group));
  }
  Json out = {{"logGroups", std::move(groups)}};
  if (next) out["nextToken"] = *next;
  co_return out;
}

awaitable<Json> LogsService::put_retention_policy(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  auto days = opt_int(in, "retentionInDays");
  if (!days) throw errors::missing("retentionInDays");
  check_retention_days(*days);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), name);
    if (!group) throw errors::group_not_found();
    group->retention_days = static_cast<int32_t>(*days);
    storage::WriteBatch batch;
    batch.put(kSpace, records::group_key(scope_of(context), name), records::encode_group(*group));
    pending = store_.submit(std::move(batch));
  }
  state_->sweep_requested = true;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::delete_retention_policy(RequestContext& context, const Json& in) {
  std::string name = required_string(in, "logGroupName");
  check_group_name(name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), name);
    if (!group) throw errors::group_not_found();
    group->retention_days = 0;
    storage::WriteBatch batch;
    batch.put(kSpace, records::group_key(scope_of(context), name), records::encode_group(*group));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

}  // namespace nimbus::logs
