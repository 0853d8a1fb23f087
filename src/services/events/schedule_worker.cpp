// Scheduled rules: a worker that fires every enabled rule with a ScheduleExpression when its next
// time (on nimbus's clock, UTC) falls due, sending EventBridge's "Scheduled Event" to the rule's
// targets. A fire's deliveries and the rule's new LastFireMs are one store batch, so a fire is
// neither lost nor repeated across a crash. Times missed while nimbus was down, or skipped by
// POST /_nimbus/clock, fire one by one (up to kMaxFiresPerPass per rule and pass).

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.h"
#include "core/log.h"
#include "services/events/events_service.h"
#include "services/events/schedule/schedule.h"
#include "services/events/target_delivery.h"

namespace nimbus::events {
namespace {

constexpr auto kTick = std::chrono::milliseconds(250);
constexpr int kMaxFiresPerPass = 100;

std::string scheduled_event(const Json& rule, int64_t fire_ms) {
  nlohmann::ordered_json event = {{"version", "0"},
                                  {"id", ids::uuid4()},
                                  {"detail-type", "Scheduled Event"},
                                  {"source", "aws.events"},
                                  {"account", rule["Account"]},
                                  {"time", iso_seconds(fire_ms)},
                                  {"region", rule["Region"]},
                                  {"resources", Json::array({rule["Arn"]})},
                                  {"detail", Json::object()}};
  return event.dump();
}

// The fire times of `rule` due at `now`, oldest first.
std::vector<int64_t> due_fires(const Json& rule, int64_t now) {
  std::vector<int64_t> fires;
  if (!rule.contains("ScheduleExpression") || rule.value("State", "ENABLED") == "DISABLED") return fires;
  auto schedule = schedule::parse(rule["ScheduleExpression"].get<std::string>(), schedule::Dialect::Rule);
  int64_t anchor = rule.value("ScheduleAnchorMs", int64_t{0});
  auto next = schedule::next_fire_ms(schedule, rule.value("LastFireMs", anchor), "UTC", anchor);
  while (next && *next <= now && static_cast<int>(fires.size()) < kMaxFiresPerPass) {
    fires.push_back(*next);
    next = schedule::next_fire_ms(schedule, *next, "UTC", anchor);
  }
  return fires;
}

}  // namespace

awaitable<int> EventsService::fire_due_schedules() {
  int fired = 0;
  int64_t now = clock_.now_ms();
  auto rules = rules_.list("");
  for (const auto& entry : rules) {
    const std::string& key = entry.first;
    const Json& listed = entry.second;
    std::vector<int64_t> fires;
    try {
      fires = due_fires(listed, now);
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, "events: schedule of " + key + " not evaluated: " + error.what());
      continue;
    }
    if (fires.empty()) continue;
    delivery::Outbox::Staged staged;
    auto updated = rules_.update(
        key,
        [&](std::optional<Json>& rule) {
          // Changed or deleted since it was listed: the next pass looks again.
          if (!rule || (*rule)["ScheduleExpression"] != listed["ScheduleExpression"] ||
              rule->value("LastFireMs", int64_t{-1}) != listed.value("LastFireMs", int64_t{-1})) {
            fires.clear();
            return;
          }
          (*rule)["LastFireMs"] = fires.back();
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>& rule) {
          if (fires.empty() || !rule) return;
          RoutedRule routed{(*rule)["Name"], (*rule)["Arn"], (*rule)["Account"], (*rule)["Targets"]};
          std::vector<delivery::Delivery> deliveries;
          for (int64_t fire : fires) {
            std::string text = scheduled_event(*rule, fire);
            Json event = Json::parse(text);
            for (const auto& target : routed.targets) {
              if (auto out = target_delivery(routed, target, event, text, fire)) deliveries.push_back(std::move(*out));
            }
          }
          deliveries_staged_ += static_cast<int64_t>(deliveries.size());
          staged = outbox_.stage(batch, std::move(deliveries));
        });
    co_await updated.first->wait();
    staged.release();
    fired += static_cast<int>(fires.size());
  }
  scheduled_fires_ += fired;
  co_return fired;
}

awaitable<void> EventsService::schedule_worker() {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  while (!stopping_) {
    timer.expires_after(kTick);
    boost::system::error_code ec;
    co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (stopping_) break;
    try {
      co_await fire_due_schedules();
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("events: scheduled rules not fired: ") + error.what());  // next tick retries
    }
    try {
      archived_events_expired_ += expire_archived_events();
    } catch (const std::exception& error) {
      NIMBUS_LOG(Warn, std::string("events: archived events not expired: ") + error.what());
    }
  }
  worker_running_ = false;
}

}  // namespace nimbus::events
