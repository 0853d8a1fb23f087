#pragma once
// Amazon CloudWatch Logs (2014-03-28, awsJson 1.1, model-driven): log groups, streams, events,
// filter patterns, retention (enforced: expired events are hidden and a worker deletes them)
// and tags. Other services (Lambda) write logs through ServiceRegistry::call with the same
// model-shaped input a client sends.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "services/logs/filter_pattern.h"
#include "services/logs/logs_state.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::logs {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

class LogsService final : public Service {
 public:
  LogsService(storage::Store& store, Clock& clock);
  ~LogsService() override;

  std::string_view name() const override { return "logs"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

  // The retention sweep (the worker runs it every minute of nimbus's clock): deletes events
  // past their group's retention and events of deleted streams. Returns the events deleted.
  awaitable<int64_t> sweep();

 private:
  using Handler = awaitable<Json> (LogsService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // group_ops.cpp
  awaitable<Json> create_log_group(RequestContext& context, const Json& in);
  awaitable<Json> delete_log_group(RequestContext& context, const Json& in);
  awaitable<Json> describe_log_groups(RequestContext& context, const Json& in);
  awaitable<Json> put_retention_policy(RequestContext& context, const Json& in);
  awaitable<Json> delete_retention_policy(RequestContext& context, const Json& in);
  // stream_ops.cpp
  awaitable<Json> create_log_stream(RequestContext& context, const Json& in);
  awaitable<Json> delete_log_stream(RequestContext& context, const Json& in);
  awaitable<Json> describe_log_streams(RequestContext& context, const Json& in);
  // put_ops.cpp
  awaitable<Json> put_log_events(RequestContext& context, const Json& in);
  // read_ops.cpp
  awaitable<Json> get_log_events(RequestContext& context, const Json& in);
  awaitable<Json> filter_log_events(RequestContext& context, const Json& in);
  // tag_ops.cpp
  awaitable<Json> tag_log_group(RequestContext& context, const Json& in);
  awaitable<Json> untag_log_group(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_log_group(RequestContext& context, const Json& in);
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_for_resource(RequestContext& context, const Json& in);

  static ScopeKey scope_of(const RequestContext& context) { return {context.account_id, context.region}; }
  // The group named by logGroupName or logGroupIdentifier (name or ARN). Caller holds the lock.
  LogGroup& group_for(const RequestContext& context, const Json& in);
  // Adds the removal of every event of `stream` to `batch`; returns how many.
  int64_t remove_events(const LogStream& stream, storage::WriteBatch& batch);
  awaitable<void> worker();

  storage::Store& store_;
  Clock& clock_;
  std::shared_ptr<LogsState> state_;
  filter::PatternCache patterns_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> worker_running_{false};
  bool started_ = false;
  std::optional<boost::asio::any_io_executor> executor_;  // the worker's, once started
  // Counters for health().
  std::atomic<int64_t> events_put_{0};
  std::atomic<int64_t> events_rejected_{0};
  std::atomic<int64_t> events_expired_{0};
  std::atomic<int64_t> filter_calls_{0};
};

std::unique_ptr<LogsService> make_logs_service(storage::Store& store, Clock& clock);

}  // namespace nimbus::logs
