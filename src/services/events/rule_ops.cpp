// Rules: PutRule, DescribeRule, ListRules, EnableRule, DisableRule, DeleteRule,
// ListRuleNamesByTarget, and TestEventPattern (the same matcher PutEvents routes with).

#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"
#include "services/events/schedule/schedule.h"

namespace nimbus::events {
namespace {

// The rule as DescribeRule / ListRules answer it.
Json describe(const Json& rule, bool with_creator) {
  Json out = {{"Name", rule["Name"]}, {"Arn", rule["Arn"]}, {"State", rule["State"]},
              {"EventBusName", rule["EventBusName"]}};
  for (const char* field : {"EventPattern", "ScheduleExpression", "Description", "RoleArn", "ManagedBy"}) {
    if (rule.contains(field)) out[field] = rule[field];
  }
  if (with_creator) out["CreatedBy"] = rule["Account"];
  return out;
}

void check_pattern(const std::string& text) { pattern::parse(text); }

void check_schedule(const std::string& expression) { schedule::parse_or_throw(expression, schedule::Dialect::Rule); }

}  // namespace

awaitable<Json> EventsService::put_rule(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  check_name(name, "name", 64);
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string state = in.value("State", "ENABLED");
  bool has_pattern = in.contains("EventPattern") && !in["EventPattern"].get<std::string>().empty();
  bool has_schedule = in.contains("ScheduleExpression") && !in["ScheduleExpression"].get<std::string>().empty();
  if (!has_pattern && !has_schedule) {
    throw errors::validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  if (has_schedule && bus.name != kDefaultBus) {
    throw errors::validation("ScheduleExpression is supported only on the default event bus.");
  }
  if (has_pattern) check_pattern(in["EventPattern"].get<std::string>());
  if (has_schedule) check_schedule(in["ScheduleExpression"].get<std::string>());
  int64_t now = clock_.now_ms();
  RuleChange change = [&](std::optional<Json>& record) {
    Json targets = record ? record->value("Targets", Json::array()) : Json::array();
    Json tags = record ? record->value("Tags", Json::array()) : Json::array();
    int64_t created = record ? record->value("CreatedMs", now) : now;
    // PutRule replaces the rule: what it omits is not kept (targets and tags are).
    record = Json{{"Name", name},
                  {"Arn", rule_arn(bus.account, bus.region, bus.name, name)},
                  {"EventBusName", bus.name},
                  {"BusKey", bus.key()},
                  {"Account", bus.account},
                  {"Region", bus.region},
                  {"State", state},
                  {"Targets", targets},
                  {"Tags", tags},
                  {"CreatedMs", created},
                  // rate() schedules count from the last PutRule.
                  {"ScheduleAnchorMs", now}};
    for (const char* field : {"EventPattern", "ScheduleExpression", "Description", "RoleArn"}) {
      if (in.contains(field) && !in[field].get<std::string>().empty()) (*record)[field] = in[field];
    }
    // A rule another service creates for itself (a schema discoverer's) is managed by it.
    if (!context.invoked_by.principal.empty()) (*record)["ManagedBy"] = context.invoked_by.principal;
    for (const auto& tag : in.value("Tags", Json::array())) {
      auto& list = (*record)["Tags"];
      for (auto it = list.begin(); it != list.end(); ++it) {
        if ((*it)["Key"] == tag["Key"]) {
          list.erase(it);
          break;
        }
      }
      list.push_back(tag);
    }
  };
  auto record = co_await update_rule(bus, name, change);
  co_return Json{{"RuleArn", record["Arn"]}};
}

awaitable<Json> EventsService::describe_rule(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  co_return describe(rule_record(bus, in.value("Name", "")), true);
}

awaitable<Json> EventsService::list_rules(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string prefix = in.value("NamePrefix", "");
  std::vector<Json> listed;
  for (const auto& [key, rule] : rules_.list(bus.key() + "/" + prefix)) listed.push_back(describe(rule, false));
  co_return list_page(listed, in, "Rules");
}

awaitable<Json> EventsService::enable_rule(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string name = in.value("Name", "");
  RuleChange change = [&](std::optional<Json>& record) {
    if (!record) throw errors::rule_not_found(name, bus.name);
    (*record)["State"] = "ENABLED";
  };
  co_await update_rule(bus, name, change);
  co_return Json::object();
}

awaitable<Json> EventsService::disable_rule(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string name = in.value("Name", "");
  RuleChange change = [&](std::optional<Json>& record) {
    if (!record) throw errors::rule_not_found(name, bus.name);
    (*record)["State"] = "DISABLED";
  };
  co_await update_rule(bus, name, change);
  co_return Json::object();
}

awaitable<Json> EventsService::delete_rule(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string name = in.value("Name", "");
  bool force = in.value("Force", false);
  // Deleting a rule that does not exist succeeds, as on AWS.
  RuleChange change = [&](std::optional<Json>& record) {
    if (record && !force && !record->value("Targets", Json::array()).empty()) {
      throw errors::validation("Rule can't be deleted since it has targets.");
    }
    record.reset();
  };
  co_await update_rule(bus, name, change);
  co_return Json::object();
}

awaitable<Json> EventsService::list_rule_names_by_target(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string target_arn = in.value("TargetArn", "");
  std::vector<Json> names;
  for (const auto& [key, rule] : rules_.list(bus.key() + "/")) {
    for (const auto& target : rule.value("Targets", Json::array())) {
      if (target.value("Arn", "") == target_arn) {
        names.push_back(rule["Name"]);
        break;
      }
    }
  }
  co_return list_page(names, in, "RuleNames");
}

awaitable<Json> EventsService::test_event_pattern(RequestContext&, const Json& in) {
  auto compiled = pattern::parse(in.value("EventPattern", ""));
  auto event = Json::parse(in.value("Event", ""), nullptr, false);
  if (!event.is_object()) throw errors::validation("Parameter Event is not valid.");
  std::vector<std::string> missing;
  for (const char* field : {"id", "account", "source", "time", "region", "detail-type"}) {
    if (!event.contains(field)) missing.push_back(field);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& field : missing) list += (list.empty() ? "" : ", ") + field;
    throw errors::validation("Parameter Event is not valid. Reason: Provided Event is missing required field(s): " +
                             list + ".");
  }
  co_return Json{{"Result", pattern::matches(*compiled, event)}};
}

}  // namespace nimbus::events
