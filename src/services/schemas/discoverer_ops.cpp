// Discoverers: CreateDiscoverer, DescribeDiscoverer, ListDiscoverers, UpdateDiscoverer,
// DeleteDiscoverer, StartDiscoverer, StopDiscoverer. A started discoverer has a managed rule on
// its bus (discovery.cpp); starting creates it, stopping and deleting remove it.

#include "core/arn.h"
#include "core/ids.h"
#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {
namespace {

Json discoverer_view(const Json& record) {
  Json out = {{"DiscovererId", record["DiscovererId"]}, {"DiscovererArn", record["DiscovererArn"]},
              {"SourceArn", record["SourceArn"]},       {"State", record["State"]},
              {"CrossAccount", record.value("CrossAccount", true)}, {"Tags", record.value("Tags", Json::object())}};
  if (record.contains("Description")) out["Description"] = record["Description"];
  return out;
}

}  // namespace

awaitable<Json> SchemasService::create_discoverer(RequestContext& context, const Json& in) {
  std::string source = in.value("SourceArn", "");
  auto arn = parse_arn(source);
  if (!arn || arn->service != "events" || !arn->resource.starts_with("event-bus/") || arn->resource.size() <= 10) {
    throw errors::invalid_source_arn(source);
  }
  std::string bus = arn->resource.substr(10);
  // "events-event-bus-<bus>", as AWS names the discoverer of a bus; a second one gets a suffix.
  std::string id = "events-event-bus-" + bus;
  if (discoverers_.get(scope(context) + id)) id += "-" + ids::uuid4().substr(0, 8);
  Json record = {{"DiscovererId", id},
                 {"DiscovererArn", discoverer_arn(context.account_id, context.region, id)},
                 {"SourceArn", source},
                 {"State", "STARTED"},
                 {"CrossAccount", in.value("CrossAccount", true)},
                 {"Tags", in.value("Tags", Json::object())},
                 {"Account", context.account_id},
                 {"Region", context.region}};
  if (in.contains("Description")) record["Description"] = in["Description"];
  co_await put_managed_rule(context, record);
  storage::RecordTable::Change change = [&](std::optional<Json>& stored) { stored = record; };
  auto pending = discoverers_.update(scope(context) + id, change).first;
  co_await pending->wait();
  co_return discoverer_view(record);
}

awaitable<Json> SchemasService::describe_discoverer(RequestContext& context, const Json& in) {
  co_return discoverer_view(discoverer_record(context, in.value("DiscovererId", "")));
}

awaitable<Json> SchemasService::list_discoverers(RequestContext& context, const Json& in) {
  std::string id_prefix = in.value("DiscovererIdPrefix", "");
  std::string source_prefix = in.value("SourceArnPrefix", "");
  std::vector<Json> listed;
  for (const auto& entry : discoverers_.list(scope(context) + id_prefix)) {
    if (!entry.second.value("SourceArn", "").starts_with(source_prefix)) continue;
    Json view = discoverer_view(entry.second);
    view.erase("Description");
    listed.push_back(std::move(view));
  }
  co_return list_page(listed, in, "Discoverers");
}

awaitable<Json> SchemasService::update_discoverer(RequestContext& context, const Json& in) {
  std::string id = in.value("DiscovererId", "");
  Json record = discoverer_record(context, id);
  bool cross_account_changed = in.contains("CrossAccount") && in["CrossAccount"] != record.value("CrossAccount", true);
  if (in.contains("Description")) record["Description"] = in["Description"];
  if (in.contains("CrossAccount")) record["CrossAccount"] = in["CrossAccount"];
  // The managed rule's pattern follows CrossAccount.
  if (cross_account_changed && record.value("State", "") == "STARTED") co_await put_managed_rule(context, record);
  storage::RecordTable::Change change = [&](std::optional<Json>& stored) {
    if (!stored) throw errors::discoverer_not_found(id);
    for (const char* field : {"Description", "CrossAccount"}) {
      if (record.contains(field)) (*stored)[field] = record[field];
    }
  };
  auto updated = discoverers_.update(scope(context) + id, change);
  Json out = discoverer_view(*updated.second);
  co_await updated.first->wait();
  co_return out;
}

awaitable<Json> SchemasService::delete_discoverer(RequestContext& context, const Json& in) {
  std::string id = in.value("DiscovererId", "");
  Json record = discoverer_record(context, id);
  co_await remove_managed_rule(context, record);
  storage::RecordTable::Change change = [&](std::optional<Json>& stored) {
    if (!stored) throw errors::discoverer_not_found(id);
    stored.reset();
  };
  auto pending = discoverers_.update(scope(context) + id, change).first;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchemasService::start_discoverer(RequestContext& context, const Json& in) {
  std::string id = in.value("DiscovererId", "");
  Json record = discoverer_record(context, id);
  co_await put_managed_rule(context, record);
  storage::RecordTable::Change change = [&](std::optional<Json>& stored) {
    if (!stored) throw errors::discoverer_not_found(id);
    (*stored)["State"] = "STARTED";
  };
  auto pending = discoverers_.update(scope(context) + id, change).first;
  co_await pending->wait();
  co_return Json{{"DiscovererId", id}, {"State", "STARTED"}};
}

awaitable<Json> SchemasService::stop_discoverer(RequestContext& context, const Json& in) {
  std::string id = in.value("DiscovererId", "");
  Json record = discoverer_record(context, id);
  // Stopped first: events already on their way are then ignored.
  storage::RecordTable::Change change = [&](std::optional<Json>& stored) {
    if (!stored) throw errors::discoverer_not_found(id);
    (*stored)["State"] = "STOPPED";
  };
  auto pending = discoverers_.update(scope(context) + id, change).first;
  co_await pending->wait();
  co_await remove_managed_rule(context, record);
  co_return Json{{"DiscovererId", id}, {"State", "STOPPED"}};
}

}  // namespace nimbus::schemas
