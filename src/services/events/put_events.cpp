// PutEvents: AWS's per-entry validation, the event as EventBridge builds it, matching against the
// bus's rules in the request, and every resulting target delivery and archived copy in one store
// batch that is durable before the answer.

#include <boost/asio/use_awaitable.hpp>

#include "auth/access_policy.h"
#include "core/ids.h"
#include "core/log.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/target_delivery.h"

namespace nimbus::events {
namespace {

constexpr size_t kMaxRequestEntrySize = 256 * 1024;

using OrderedJson = nlohmann::ordered_json;

Json entry_error(const std::string& code, const std::string& message) {
  return {{"ErrorCode", code}, {"ErrorMessage", message}};
}

Json required_argument(const char* field) {
  return entry_error("InvalidArgument", std::string("Parameter ") + field + " is not valid. Reason: " + field +
                                            " is a required argument.");
}

// EventBridge's entry size: Time counts 14 bytes, Source, DetailType, Detail and each resource
// their UTF-8 bytes.
size_t entry_size(const Json& entry) {
  size_t size = entry.contains("Time") ? 14 : 0;
  for (const char* field : {"Source", "DetailType", "Detail"}) {
    if (entry.contains(field) && entry[field].is_string()) size += entry[field].get_ref<const std::string&>().size();
  }
  for (const auto& resource : entry.value("Resources", Json::array())) {
    if (resource.is_string()) size += resource.get_ref<const std::string&>().size();
  }
  return size;
}

// Whether the bus's policy lets `account` put events on it (another account's bus).
bool policy_allows(const Json& bus, const std::string& account) {
  if (!bus.contains("Policy")) return false;
  try {
    auto policy = auth::parse_policy(bus["Policy"]);
    auth::AccessRequest request{{account, "arn:aws:iam::" + account + ":root"},
                                "events:PutEvents",
                                bus["Arn"].get<std::string>(),
                                {}};
    return auth::evaluate_policy(policy, request) == auth::PolicyDecision::kAllow;
  } catch (const auth::PolicyError&) {
    return false;
  }
}

}  // namespace

awaitable<Json> EventsService::put_events(RequestContext& context, const Json& in) {
  const auto& entries = in.value("Entries", Json::array());
  size_t total = 0;
  for (const auto& entry : entries) total += entry_size(entry);
  if (total > kMaxRequestEntrySize) {
    throw errors::validation("Total size of the entries in the request is over the limit.");
  }
  int64_t now = clock_.now_ms();
  Json results = Json::array();
  int failed = 0;
  std::vector<delivery::Delivery> deliveries;
  storage::WriteBatch batch;  // archived events, then the staged deliveries
  for (const auto& entry : entries) {
    auto fail = [&](Json error) {
      results.push_back(std::move(error));
      ++failed;
    };
    if (entry.value("Source", "").empty()) {
      fail(required_argument("Source"));
      continue;
    }
    if (entry.value("DetailType", "").empty()) {
      fail(required_argument("DetailType"));
      continue;
    }
    if (entry.value("Detail", "").empty()) {
      fail(required_argument("Detail"));
      continue;
    }
    // Parsed once, in the order the sender wrote it (targets receive the text in that order).
    auto detail = OrderedJson::parse(entry["Detail"].get_ref<const std::string&>(), nullptr, false);
    if (!detail.is_object()) {
      fail(entry_error("MalformedDetail", "Detail is malformed."));
      continue;
    }
    BusRef bus;
    Json bus_json;
    try {
      bus = bus_ref(context, entry);
      bus_json = bus_record(bus);
    } catch (const AwsError& error) {
      fail(entry_error(error.code, error.message));
      continue;
    }
    if (bus.account != context.account_id && !policy_allows(bus_json, context.account_id)) {
      fail(entry_error("AccessDeniedException", "User: arn:aws:iam::" + context.account_id +
                                                     ":root is not authorized to perform: events:PutEvents on "
                                                     "resource: " + bus_json["Arn"].get<std::string>()));
      continue;
    }
    std::string id = ids::uuid4();
    int64_t time_ms = entry.contains("Time") && entry["Time"].is_number()
                          ? static_cast<int64_t>(entry["Time"].get<double>() * 1000.0)
                          : now;
    // The field order EventBridge writes (targets receive this text).
    OrderedJson ordered = {{"version", "0"},
                           {"id", id},
                           {"detail-type", entry["DetailType"]},
                           {"source", entry["Source"]},
                           {"account", context.account_id},
                           {"time", iso_seconds(time_ms)},
                           {"region", bus.region},
                           {"resources", entry.value("Resources", Json::array())},
                           {"detail", std::move(detail)}};
    std::string text = ordered.dump();
    Json event(ordered);  // what patterns, archives and input transformers look at
    for (const auto& archive : archive_index_.archives_for(bus.key(), event)) {
      batch.put(kEventsSpace, archived_event_key(archive, time_ms, id), text);
    }
    for (const auto& rule : router_.match(bus.key(), event)) {
      for (const auto& target : rule->targets) {
        if (auto delivery = target_delivery(*rule, target, event, text, now)) deliveries.push_back(std::move(*delivery));
      }
    }
    results.push_back({{"EventId", id}});
  }
  if (!deliveries.empty() || !batch.empty()) {
    deliveries_staged_ += static_cast<int64_t>(deliveries.size());
    auto staged = outbox_.stage(batch, std::move(deliveries));
    co_await store_.commit(std::move(batch));
    staged.release();
  }
  events_put_ += static_cast<int64_t>(results.size()) - failed;
  events_failed_ += failed;
  co_return Json{{"FailedEntryCount", failed}, {"Entries", results}};
}

}  // namespace nimbus::events
