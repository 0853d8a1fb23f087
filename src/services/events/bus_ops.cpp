// Event buses: CreateEventBus, DeleteEventBus, DescribeEventBus, ListEventBuses, and the bus's
// resource policy (PutPermission, RemovePermission) that lets other accounts put events on it.

#include <regex>

#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"

namespace nimbus::events {
namespace {

// What DescribeEventBus and ListEventBuses answer for a bus record.
Json describe(const Json& bus) {
  Json out = {{"Name", bus["Name"]}, {"Arn", bus["Arn"]}};
  if (bus.contains("Policy")) out["Policy"] = bus["Policy"].dump();
  if (bus.contains("Description")) out["Description"] = bus["Description"];
  if (bus.value("CreationMs", int64_t{0}) > 0) {
    out["CreationTime"] = static_cast<double>(bus["CreationMs"].get<int64_t>()) / 1000.0;
    out["LastModifiedTime"] = static_cast<double>(bus.value("ModifiedMs", bus["CreationMs"].get<int64_t>())) / 1000.0;
  }
  return out;
}

Json statement_for(const Json& in, const std::string& bus_arn) {
  std::string action = in.value("Action", "");
  if (action != "events:PutEvents") {
    throw errors::validation("Provided value in parameter 'action' is not supported.");
  }
  std::string principal = in.value("Principal", "");
  static const std::regex kPrincipal("^(\\d{12}|\\*)$");
  if (!std::regex_match(principal, kPrincipal)) {
    throw AwsError(400, "InvalidParameterValue", "Principal must match ^(\\d{1,12}|\\*)$");
  }
  std::string sid = in.value("StatementId", "");
  static const std::regex kSid("^[a-zA-Z0-9-_]{1,64}$");
  if (!std::regex_match(sid, kSid)) {
    throw AwsError(400, "InvalidParameterValue", "StatementId must match ^[a-zA-Z0-9-_]{1,64}$");
  }
  Json statement = {{"Sid", sid},
                    {"Effect", "Allow"},
                    {"Principal", principal == "*" ? Json("*") : Json{{"AWS", "arn:aws:iam::" + principal + ":root"}}},
                    {"Action", action},
                    {"Resource", bus_arn}};
  if (in.contains("Condition")) {
    const auto& condition = in["Condition"];
    statement["Condition"] = {{condition.value("Type", "StringEquals"),
                               {{condition.value("Key", ""), condition.value("Value", "")}}}};
  }
  return statement;
}

}  // namespace

awaitable<Json> EventsService::create_event_bus(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  if (!in.contains("EventSourceName") && name.find('/') != std::string::npos) {
    throw errors::validation("Event bus name must not contain '/'.");
  }
  check_name(name, "name", 256);
  BusRef bus{context.account_id, context.region, name};
  if (name == kDefaultBus) throw errors::already_exists("Event bus default already exists.");
  int64_t now = clock_.now_ms();
  auto updated = buses_.update(bus.key(), [&](std::optional<Json>& record) {
    if (record) throw errors::already_exists("Event bus " + name + " already exists.");
    record = Json{{"Name", name},
                  {"Arn", bus_arn(bus.account, bus.region, name)},
                  {"CreationMs", now},
                  {"Tags", in.value("Tags", Json::array())}};
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
  });
  co_await updated.first->wait();
  co_return Json{{"EventBusArn", (*updated.second)["Arn"]}};
}

awaitable<Json> EventsService::delete_event_bus(RequestContext& context, const Json& in) {
  std::string name = in.value("Name", "");
  if (name == kDefaultBus) throw errors::validation("Cannot delete event bus default.");
  BusRef bus{context.account_id, context.region, name};
  // The bus's rules go with it (deleting a bus that does not exist succeeds, as on AWS).
  auto rules = rules_.list(bus.key() + "/");
  RuleChange remove = [](std::optional<Json>& record) { record.reset(); };
  for (const auto& entry : rules) {
    std::string rule = entry.second.value("Name", "");
    co_await update_rule(bus, rule, remove);
  }
  router_.remove_bus(bus.key());
  auto updated = buses_.update(bus.key(), [](std::optional<Json>& record) { record.reset(); });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> EventsService::describe_event_bus(RequestContext& context, const Json& in) {
  co_return describe(bus_record(bus_ref(context, in, "Name")));
}

awaitable<Json> EventsService::list_event_buses(RequestContext& context, const Json& in) {
  BusRef default_bus{context.account_id, context.region, std::string(kDefaultBus)};
  std::map<std::string, Json> buses = {{default_bus.name, bus_record(default_bus)}};
  for (const auto& [key, bus] : buses_.list(context.account_id + "/" + context.region + "/")) {
    buses[bus["Name"].get<std::string>()] = bus;
  }
  std::string prefix = in.value("NamePrefix", "");
  std::vector<Json> listed;
  for (const auto& [name, bus] : buses) {
    if (name.rfind(prefix, 0) == 0) listed.push_back(describe(bus));
  }
  co_return list_page(listed, in, "EventBuses");
}

awaitable<Json> EventsService::put_permission(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  Json current = bus_record(bus);
  Json policy;
  if (in.contains("Policy")) {
    policy = Json::parse(in["Policy"].get<std::string>(), nullptr, false);
    if (!policy.is_object()) throw errors::validation("Policy is not valid JSON.");
  } else {
    policy = current.value("Policy", Json{{"Version", "2012-10-17"}, {"Statement", Json::array()}});
    Json statement = statement_for(in, current["Arn"].get<std::string>());
    auto& statements = policy["Statement"];
    for (auto it = statements.begin(); it != statements.end(); ++it) {
      if (it->value("Sid", "") == statement["Sid"]) {
        statements.erase(it);
        break;
      }
    }
    statements.push_back(statement);
  }
  int64_t now = clock_.now_ms();
  auto updated = buses_.update(bus.key(), [&](std::optional<Json>& record) {
    if (!record) record = current;  // the default bus gets its record with its first policy
    (*record)["Policy"] = policy;
    (*record)["ModifiedMs"] = now;
  });
  co_await updated.first->wait();
  co_return Json::object();
}

awaitable<Json> EventsService::remove_permission(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  Json current = bus_record(bus);
  if (!current.contains("Policy")) throw errors::not_found("EventBus does not have a policy.");
  bool remove_all = in.value("RemoveAllPermissions", false);
  std::string sid = in.value("StatementId", "");
  auto updated = buses_.update(bus.key(), [&](std::optional<Json>& record) {
    if (!record) record = current;
    if (remove_all) {
      record->erase("Policy");
      return;
    }
    auto& statements = (*record)["Policy"]["Statement"];
    for (auto it = statements.begin(); it != statements.end(); ++it) {
      if (it->value("Sid", "") == sid) {
        statements.erase(it);
        if (statements.empty()) record->erase("Policy");
        return;
      }
    }
    throw errors::not_found("Statement with the provided id does not exist.");
  });
  co_await updated.first->wait();
  co_return Json::object();
}

}  // namespace nimbus::events
