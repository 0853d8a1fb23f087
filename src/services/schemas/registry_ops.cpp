// Registries: CreateRegistry, DescribeRegistry, ListRegistries (Scope LOCAL / AWS),
// UpdateRegistry, DeleteRegistry (with its schemas). aws.events and discovered-schemas exist in
// every account and region without a record (they get one with their first tag).

#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {
namespace {

Json registry_view(const Json& record) {
  Json out = {{"RegistryName", record["RegistryName"]}, {"RegistryArn", record["RegistryArn"]}};
  if (record.contains("Description")) out["Description"] = record["Description"];
  out["Tags"] = record.value("Tags", Json::object());
  return out;
}

bool built_in(const std::string& name) { return name == kAwsRegistry || name == kDiscoveredRegistry; }

}  // namespace

awaitable<Json> SchemasService::create_registry(RequestContext& context, const Json& in) {
  std::string name = in.value("RegistryName", "");
  if (name.empty()) throw errors::bad_request("RegistryName must not be empty.");
  if (built_in(name)) throw errors::registry_exists(name);
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (record) throw errors::registry_exists(name);
    record = Json{{"RegistryName", name}, {"RegistryArn", registry_arn(context, name)},
                  {"Tags", in.value("Tags", Json::object())}, {"CreatedMs", clock_.now_ms()}};
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
  };
  auto updated = registries_.update(scope(context) + name, change);
  Json out = registry_view(*updated.second);
  co_await updated.first->wait();
  co_return out;
}

awaitable<Json> SchemasService::describe_registry(RequestContext& context, const Json& in) {
  co_return registry_view(registry_record(context, in.value("RegistryName", "")));
}

awaitable<Json> SchemasService::list_registries(RequestContext& context, const Json& in) {
  std::string prefix = in.value("RegistryNamePrefix", "");
  std::string wanted = in.value("Scope", "");
  std::map<std::string, Json> registries;
  for (const char* name : {kAwsRegistry.data(), kDiscoveredRegistry.data()}) {
    registries.emplace(name, registry_record(context, name));
  }
  std::string prefix_key = scope(context);
  for (const auto& entry : registries_.list(prefix_key)) registries[entry.first.substr(prefix_key.size())] = entry.second;
  std::vector<Json> listed;
  for (const auto& entry : registries) {
    if (!entry.first.starts_with(prefix)) continue;
    std::string registry_scope = entry.first == kAwsRegistry ? "AWS" : "LOCAL";
    if (!wanted.empty() && wanted != registry_scope) continue;
    Json view = registry_view(entry.second);
    view.erase("Description");
    listed.push_back(std::move(view));
  }
  co_return list_page(listed, in, "Registries");
}

awaitable<Json> SchemasService::update_registry(RequestContext& context, const Json& in) {
  std::string name = in.value("RegistryName", "");
  if (built_in(name)) throw errors::registry_managed(name);
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::registry_not_found(name);
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
  };
  auto updated = registries_.update(scope(context) + name, change);
  Json out = registry_view(*updated.second);
  co_await updated.first->wait();
  co_return out;
}

awaitable<Json> SchemasService::delete_registry(RequestContext& context, const Json& in) {
  std::string name = in.value("RegistryName", "");
  if (built_in(name)) throw errors::registry_managed(name);
  if (!registries_.get(scope(context) + name)) throw errors::registry_not_found(name);
  // Its schemas first, so that a registry never disappears while schemas in it remain.
  std::shared_ptr<storage::PendingCommit> last;
  for (const auto& entry : schemas_.list(scope(context) + name + "/")) {
    storage::RecordTable::Change drop = [](std::optional<Json>& record) { record.reset(); };
    last = schemas_.update(entry.first, drop).first;
  }
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::registry_not_found(name);
    record.reset();
  };
  auto pending = registries_.update(scope(context) + name, change).first;
  co_await pending->wait();
  co_return Json::object();
}

}  // namespace nimbus::schemas
