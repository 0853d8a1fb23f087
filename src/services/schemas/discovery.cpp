// Schema discovery: the discoverer's managed rule on its event bus (made through EventBridge's
// PutRule / PutTargets / RemoveTargets / DeleteRule, called as schemas.amazonaws.com), and the
// internal _DiscoverEvent operation EventBridge's deliveries call for each matched event.
//
// The managed rule is "Schemas-<discoverer id>" (at most 64 characters) with the pattern
// {"account": ["<the bus's account>"]} when CrossAccount is false, else
// {"account": [{"exists": true}]} (every event), and one target "Schemas-discoverer" whose Arn
// is the discoverer's ARN.

#include "core/arn.h"
#include "services/schemas/schema_infer.h"
#include "services/schemas/schema_record.h"
#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {
namespace {

constexpr size_t kMaxRuleName = 64;
constexpr const char* kTargetId = "Schemas-discoverer";

std::string rule_name(const Json& discoverer) {
  std::string name = "Schemas-" + discoverer.value("DiscovererId", "");
  if (name.size() > kMaxRuleName) name.resize(kMaxRuleName);
  return name;
}

// EventBridge's context for a call about `discoverer`'s bus: the bus's account and region.
RequestContext events_context(const RequestContext& context, const Json& discoverer) {
  auto bus = parse_arn(discoverer.value("SourceArn", ""));
  RequestContext out;
  out.account_id = bus ? bus->account : context.account_id;
  out.region = bus ? bus->region : context.region;
  out.request_id = context.request_id;
  out.clock = context.clock;
  out.invoked_by = {"schemas.amazonaws.com", discoverer.value("DiscovererArn", ""), context.account_id};
  return out;
}

std::string bus_name(const Json& discoverer) {
  auto bus = parse_arn(discoverer.value("SourceArn", ""));
  return bus ? bus->resource.substr(10) : std::string("default");
}

}  // namespace

awaitable<void> SchemasService::put_managed_rule(const RequestContext& context, const Json& discoverer) {
  RequestContext as_schemas = events_context(context, discoverer);
  Json account_match = discoverer.value("CrossAccount", true) ? Json{{"exists", true}} : Json(as_schemas.account_id);
  Json pattern = {{"account", Json::array({account_match})}};
  delivery::Target put_rule{"events", "PutRule", as_schemas.account_id, as_schemas.region,
                            {{"Name", rule_name(discoverer)},
                             {"EventBusName", bus_name(discoverer)},
                             {"EventPattern", pattern.dump()},
                             {"State", "ENABLED"},
                             {"Description", "Schema discovery rule managed by the EventBridge Schema Registry"}}};
  try {
    co_await call_(put_rule, as_schemas);
  } catch (const AwsError& error) {
    if (error.code == "ResourceNotFoundException") throw errors::bad_request(error.message);
    throw;
  }
  Json target = {{"Id", kTargetId}, {"Arn", discoverer.value("DiscovererArn", "")}};
  delivery::Target put_targets{"events", "PutTargets", as_schemas.account_id, as_schemas.region,
                               {{"Rule", rule_name(discoverer)},
                                {"EventBusName", bus_name(discoverer)},
                                {"Targets", Json::array({target})}}};
  co_await call_(put_targets, as_schemas);
}

awaitable<void> SchemasService::remove_managed_rule(const RequestContext& context, const Json& discoverer) {
  RequestContext as_schemas = events_context(context, discoverer);
  delivery::Target remove{"events", "RemoveTargets", as_schemas.account_id, as_schemas.region,
                          {{"Rule", rule_name(discoverer)},
                           {"EventBusName", bus_name(discoverer)},
                           {"Ids", Json::array({kTargetId})}}};
  try {
    co_await call_(remove, as_schemas);
  } catch (const AwsError& error) {
    if (error.code != "ResourceNotFoundException") throw;  // the rule or its bus is gone already
    co_return;
  }
  delivery::Target remove_rule{"events", "DeleteRule", as_schemas.account_id, as_schemas.region,
                               {{"Name", rule_name(discoverer)}, {"EventBusName", bus_name(discoverer)}}};
  try {
    co_await call_(remove_rule, as_schemas);
  } catch (const AwsError& error) {
    if (error.code != "ResourceNotFoundException") throw;
  }
}

awaitable<Json> SchemasService::discover_event(RequestContext& context, const Json& in) {
  if (context.invoked_by.principal != "events.amazonaws.com") {  // only EventBridge's deliveries
    throw AwsError::unknown_operation("The requested operation is not supported.");
  }
  std::string arn_text = in.value("DiscovererArn", "");
  auto arn = parse_arn(arn_text);
  if (!arn || !arn->resource.starts_with("discoverer/")) throw errors::discoverer_not_found(arn_text);
  RequestContext owner = context;
  owner.account_id = arn->account;
  owner.region = arn->region;
  Json discoverer = discoverer_record(owner, arn->resource.substr(11));
  auto event = Json::parse(in.value("Event", ""), nullptr, false);
  // A stopped discoverer ignores what was already on its way; so does one that does not
  // discover other accounts' events.
  if (discoverer.value("State", "") != "STARTED" || !event.is_object() || !event.contains("source") ||
      !event["source"].is_string() || !event.contains("detail-type") || !event["detail-type"].is_string()) {
    co_return Json::object();
  }
  if (!discoverer.value("CrossAccount", true) && event.value("account", "") != arn->account) co_return Json::object();
  if (!event.contains("detail") || !event["detail"].is_object()) event["detail"] = Json::object();
  Json inferred = infer_openapi(event);
  std::string name = discovered_schema_name(event["source"].get<std::string>(), event["detail-type"].get<std::string>());
  std::string registry(kDiscoveredRegistry);
  int64_t now = clock_.now_ms();
  bool added = false;
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) record = new_schema_record(registry, name, schema_arn(owner, registry, name), now);
    const Json* latest = find_version(*record, "");
    Json merged = inferred;
    if (latest) {
      auto previous = Json::parse(latest->value("Content", ""), nullptr, false);
      if (!previous.is_discarded() && previous.is_object()) merged = merge_openapi(previous, inferred);
      if (merged == previous) return;  // the same structure: no new version
    }
    add_version(*record, std::string(kOpenApi3), merged.dump(), now);
    added = true;
  };
  auto pending = schemas_.update(schema_key(owner, registry, name), change).first;
  co_await pending->wait();
  ++events_discovered_;
  if (added) ++versions_discovered_;
  co_return Json::object();
}

}  // namespace nimbus::schemas
