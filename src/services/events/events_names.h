#pragma once
// Names, ARNs, keys and times of EventBridge resources.

#include <nlohmann/json.hpp>
#include <string>

#include "core/request_context.h"

namespace nimbus::events {

using Json = nlohmann::json;

inline constexpr std::string_view kEventsSpace = "events";
inline constexpr std::string_view kDefaultBus = "default";

// A bus named by a request: in the caller's account and region, or another's when named by ARN.
struct BusRef {
  std::string account;
  std::string region;
  std::string name;
  std::string key() const { return account + "/" + region + "/" + name; }
};

std::string bus_arn(const std::string& account, const std::string& region, const std::string& bus);
// Rules of the default bus are "rule/<name>", of other buses "rule/<bus>/<name>".
std::string rule_arn(const std::string& account, const std::string& region, const std::string& bus,
                     const std::string& rule);
// `field` of the input (EventBusName): a name or a bus ARN; absent or empty is the default bus.
// A malformed ARN answers ValidationException.
BusRef bus_ref(const RequestContext& context, const Json& in, const char* field = "EventBusName");
std::string rule_key(const BusRef& bus, const std::string& rule);
// "2026-12-01T08:00:00Z" (EventBridge's event `time`: whole seconds, UTC).
std::string iso_seconds(int64_t epoch_ms);
// Checks a resource name against EventBridge's pattern [\.\-_A-Za-z0-9]+ and length limit,
// answering ValidationException in the model's words for `member` (name, eventBusName...).
void check_name(const std::string& value, const char* member, size_t max_length);

}  // namespace nimbus::events
