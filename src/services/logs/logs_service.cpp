#include "services/logs/logs_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "async/worker_exit.h"
#include "services/logs/logs_errors.h"
#include "services/logs/logs_rules.h"
#include "storage/key_codec.h"

namespace nimbus::logs {
namespace {

constexpr auto kWorkerTick = std::chrono::milliseconds(250);
constexpr int64_t kSweepEveryMs = 60'000;

}  // namespace

std::unique_ptr<LogsService> make_logs_service(storage::Store& store, Clock& clock) {
  return std::make_unique<LogsService>(store, clock);
}

const std::unordered_map<std::string_view, LogsService::Handler>& LogsService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateLogGroup", &LogsService::create_log_group},
      {"CreateLogStream", &LogsService::create_log_stream},
      {"DeleteLogGroup", &LogsService::delete_log_group},
      {"DeleteLogStream", &LogsService::delete_log_stream},
      {"DeleteRetentionPolicy", &LogsService::delete_retention_policy},
      {"DescribeLogGroups", &LogsService::describe_log_groups},
      {"DescribeLogStreams", &LogsService::describe_log_streams},
      {"FilterLogEvents", &LogsService::filter_log_events},
      {"GetLogEvents", &LogsService::get_log_events},
      {"ListTagsForResource", &LogsService::list_tags_for_resource},
      {"ListTagsLogGroup", &LogsService::list_tags_log_group},
      {"PutLogEvents", &LogsService::put_log_events},
      {"PutRetentionPolicy", &LogsService::put_retention_policy},
      {"TagLogGroup", &LogsService::tag_log_group},
      {"TagResource", &LogsService::tag_resource},
      {"UntagLogGroup", &LogsService::untag_log_group},
      {"UntagResource", &LogsService::untag_resource},
  };
  return table;
}

LogsService::LogsService(storage::Store& store, Clock& clock)
    : store_(store), clock_(clock), state_(std::make_shared<LogsState>()) {
  clock_.on_advance([weak = std::weak_ptr<LogsState>(state_)] {
    if (auto state = weak.lock()) state->sweep_requested = true;
  });
}

LogsService::~LogsService() {
  stop();
  // Give a suspended worker the chance to observe the stop before `this` goes away.
  async::wait_for_worker_exit(worker_running_, executor_);
}

const model::ServiceModel& LogsService::model() const { return model::logs_model(); }

bool LogsService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> LogsService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void LogsService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  executor_ = executor;
  stopping_ = false;
  state_->load(store_);
  state_->sweep_requested = true;  // drop what expired while nimbus was down
  worker_running_ = true;
  boost::asio::co_spawn(executor, worker(), boost::asio::detached);
}

void LogsService::stop() {
  stopping_ = true;
  started_ = false;
}

awaitable<void> LogsService::reset() {
  {
    std::lock_guard lock(state_->mutex);
    state_->scopes.clear();
  }
  co_await store_.wipe(kSpace);
}

Json LogsService::health() const {
  std::lock_guard lock(state_->mutex);
  return {{"state", stopping_ ? "stopped" : "running"},
          {"log_groups", state_->group_count()},
          {"log_streams", state_->stream_count()},
          {"events_put", events_put_.load()},
          {"events_rejected", events_rejected_.load()},
          {"events_expired", events_expired_.load()},
          {"filter_calls", filter_calls_.load()},
          {"cached_patterns", patterns_.size()}};
}

LogGroup& LogsService::group_for(const RequestContext& context, const Json& in) {
  auto name = opt_string(in, "logGroupName");
  auto identifier = opt_string(in, "logGroupIdentifier");
  if (name && identifier) {
    throw errors::invalid_parameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (!name && !identifier) throw errors::invalid_parameter("Should provide either name or ARN of the log group.");
  std::string group_name = name ? *name : group_name_of_identifier(*identifier);
  auto* group = state_->find_group(scope_of(context), group_name);
  if (!group) throw errors::group_not_found();
  return *group;
}

int64_t LogsService::remove_events(const LogStream& stream, storage::WriteBatch& batch) {
  int64_t removed = 0;
  store_.scan(kSpace, records::events_prefix(stream.uid), [&](std::string_view key, std::string_view) {
    batch.remove(kSpace, key);
    ++removed;
    return true;
  });
  return removed;
}

awaitable<int64_t> LogsService::sweep() {
  std::vector<std::shared_ptr<storage::PendingCommit>> pending;
  int64_t removed_total = 0;
  {
    std::lock_guard lock(state_->mutex);
    int64_t now = clock_.now_ms();
    std::set<uint64_t> live;
    for (auto& [scope_key, scope] : state_->scopes) {
      for (auto& [group_name, group] : scope.groups) {
        int64_t cutoff = group.retention_cutoff_ms(now);
        for (auto& [stream_name, stream] : group.streams) {
          live.insert(stream.uid);
          if (cutoff <= 0 || stream.event_count == 0 || stream.first_event_ms >= cutoff) continue;
          storage::WriteBatch batch;
          int64_t removed = 0, bytes = 0;
          store_.scan(kSpace, records::events_prefix(stream.uid), [&](std::string_view key, std::string_view value) {
            auto position = records::parse_event_key(key);
            if (position && position->first >= cutoff) return false;
            if (auto event = records::decode_event(value)) bytes += static_cast<int64_t>(event->message.size());
            batch.remove(kSpace, key);
            ++removed;
            return true;
          });
          stream.event_count = std::max<int64_t>(0, stream.event_count - removed);
          stream.stored_bytes = std::max<int64_t>(0, stream.stored_bytes - bytes);
          stream.first_event_ms = stream.event_count == 0 ? 0 : cutoff;
          if (stream.event_count == 0) stream.last_event_ms = 0;
          batch.put(kSpace, records::stream_key(scope_key, group_name, stream_name), records::encode_stream(stream));
          removed_total += removed;
          pending.push_back(store_.submit(std::move(batch)));
        }
      }
    }
    // Events of streams no longer alive (deleted while a write was still in flight): one seek
    // per live stream skips its events.
    storage::WriteBatch orphans;
    std::string start = "e";
    for (;;) {
      std::optional<std::string> next;
      store_.scan_from(kSpace, "e", start, [&](std::string_view key, std::string_view) {
        auto uid = records::event_key_uid(key);
        if (uid && live.count(*uid)) {
          if (*uid != UINT64_MAX) next = records::events_prefix(*uid + 1);
          return false;
        }
        orphans.remove(kSpace, key);
        return true;
      });
      if (!next) break;
      start = std::move(*next);
    }
    if (!orphans.empty()) pending.push_back(store_.submit(std::move(orphans)));
  }
  events_expired_ += removed_total;
  for (auto& commit : pending) co_await commit->wait();
  co_return removed_total;
}

awaitable<void> LogsService::worker() {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  int64_t last_sweep_ms = 0;
  while (!stopping_) {
    timer.expires_after(kWorkerTick);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (stopping_) break;
    bool requested = state_->sweep_requested.exchange(false);
    if (!requested && clock_.now_ms() - last_sweep_ms < kSweepEveryMs) continue;
    last_sweep_ms = clock_.now_ms();
    try {
      co_await sweep();
    } catch (const std::exception&) {
      // A failed store write: the next sweep tries again.
    }
  }
  worker_running_ = false;
}

}  // namespace nimbus::logs
