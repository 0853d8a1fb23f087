#include "services/scheduler/scheduler_rules.h"

#include <cmath>

#include "services/events/schedule/schedule.h"
#include "services/scheduler/scheduler_errors.h"

namespace nimbus::scheduler {
namespace {

namespace sched = events::schedule;

bool name_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
         c == '.';
}

std::optional<int64_t> date_ms(const Json& record, const char* key) {
  auto it = record.find(key);
  if (it == record.end() || !it->is_number()) return std::nullopt;
  return static_cast<int64_t>(std::llround(it->get<double>() * 1000.0));
}

void check_flexible_window(const Json& window) {
  std::string mode = window.value("Mode", "");
  bool has_window = window.contains("MaximumWindowInMinutes");
  if (mode == "FLEXIBLE" && !has_window) throw errors::flexible_window_missing();
  if (mode == "OFF" && has_window) throw errors::flexible_window_with_off();
  if (mode != "FLEXIBLE" && mode != "OFF") {
    throw errors::constraint(mode, "flexibleTimeWindow.mode", "Member must satisfy enum value set: [OFF, FLEXIBLE]");
  }
  if (has_window) {
    auto minutes = window["MaximumWindowInMinutes"];
    if (!minutes.is_number_integer() || minutes.get<int64_t>() < 1 || minutes.get<int64_t>() > 1440) {
      throw errors::constraint(minutes.dump(), "flexibleTimeWindow.maximumWindowInMinutes",
                               "Member must have value between 1 and 1440");
    }
  }
}

Json target_record(const Json& in) {
  Json target = in;
  std::string arn = target.value("Arn", "");
  if (!parse_arn(arn)) {
    throw errors::constraint(arn, "target.arn", "Member must satisfy regular expression pattern: ^arn:(aws[a-zA-Z-]*):.+$");
  }
  auto dlq = target.value("DeadLetterConfig", Json::object());
  if (dlq.contains("Arn")) {
    auto parts = parse_arn(dlq.value("Arn", ""));
    if (!parts || parts->service != "sqs") {
      throw errors::constraint(dlq.value("Arn", ""), "target.deadLetterConfig.arn",
                               "Member must satisfy regular expression pattern: "
                               "^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$");
    }
  }
  Json retry = target.value("RetryPolicy", Json::object());
  if (!retry.contains("MaximumRetryAttempts")) retry["MaximumRetryAttempts"] = kDefaultRetryAttempts;
  if (!retry.contains("MaximumEventAgeInSeconds")) retry["MaximumEventAgeInSeconds"] = kDefaultEventAgeSeconds;
  target["RetryPolicy"] = retry;
  return target;
}

}  // namespace

std::optional<ArnParts> parse_arn(std::string_view arn) {
  if (arn.rfind("arn:", 0) != 0) return std::nullopt;
  std::string_view rest = arn.substr(4);
  std::string_view parts[4];
  for (auto& part : parts) {
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (parts[0].empty() || parts[1].empty() || rest.empty()) return std::nullopt;
  return ArnParts{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), std::string(rest)};
}

std::string schedule_arn(std::string_view region, std::string_view account, std::string_view group,
                         std::string_view name) {
  return "arn:aws:scheduler:" + std::string(region) + ":" + std::string(account) + ":schedule/" + std::string(group) +
         "/" + std::string(name);
}

std::string group_arn(std::string_view region, std::string_view account, std::string_view group) {
  return "arn:aws:scheduler:" + std::string(region) + ":" + std::string(account) + ":schedule-group/" +
         std::string(group);
}

std::optional<std::string> opt_string(const Json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

void check_name(std::string_view value, std::string_view field) {
  bool ok = !value.empty();
  for (char c : value) ok = ok && name_char(c);
  if (!ok) throw errors::constraint(value, field, "Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+");
}

Json schedule_record(const Json& in, int64_t now_ms) {
  Json record = Json::object();
  std::string name = in.value("Name", "");
  std::string group = opt_string(in, "GroupName").value_or(std::string(kDefaultGroup));
  check_name(name, "name");
  check_name(group, "groupName");
  record["Name"] = name;
  record["GroupName"] = group;

  std::string expression = in.value("ScheduleExpression", "");
  auto parsed = sched::parse_or_throw(expression, sched::Dialect::Scheduler);
  record["ScheduleExpression"] = expression;
  if (auto zone = opt_string(in, "ScheduleExpressionTimezone")) {
    if (!sched::is_known_time_zone(*zone)) throw errors::invalid_time_zone(*zone);
    record["ScheduleExpressionTimezone"] = *zone;
  }

  Json window = in.value("FlexibleTimeWindow", Json::object());
  check_flexible_window(window);
  record["FlexibleTimeWindow"] = window;

  bool one_time = parsed.kind == sched::Schedule::Kind::At;
  auto start = date_ms(in, "StartDate");
  auto end = date_ms(in, "EndDate");
  if (start) record["StartDate"] = in["StartDate"];
  if (end) record["EndDate"] = in["EndDate"];
  if (!one_time) {
    if (start && *start < now_ms - kStartDateSlackMs) throw errors::start_date_too_early();
    if (end && *end < now_ms) throw errors::end_date_in_past();
    if (start && end && *end <= *start) throw errors::end_date_before_start();
  }

  record["State"] = in.value("State", "ENABLED");
  record["ActionAfterCompletion"] = in.value("ActionAfterCompletion", "NONE");
  if (auto description = opt_string(in, "Description")) record["Description"] = *description;
  if (auto kms = opt_string(in, "KmsKeyArn")) record["KmsKeyArn"] = *kms;
  record["Target"] = target_record(in.value("Target", Json::object()));
  if (!one_time) record["_anchor_ms"] = start.value_or(now_ms);
  return record;
}

Json public_view(const Json& record) {
  Json out = Json::object();
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (!it.key().starts_with("_")) out[it.key()] = it.value();
  }
  return out;
}

bool is_one_time(const Json& record) {
  return record.value("ScheduleExpression", "").starts_with("at(");
}

std::optional<int64_t> next_fire(const Json& record, int64_t after_ms) {
  sched::Schedule parsed;
  try {
    parsed = sched::parse(record.value("ScheduleExpression", ""), sched::Dialect::Scheduler);
  } catch (const sched::ParseError&) {
    return std::nullopt;
  }
  std::string zone = record.value("ScheduleExpressionTimezone", "UTC");
  try {
    if (parsed.kind == sched::Schedule::Kind::At) return sched::next_fire_ms(parsed, after_ms, zone);
    auto start = date_ms(record, "StartDate");
    auto end = date_ms(record, "EndDate");
    int64_t from = after_ms;
    if (start && *start - 1 > from) from = *start - 1;
    std::optional<int64_t> anchor;
    if (parsed.kind == sched::Schedule::Kind::Rate) anchor = record.value("_anchor_ms", start.value_or(int64_t{0}));
    auto next = sched::next_fire_ms(parsed, from, zone, anchor);
    if (next && end && *next > *end) return std::nullopt;
    return next;
  } catch (const sched::UnknownTimeZone&) {
    return std::nullopt;
  }
}

bool completed(const Json& record, int64_t now_ms) {
  if (is_one_time(record)) return true;
  auto end = date_ms(record, "EndDate");
  return !end || now_ms >= *end;
}

}  // namespace nimbus::scheduler
