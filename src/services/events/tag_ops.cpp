// Tags of rules and buses: TagResource, UntagResource, ListTagsForResource (by ARN).

#include "core/arn.h"
#include "services/events/events_errors.h"
#include "services/events/events_service.h"

namespace nimbus::events {
namespace {

// The bus and (for a rule ARN) the rule an ARN names.
struct Resource {
  BusRef bus;
  std::string rule;  // empty for a bus
};

Resource resource_of(const std::string& text) {
  auto arn = parse_arn(text);
  if (!arn || arn->service != "events") throw errors::invalid_arn(text);
  if (arn->resource.rfind("event-bus/", 0) == 0) return {{arn->account, arn->region, arn->resource.substr(10)}, ""};
  if (arn->resource.rfind("rule/", 0) == 0) {
    std::string rest = arn->resource.substr(5);
    auto slash = rest.rfind('/');
    if (slash == std::string::npos) return {{arn->account, arn->region, std::string(kDefaultBus)}, rest};
    return {{arn->account, arn->region, rest.substr(0, slash)}, rest.substr(slash + 1)};
  }
  throw errors::invalid_arn(text);
}

void merge_tags(Json& tags, const Json& added) {
  for (const auto& tag : added) {
    bool replaced = false;
    for (auto& existing : tags) {
      if (existing["Key"] == tag["Key"]) {
        existing = tag;
        replaced = true;
      }
    }
    if (!replaced) tags.push_back(tag);
  }
}

void drop_tags(Json& tags, const Json& keys) {
  Json kept = Json::array();
  for (const auto& tag : tags) {
    if (std::find(keys.begin(), keys.end(), tag["Key"]) == keys.end()) kept.push_back(tag);
  }
  tags = std::move(kept);
}

}  // namespace

awaitable<Json> EventsService::tag_resource(RequestContext& context, const Json& in) {
  auto resource = resource_of(in.value("ResourceARN", ""));
  const auto& tags = in.value("Tags", Json::array());
  if (resource.rule.empty()) {
    Json current = bus_record(resource.bus);
    auto updated = buses_.update(resource.bus.key(), [&](std::optional<Json>& record) {
      if (!record) record = current;
      if (!record->contains("Tags")) (*record)["Tags"] = Json::array();
      merge_tags((*record)["Tags"], tags);
    });
    co_await updated.first->wait();
  } else {
    RuleChange change = [&](std::optional<Json>& record) {
      if (!record) throw errors::rule_not_found(resource.rule, resource.bus.name);
      merge_tags((*record)["Tags"], tags);
    };
    co_await update_rule(resource.bus, resource.rule, change);
  }
  co_return Json::object();
}

awaitable<Json> EventsService::untag_resource(RequestContext& context, const Json& in) {
  auto resource = resource_of(in.value("ResourceARN", ""));
  const auto& keys = in.value("TagKeys", Json::array());
  if (resource.rule.empty()) {
    Json current = bus_record(resource.bus);
    auto updated = buses_.update(resource.bus.key(), [&](std::optional<Json>& record) {
      if (!record) record = current;
      if (!record->contains("Tags")) (*record)["Tags"] = Json::array();
      drop_tags((*record)["Tags"], keys);
    });
    co_await updated.first->wait();
  } else {
    RuleChange change = [&](std::optional<Json>& record) {
      if (!record) throw errors::rule_not_found(resource.rule, resource.bus.name);
      drop_tags((*record)["Tags"], keys);
    };
    co_await update_rule(resource.bus, resource.rule, change);
  }
  co_return Json::object();
}

awaitable<Json> EventsService::list_tags_for_resource(RequestContext& context, const Json& in) {
  auto resource = resource_of(in.value("ResourceARN", ""));
  Json record = resource.rule.empty() ? bus_record(resource.bus) : rule_record(resource.bus, resource.rule);
  co_return Json{{"Tags", record.value("Tags", Json::array())}};
}

}  // namespace nimbus::events
