#include "services/events/events_names.h"

#include <ctime>

#include "core/arn.h"
#include "services/events/events_errors.h"

namespace nimbus::events {

std::string bus_arn(const std::string& account, const std::string& region, const std::string& bus) {
  return "arn:aws:events:" + region + ":" + account + ":event-bus/" + bus;
}

std::string rule_arn(const std::string& account, const std::string& region, const std::string& bus,
                     const std::string& rule) {
  std::string prefix = "arn:aws:events:" + region + ":" + account + ":rule/";
  return bus == kDefaultBus ? prefix + rule : prefix + bus + "/" + rule;
}

BusRef bus_ref(const RequestContext& context, const Json& in, const char* field) {
  std::string value = in.contains(field) && in[field].is_string() ? in[field].get<std::string>() : "";
  if (value.empty()) return {context.account_id, context.region, std::string(kDefaultBus)};
  if (value.rfind("arn:", 0) != 0) return {context.account_id, context.region, value};
  auto arn = parse_arn(value);
  if (!arn || arn->service != "events" || arn->resource.rfind("event-bus/", 0) != 0 || arn->account.empty() ||
      arn->region.empty()) {
    throw errors::invalid_arn(value);
  }
  return {arn->account, arn->region, arn->resource.substr(10)};
}

std::string rule_key(const BusRef& bus, const std::string& rule) { return bus.key() + "/" + rule; }

std::string iso_seconds(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void check_name(const std::string& value, const char* member, size_t max_length) {
  auto fail = [&](const std::string& constraint) {
    throw errors::validation("1 validation error detected: Value '" + value + "' at '" + member +
                             "' failed to satisfy constraint: " + constraint);
  };
  if (value.size() > max_length) fail("Member must have length less than or equal to " + std::to_string(max_length));
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_';
    if (!ok) fail("Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  }
}

}  // namespace nimbus::events
