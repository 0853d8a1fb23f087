// CreateLogStream, DeleteLogStream, DescribeLogStreams.
#include <algorithm>
#include <cstdio>

#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "services/logs/logs_service.h"

namespace nimbus::logs {
namespace {

constexpr int64_t kDescribeLimit = 50;

// The key a page of DescribeLogStreams is ordered by; tokens carry the last one returned.
std::string sort_key(const LogStream& stream, bool by_time) {
  if (!by_time) return stream.name;
  char digits[24];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(stream.last_event_ms));
  return std::string(digits) + '\0' + stream.name;
}

Json describe(const ScopeKey& scope, const std::string& group, const LogStream& stream) {
  char token[64];
  std::snprintf(token, sizeof token, "4%055llu", static_cast<unsigned long long>(stream.next_seq));
  Json out = {{"logStreamName", stream.name},
              {"creationTime", stream.creation_ms},
              {"arn", stream_arn(scope.region, scope.account, group, stream.name)},
              {"storedBytes", 0}};
  if (stream.event_count > 0 || stream.last_ingestion_ms > 0) {
    out["firstEventTimestamp"] = stream.first_event_ms;
    out["lastEventTimestamp"] = stream.last_event_ms;
    out["lastIngestionTime"] = stream.last_ingestion_ms;
    out["uploadSequenceToken"] = token;
  }
  return out;
}

}  // namespace

awaitable<Json> LogsService::create_log_stream(RequestContext& context, const Json& in) {
  std::string group_name = required_string(in, "logGroupName");
  std::string stream_name = required_string(in, "logStreamName");
  check_group_name(group_name);
  check_stream_name(stream_name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), group_name);
    if (!group) throw errors::group_not_found();
    if (group->streams.count(stream_name)) throw errors::stream_exists();
    LogStream stream;
    stream.name = stream_name;
    stream.uid = new_stream_uid();
    stream.creation_ms = clock_.now_ms();
    storage::WriteBatch batch;
    batch.put(kSpace, records::stream_key(scope_of(context), group_name, stream_name), records::encode_stream(stream));
    group->streams.emplace(stream_name, std::move(stream));
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::delete_log_stream(RequestContext& context, const Json& in) {
  std::string group_name = required_string(in, "logGroupName");
  std::string stream_name = required_string(in, "logStreamName");
  check_group_name(group_name);
  check_stream_name(stream_name);
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state_->mutex);
    auto* group = state_->find_group(scope_of(context), group_name);
    if (!group) throw errors::group_not_found();
    auto it = group->streams.find(stream_name);
    if (it == group->streams.end()) throw errors::stream_not_found();
    storage::WriteBatch batch;
    remove_events(it->second, batch);
    batch.remove(kSpace, records::stream_key(scope_of(context), group_name, stream_name));
    group->streams.erase(it);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> LogsService::describe_log_streams(RequestContext& context, const Json& in) {
  auto prefix = opt_string(in, "logStreamNamePrefix");
  std::string order = opt_string(in, "orderBy").value_or("LogStreamName");
  if (order != "LogStreamName" && order != "LastEventTime") {
    throw errors::constraint(order, "orderBy", "Member must satisfy enum value set: [LogStreamName, LastEventTime]");
  }
  bool by_time = order == "LastEventTime";
  if (by_time && prefix) throw errors::order_by_with_prefix();
  bool descending = opt_bool(in, "descending", false);
  int64_t limit = limit_of(in, kDescribeLimit, kDescribeLimit);
  std::optional<std::string> after;
  if (auto token = opt_string(in, "nextToken")) {
    after = decode_token(*token);
    if (!after) throw errors::invalid_token();
  }
  std::lock_guard lock(state_->mutex);
  auto scope_key = scope_of(context);
  LogGroup& group = group_for(context, in);
  std::vector<std::pair<std::string, const LogStream*>> sorted;
  for (const auto& [name, stream] : group.streams) {
    if (prefix && !name.starts_with(*prefix)) continue;
    sorted.emplace_back(sort_key(stream, by_time), &stream);
  }
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return descending ? a.first > b.first : a.first < b.first;
  });
  Json streams = Json::array();
  std::optional<std::string> next;
  const std::string* last_key = nullptr;
  for (const auto& [key, stream] : sorted) {
    if (after && (descending ? key >= *after : key <= *after)) continue;
    if (static_cast<int64_t>(streams.size()) == limit) {
      next = encode_token(*last_key);
      break;
    }
    streams.push_back(describe(scope_key, group.name, *stream));
    last_key = &key;
  }
  Json out = {{"logStreams", std::move(streams)}};
  if (next) out["nextToken"] = *next;
  co_return out;
}

}  // namespace nimbus::logs
