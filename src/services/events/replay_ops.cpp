// Replays: StartReplay, DescribeReplay, ListReplays, CancelReplay, and the worker that re-sends an
// archive's events of a time window to the rules of its bus (all, or Destination.FilterArns), each
// with a "replay-name" field. Progress (STARTING -> RUNNING -> COMPLETED, or CANCELLING ->
// CANCELLED) and the cursor are stored with each batch of staged deliveries, so a replay resumes
// where it was after a restart and sends nothing twice.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/arn.h"
#include "core/log.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"
#include "services/events/target_delivery.h"
#include "storage/key_codec.h"

namespace nimbus::events {
namespace {

constexpr size_t kReplayBatch = 500;

double seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }
int64_t millis(const Json& seconds_value) { return static_cast<int64_t>(seconds_value.get<double>() * 1000.0); }

Json describe(const Json& replay, bool full) {
  Json out = {{"ReplayName", replay["ReplayName"]}, {"EventSourceArn", replay["EventSourceArn"]},
              {"State", replay["State"]}, {"EventStartTime", seconds(replay["EventStartMs"].get<int64_t>())},
              {"EventEndTime", seconds(replay["EventEndMs"].get<int64_t>())},
              {"ReplayStartTime", seconds(replay["ReplayStartMs"].get<int64_t>())}};
  if (replay.contains("EventLastReplayedMs")) out["EventLastReplayedTime"] = seconds(replay["EventLastReplayedMs"].get<int64_t>());
  if (replay.contains("ReplayEndMs")) out["ReplayEndTime"] = seconds(replay["ReplayEndMs"].get<int64_t>());
  if (full) {
    out["ReplayArn"] = replay["ReplayArn"];
    out["Destination"] = replay["Destination"];
    if (!replay.value("Description", "").empty()) out["Description"] = replay["Description"];
  }
  return out;
}

}  // namespace

awaitable<Json> EventsService::start_replay(RequestContext& context, const Json& in) {
  std::string name = in.value("ReplayName", "");
  check_name(name, "replayName", 64);
  std::string source = in.value("EventSourceArn", "");
  auto arn = parse_arn(source);
  if (!arn || arn->service != "events" || arn->resource.rfind("archive/", 0) != 0) throw errors::invalid_arn(source);
  Json archive = archive_record(context, arn->resource.substr(8));
  int64_t start = millis(in["EventStartTime"]);
  int64_t end = millis(in["EventEndTime"]);
  if (end <= start) {
    throw errors::validation("Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.");
  }
  Json destination = in.value("Destination", Json::object());
  if (destination.value("Arn", "") != archive["EventSourceArn"]) {
    throw errors::validation("Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.");
  }
  int64_t now = clock_.now_ms();
  std::string key = archive_key(context, name);
  auto updated = replays_.update(key, [&](std::optional<Json>& record) {
    if (record) throw errors::already_exists("Replay " + name + " already exists.");
    record = Json{{"ReplayName", name},
                  {"ReplayArn", "arn:aws:events:" + context.region + ":" + context.account_id + ":replay/" + name},
                  {"Description", in.value("Description", "")},
                  {"EventSourceArn", archive["ArchiveArn"]},
                  {"ArchiveUid", archive["Uid"]},
                  {"BusKey", archive["BusKey"]},
                  {"Destination", destination},
                  {"EventStartMs", start},
                  {"EventEndMs", end},
                  {"ReplayStartMs", now},
                  {"State", "STARTING"}};
  });
  co_await updated.first->wait();
  if (executor_) boost::asio::co_spawn(*executor_, run_replay(key), boost::asio::detached);
  co_return Json{{"ReplayArn", (*updated.second)["ReplayArn"]}, {"State", "STARTING"}, {"ReplayStartTime", seconds(now)}};
}

awaitable<Json> EventsService::describe_replay(RequestContext& context, const Json& in) {
  std::string name = in.value("ReplayName", "");
  auto record = replays_.get(archive_key(context, name));
  if (!record) throw errors::not_found("Replay " + name + " does not exist.");
  co_return describe(*record, true);
}

awaitable<Json> EventsService::list_replays(RequestContext& context, const Json& in) {
  std::vector<Json> listed;
  for (const auto& [key, replay] : replays_.list(context.account_id + "/" + context.region + "/")) {
    if (replay["ReplayName"].get<std::string>().rfind(in.value("NamePrefix", ""), 0) != 0) continue;
    if (in.contains("EventSourceArn") && replay["EventSourceArn"] != in["EventSourceArn"]) continue;
    if (in.contains("State") && replay["State"] != in["State"]) continue;
    listed.push_back(describe(replay, false));
  }
  co_return list_page(listed, in, "Replays");
}

awaitable<Json> EventsService::cancel_replay(RequestContext& context, const Json& in) {
  std::string name = in.value("ReplayName", "");
  auto updated = replays_.update(archive_key(context, name), [&](std::optional<Json>& record) {
    if (!record) throw errors::not_found("Replay " + name + " does not exist.");
    std::string state = (*record)["State"];
    if (state != "STARTING" && state != "RUNNING") {
      throw AwsError(400, "IllegalStatusException", "Replay " + name + " is not in a valid state for cancellation.");
    }
    (*record)["State"] = "CANCELLING";
  });
  co_await updated.first->wait();
  co_return Json{{"ReplayArn", (*updated.second)["ReplayArn"]}, {"State", "CANCELLING"}};
}

awaitable<void> EventsService::run_replay(std::string key) {
  auto executor = co_await boost::asio::this_coro::executor;
  while (!stopping_) {
    auto current = replays_.get(key);
    if (!current) co_return;
    std::string state = (*current)["State"];
    if (state != "STARTING" && state != "RUNNING" && state != "CANCELLING") co_return;
    // The next events of the window, after the cursor.
    std::string uid = (*current)["ArchiveUid"];
    int64_t end = (*current)["EventEndMs"];
    std::string from = current->contains("CursorMs")
                           ? archived_event_key(uid, (*current)["CursorMs"].get<int64_t>(),
                                                (*current)["CursorId"].get<std::string>()) + std::string(1, '\0')
                           : archived_event_key(uid, (*current)["EventStartMs"].get<int64_t>(), "");
    std::vector<std::pair<int64_t, std::string>> events;
    bool finished = state == "CANCELLING";
    if (!finished) {
      size_t prefix = archived_prefix(uid).size();
      store_.scan_from(kEventsSpace, archived_prefix(uid), from, [&](std::string_view k, std::string_view value) {
        int64_t time = static_cast<int64_t>(storage::keys::read_u64(k.substr(prefix, 8)).value_or(0));
        if (time >= end) return false;
        events.emplace_back(time, std::string(value));
        return events.size() < kReplayBatch;
      });
      finished = events.size() < kReplayBatch;
    }
    std::string name = (*current)["ReplayName"];
    Json filter = (*current)["Destination"].value("FilterArns", Json::array());
    std::string bus_key = (*current)["BusKey"];
    std::vector<delivery::Delivery> deliveries;
    std::string last_id;
    for (const auto& [time, text] : events) {
      Json event = Json::parse(text, nullptr, false);
      if (!event.is_object()) continue;
      event["replay-name"] = name;
      last_id = event.value("id", "");
      std::string replayed = event.dump();
      for (const auto& rule : router_.match(bus_key, event)) {
        if (!filter.empty() && std::find(filter.begin(), filter.end(), rule->arn) == filter.end()) continue;
        for (const auto& target : rule->targets) {
          if (auto out = target_delivery(*rule, target, event, replayed, clock_.now_ms())) {
            deliveries.push_back(std::move(*out));
          }
        }
      }
    }
    delivery::Outbox::Staged staged;
    int64_t now = clock_.now_ms();
    auto updated = replays_.update(
        key,
        [&](std::optional<Json>& record) {
          if (!record) return;
          if (!events.empty()) {
            (*record)["CursorMs"] = events.back().first;
            (*record)["CursorId"] = last_id;
            (*record)["EventLastReplayedMs"] = events.back().first;
          }
          bool cancelled = (*record)["State"] == "CANCELLING";
          if (cancelled || finished) {
            (*record)["State"] = cancelled ? "CANCELLED" : "COMPLETED";
            (*record)["ReplayEndMs"] = now;
          } else {
            (*record)["State"] = "RUNNING";
          }
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>& record) {
          if (!record || deliveries.empty()) return;
          deliveries_staged_ += static_cast<int64_t>(deliveries.size());
          staged = outbox_.stage(batch, std::move(deliveries));
        });
    co_await updated.first->wait();
    staged.release();
    if (!updated.second || (*updated.second)["State"] != "RUNNING") co_return;
    // Let requests in between batches.
    co_await boost::asio::post(executor, boost::asio::use_awaitable);
  }
}

}  // namespace nimbus::events
