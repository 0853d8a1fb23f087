#include "services/events/events_service.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "async/worker_exit.h"
#include "core/log.h"
#include "services/events/events_errors.h"
#include "services/events/target_delivery.h"

namespace nimbus::events {

std::unique_ptr<EventsService> make_events_service(EventsDeps deps) { return std::make_unique<EventsService>(deps); }

const std::unordered_map<std::string_view, EventsService::Handler>& EventsService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CancelReplay", &EventsService::cancel_replay},
      {"CreateApiDestination", &EventsService::create_api_destination},
      {"CreateConnection", &EventsService::create_connection},
      {"DeauthorizeConnection", &EventsService::deauthorize_connection},
      {"DeleteApiDestination", &EventsService::delete_api_destination},
      {"DeleteConnection", &EventsService::delete_connection},
      {"DescribeApiDestination", &EventsService::describe_api_destination},
      {"DescribeConnection", &EventsService::describe_connection},
      {"ListApiDestinations", &EventsService::list_api_destinations},
      {"ListConnections", &EventsService::list_connections},
      {"UpdateApiDestination", &EventsService::update_api_destination},
      {"UpdateConnection", &EventsService::update_connection},
      {"CreateArchive", &EventsService::create_archive},
      {"CreateEventBus", &EventsService::create_event_bus},
      {"DeleteArchive", &EventsService::delete_archive},
      {"DescribeArchive", &EventsService::describe_archive},
      {"DescribeReplay", &EventsService::describe_replay},
      {"ListArchives", &EventsService::list_archives},
      {"ListReplays", &EventsService::list_replays},
      {"StartReplay", &EventsService::start_replay},
      {"UpdateArchive", &EventsService::update_archive},
      {"DeleteEventBus", &EventsService::delete_event_bus},
      {"DeleteRule", &EventsService::delete_rule},
      {"DescribeEventBus", &EventsService::describe_event_bus},
      {"DescribeRule", &EventsService::describe_rule},
      {"DisableRule", &EventsService::disable_rule},
      {"EnableRule", &EventsService::enable_rule},
      {"ListEventBuses", &EventsService::list_event_buses},
      {"ListRuleNamesByTarget", &EventsService::list_rule_names_by_target},
      {"ListRules", &EventsService::list_rules},
      {"ListTagsForResource", &EventsService::list_tags_for_resource},
      {"ListTargetsByRule", &EventsService::list_targets_by_rule},
      {"PutEvents", &EventsService::put_events},
      {"PutPermission", &EventsService::put_permission},
      {"PutRule", &EventsService::put_rule},
      {"PutTargets", &EventsService::put_targets},
      {"RemovePermission", &EventsService::remove_permission},
      {"RemoveTargets", &EventsService::remove_targets},
      {"TagResource", &EventsService::tag_resource},
      {"TestEventPattern", &EventsService::test_event_pattern},
      {"UntagResource", &EventsService::untag_resource},
      {std::string_view(kDeliverToLogGroup), &EventsService::deliver_to_log_group},
      {std::string_view(kInvokeApiDestination), &EventsService::invoke_api_destination},
  };
  return table;
}

EventsService::EventsService(EventsDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      outbox_(deps.outbox),
      call_(std::move(deps.call)),
      buses_(deps.store, std::string(kEventsSpace), "bus"),
      rules_(deps.store, std::string(kEventsSpace), "rule"),
      archives_(deps.store, std::string(kEventsSpace), "archive"),
      replays_(deps.store, std::string(kEventsSpace), "replay"),
      connections_(deps.store, std::string(kEventsSpace), "connection"),
      api_destinations_(deps.store, std::string(kEventsSpace), "apidest") {
  outbox_.on_exhausted("events", dead_letter_for);
}

EventsService::~EventsService() {
  stop();
  async::wait_for_worker_exit(worker_running_, executor_);
}

const model::ServiceModel& EventsService::model() const { return model::events_model(); }

bool EventsService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> EventsService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void EventsService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  stopping_ = false;
  executor_ = executor;
  buses_.load();
  rules_.load();
  archives_.load();
  replays_.load();
  connections_.load();
  api_destinations_.load();
  router_.clear();
  archive_index_.clear();
  for (const auto& [key, archive] : archives_.list("")) archive_index_.put(archive);
  for (const auto& [key, rule] : rules_.list("")) {
    try {
      router_.put(rule.value("BusKey", ""), rule);
    } catch (const AwsError& error) {
      NIMBUS_LOG(Warn, "events: rule " + key + " not routed: " + error.message);
    }
  }
  worker_running_ = true;
  boost::asio::co_spawn(executor, schedule_worker(), boost::asio::detached);
  for (const auto& [key, replay] : replays_.list("")) {
    std::string state = replay.value("State", "");
    if (state == "STARTING" || state == "RUNNING" || state == "CANCELLING") {
      boost::asio::co_spawn(executor, run_replay(key), boost::asio::detached);
    }
  }
}

void EventsService::stop() {
  stopping_ = true;
  started_ = false;
}

awaitable<void> EventsService::reset() {
  buses_.clear();
  rules_.clear();
  archives_.clear();
  replays_.clear();
  connections_.clear();
  api_destinations_.clear();
  {
    std::lock_guard lock(http_mutex_);
    oauth_tokens_.clear();
    next_invocation_slot_.clear();
  }
  router_.clear();
  archive_index_.clear();
  co_await store_.wipe(kEventsSpace);
}

Json EventsService::health() const {
  return {{"state", "running"},
          {"routing_rules", router_.size()},
          {"events_put", events_put_.load()},
          {"events_failed", events_failed_.load()},
          {"deliveries_staged", deliveries_staged_.load()},
          {"scheduled_fires", scheduled_fires_.load()},
          {"archived_events_expired", archived_events_expired_.load()}};
}

Json EventsService::bus_record(const BusRef& bus) const {
  if (auto record = buses_.get(bus.key())) return *record;
  if (bus.name == kDefaultBus) {
    return {{"Name", bus.name}, {"Arn", bus_arn(bus.account, bus.region, bus.name)}, {"CreationMs", 0}};
  }
  throw errors::bus_not_found(bus.name);
}

Json EventsService::rule_record(const BusRef& bus, const std::string& rule) const {
  auto record = rules_.get(rule_key(bus, rule));
  if (!record) throw errors::rule_not_found(rule, bus.name);
  return *record;
}

awaitable<Json> EventsService::update_rule(const BusRef& bus, const std::string& rule, const RuleChange& change) {
  // Indexed under the table's lock, so the index sees changes in the order the store does.
  auto updated = rules_.update(rule_key(bus, rule), change, [&](storage::WriteBatch&, const std::optional<Json>& record) {
    if (record) {
      router_.put(bus.key(), *record);
    } else {
      router_.remove(bus.key(), rule);
    }
  });
  co_await updated.first->wait();
  co_return updated.second ? *updated.second : Json();
}

}  // namespace nimbus::events
