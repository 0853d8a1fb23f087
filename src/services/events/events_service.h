#pragma once
// Amazon EventBridge (2015-10-07, awsJson 1.1, model-driven): event buses with their policies,
// rules (event patterns), targets, PutEvents and TestEventPattern. PutEvents matches each event
// against the bus's rules once, in the request, and stages one durable delivery per matched
// target (src/delivery) in the same store batch as the acknowledgement: SQS queues (FIFO with
// the target's MessageGroupId), Lambda functions (asynchronous Invoke), other event buses, and
// CloudWatch Logs groups. Given-up deliveries go to the target's dead-letter queue with the
// attributes EventBridge adds.
//
// State: one record per bus and per rule (storage::RecordTable, space "events"); the rules that
// route are also indexed in memory (rule_router.h).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/events/api_destination_request.h"
#include "services/events/archive_index.h"
#include "services/events/events_names.h"
#include "services/events/rule_router.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::events {

template <typename T>
using awaitable = boost::asio::awaitable<T>;
// A read-modify-write of one rule record (nullopt: absent / delete).
using RuleChange = std::function<void(std::optional<Json>&)>;

struct EventsDeps {
  storage::Store& store;
  Clock& clock;
  delivery::Outbox& outbox;
  // Calls another service's operation as a client would (ServiceRegistry::call).
  delivery::Outbox::Invoke call;
};

class EventsService final : public Service {
 public:
  explicit EventsService(EventsDeps deps);
  ~EventsService() override;

  std::string_view name() const override { return "events"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (EventsService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // bus_ops.cpp
  awaitable<Json> create_event_bus(RequestContext& context, const Json& in);
  awaitable<Json> delete_event_bus(RequestContext& context, const Json& in);
  awaitable<Json> describe_event_bus(RequestContext& context, const Json& in);
  awaitable<Json> list_event_buses(RequestContext& context, const Json& in);
  awaitable<Json> put_permission(RequestContext& context, const Json& in);
  awaitable<Json> remove_permission(RequestContext& context, const Json& in);
  // rule_ops.cpp
  awaitable<Json> put_rule(RequestContext& context, const Json& in);
  awaitable<Json> describe_rule(RequestContext& context, const Json& in);
  awaitable<Json> list_rules(RequestContext& context, const Json& in);
  awaitable<Json> enable_rule(RequestContext& context, const Json& in);
  awaitable<Json> disable_rule(RequestContext& context, const Json& in);
  awaitable<Json> delete_rule(RequestContext& context, const Json& in);
  awaitable<Json> list_rule_names_by_target(RequestContext& context, const Json& in);
  awaitable<Json> test_event_pattern(RequestContext& context, const Json& in);
  // target_ops.cpp
  awaitable<Json> put_targets(RequestContext& context, const Json& in);
  awaitable<Json> remove_targets(RequestContext& context, const Json& in);
  awaitable<Json> list_targets_by_rule(RequestContext& context, const Json& in);
  // put_events.cpp
  awaitable<Json> put_events(RequestContext& context, const Json& in);
  // tag_ops.cpp
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_for_resource(RequestContext& context, const Json& in);
  // archive_ops.cpp
  awaitable<Json> create_archive(RequestContext& context, const Json& in);
  awaitable<Json> describe_archive(RequestContext& context, const Json& in);
  awaitable<Json> list_archives(RequestContext& context, const Json& in);
  awaitable<Json> update_archive(RequestContext& context, const Json& in);
  awaitable<Json> delete_archive(RequestContext& context, const Json& in);
  // Deletes archived events older than their archive's RetentionDays (schedule worker, each
  // tick); returns how many.
  int64_t expire_archived_events();
  // replay_ops.cpp
  awaitable<Json> start_replay(RequestContext& context, const Json& in);
  awaitable<Json> describe_replay(RequestContext& context, const Json& in);
  awaitable<Json> list_replays(RequestContext& context, const Json& in);
  awaitable<Json> cancel_replay(RequestContext& context, const Json& in);
  // Runs (or resumes) the replay stored under `key` until it completes or is cancelled.
  awaitable<void> run_replay(std::string key);
  // connection_ops.cpp
  awaitable<Json> create_connection(RequestContext& context, const Json& in);
  awaitable<Json> describe_connection(RequestContext& context, const Json& in);
  awaitable<Json> list_connections(RequestContext& context, const Json& in);
  awaitable<Json> update_connection(RequestContext& context, const Json& in);
  awaitable<Json> delete_connection(RequestContext& context, const Json& in);
  awaitable<Json> deauthorize_connection(RequestContext& context, const Json& in);
  std::optional<Json> connection_by_arn(const std::string& connection_arn) const;
  // Fetches an OAuth connection's token in the background (CreateConnection, UpdateConnection).
  void start_authorizing(const std::string& key);
  // The OAuth connection's bearer token, cached until a minute before it expires (`refresh`:
  // fetch anew). Records AUTHORIZED, or DEAUTHORIZED when the endpoint refuses; AwsError then
  // (retryable when the endpoint could not be reached or failed).
  awaitable<std::string> oauth_token(const std::string& key, bool refresh);
  // api_destination_ops.cpp
  awaitable<Json> create_api_destination(RequestContext& context, const Json& in);
  awaitable<Json> describe_api_destination(RequestContext& context, const Json& in);
  awaitable<Json> list_api_destinations(RequestContext& context, const Json& in);
  awaitable<Json> update_api_destination(RequestContext& context, const Json& in);
  awaitable<Json> delete_api_destination(RequestContext& context, const Json& in);
  std::string api_destination_state(const Json& destination) const;
  Json describe_destination(const Json& record) const;
  // api_destination_invoke.cpp: the internal operation that calls an API destination.
  awaitable<Json> invoke_api_destination(RequestContext& context, const Json& in);
  // Paces calls to one destination at its InvocationRateLimitPerSecond.
  awaitable<void> wait_for_invocation_slot(const std::string& destination_arn, int64_t rate_per_second);
  // log_target.cpp: the internal operation that writes an event to a log group.
  awaitable<Json> deliver_to_log_group(RequestContext& context, const Json& in);
  // schedule_worker.cpp: fires the scheduled rules that are due; returns the events fired.
  awaitable<int> fire_due_schedules();
  awaitable<void> schedule_worker();

  // The bus record (the default bus exists without one until it gets a policy or tags);
  // ResourceNotFoundException when there is none.
  Json bus_record(const BusRef& bus) const;
  // Archives and replays are keyed "<account>/<region>/<name>".
  static std::string archive_key(const RequestContext& context, const std::string& name);
  Json archive_record(const RequestContext& context, const std::string& name) const;
  // How many events an archive holds, and their bytes.
  std::pair<int64_t, int64_t> archive_contents(const Json& archive) const;
  // The rule record; ResourceNotFoundException when absent.
  Json rule_record(const BusRef& bus, const std::string& rule) const;
  // Read-modify-write of a rule record (nullopt deletes), re-indexing it; awaits durability.
  awaitable<Json> update_rule(const BusRef& bus, const std::string& rule, const RuleChange& change);

  storage::Store& store_;
  Clock& clock_;
  delivery::Outbox& outbox_;
  delivery::Outbox::Invoke call_;
  storage::RecordTable buses_;  // key: BusRef::key()
  storage::RecordTable rules_;  // key: rule_key(bus, rule)
  storage::RecordTable archives_;  // key: archive_key()
  storage::RecordTable replays_;   // key: archive_key() of the replay's name
  storage::RecordTable connections_;       // key: archive_key() of the connection's name
  storage::RecordTable api_destinations_;  // key: archive_key() of the destination's name
  std::mutex http_mutex_;
  std::unordered_map<std::string, OAuthToken> oauth_tokens_;  // connection key -> token
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> next_invocation_slot_;  // destination ARN
  RuleRouter router_;
  ArchiveIndex archive_index_;
  bool started_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> worker_running_{false};
  std::optional<boost::asio::any_io_executor> executor_;  // the schedule worker's, once started
  std::atomic<int64_t> events_put_{0};
  std::atomic<int64_t> events_failed_{0};
  std::atomic<int64_t> deliveries_staged_{0};
  std::atomic<int64_t> scheduled_fires_{0};
  std::atomic<int64_t> archived_events_expired_{0};
};

std::unique_ptr<EventsService> make_events_service(EventsDeps deps);

}  // namespace nimbus::events
