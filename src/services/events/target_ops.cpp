// Targets of a rule: PutTargets (at most 5 per rule, replaced by Id), RemoveTargets,
// ListTargetsByRule.

#include "core/arn.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"
#include "services/events/list_page.h"
#include "services/events/transform/input_transform.h"

namespace nimbus::events {
namespace {

constexpr size_t kMaxTargetsPerRule = 5;

void check_target(const Json& target, size_t index) {
  std::string id = target.value("Id", "");
  check_name(id, ("targets." + std::to_string(index) + ".member.id").c_str(), 64);
  std::string arn_text = target.value("Arn", "");
  auto arn = parse_arn(arn_text);
  if (!arn) throw errors::invalid_arn(arn_text);
  if (arn->service == "sqs" && arn->resource.ends_with(".fifo") &&
      target.value("SqsParameters", Json::object()).value("MessageGroupId", "").empty()) {
    throw errors::validation("Parameter(s) SqsParameters must be specified for target: " + id + ".");
  }
  if (auto dlq = target.value("DeadLetterConfig", Json::object()).value("Arn", ""); !dlq.empty()) {
    auto parsed = parse_arn(dlq);
    if (!parsed || parsed->service != "sqs") {
      throw errors::validation("Parameter DeadLetterConfig.Arn is not valid. Reason: Provided Arn is not a valid "
                               "SQS queue Arn.");
    }
  }
  transform::validate_target_input(target, index);
}

}  // namespace

awaitable<Json> EventsService::put_targets(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string name = in.value("Rule", "");
  const auto& targets = in.value("Targets", Json::array());
  size_t index = 0;
  for (const auto& target : targets) check_target(target, ++index);
  RuleChange change = [&](std::optional<Json>& record) {
    if (!record) throw errors::rule_not_found(name, bus.name);
    auto& stored = (*record)["Targets"];
    for (const auto& target : targets) {
      bool replaced = false;
      for (auto& existing : stored) {
        if (existing["Id"] == target["Id"]) {
          existing = target;
          replaced = true;
          break;
        }
      }
      if (!replaced) stored.push_back(target);
    }
    if (stored.size() > kMaxTargetsPerRule) {
      throw errors::limit_exceeded("The requested resource exceeds the maximum number allowed.");
    }
  };
  co_await update_rule(bus, name, change);
  co_return Json{{"FailedEntryCount", 0}, {"FailedEntries", Json::array()}};
}

awaitable<Json> EventsService::remove_targets(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  std::string name = in.value("Rule", "");
  const auto& ids = in.value("Ids", Json::array());
  RuleChange change = [&](std::optional<Json>& record) {
    if (!record) throw errors::rule_not_found(name, bus.name);
    Json kept = Json::array();
    for (const auto& target : (*record)["Targets"]) {
      if (std::find(ids.begin(), ids.end(), target["Id"]) == ids.end()) kept.push_back(target);
    }
    (*record)["Targets"] = std::move(kept);
  };
  co_await update_rule(bus, name, change);
  co_return Json{{"FailedEntryCount", 0}, {"FailedEntries", Json::array()}};
}

awaitable<Json> EventsService::list_targets_by_rule(RequestContext& context, const Json& in) {
  BusRef bus = bus_ref(context, in);
  bus_record(bus);
  auto rule = rule_record(bus, in.value("Rule", ""));
  std::vector<Json> targets;
  for (const auto& target : rule["Targets"]) targets.push_back(target);
  co_return list_page(targets, in, "Targets");
}

}  // namespace nimbus::events
