// Tags on registries, schemas and discoverers, by ARN: TagResource, UntagResource,
// ListTagsForResource. Tags are a map, as the model says.

#include "core/arn.h"
#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {
namespace {

// Applies `edit` to the tags of the resource `arn` names, in its record (a built-in registry
// gets a record with its first tag). Returns the commit to await, or throws NotFoundException.
template <typename Edit>
std::shared_ptr<storage::PendingCommit> edit_tags(const RequestContext& context, const std::string& arn,
                                                  storage::RecordTable& registries, storage::RecordTable& schemas,
                                                  storage::RecordTable& discoverers, const Json& built_in_registry,
                                                  Edit edit) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "schemas") throw errors::resource_not_found(arn);
  const std::string& resource = parsed->resource;
  storage::RecordTable* table = nullptr;
  std::string key;
  if (resource.starts_with("registry/")) {
    table = &registries;
    key = scope(context) + resource.substr(9);
  } else if (resource.starts_with("schema/")) {
    table = &schemas;
    key = scope(context) + resource.substr(7);
  } else if (resource.starts_with("discoverer/")) {
    table = &discoverers;
    key = scope(context) + resource.substr(11);
  } else {
    throw errors::resource_not_found(arn);
  }
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record && table == &registries && built_in_registry.is_object()) record = built_in_registry;
    if (!record || record->value("RegistryArn", record->value("SchemaArn", record->value("DiscovererArn", ""))) != arn) {
      throw errors::resource_not_found(arn);
    }
    Json tags = record->value("Tags", Json::object());
    edit(tags);
    (*record)["Tags"] = std::move(tags);
  };
  return table->update(key, change).first;
}

}  // namespace

awaitable<Json> SchemasService::tag_resource(RequestContext& context, const Json& in) {
  std::string arn = in.value("ResourceArn", "");
  const Json added = in.value("Tags", Json::object());
  Json built_in;
  for (const char* name : {kAwsRegistry.data(), kDiscoveredRegistry.data()}) {
    if (registry_arn(context, name) == arn) built_in = registry_record(context, name);
  }
  auto pending = edit_tags(context, arn, registries_, schemas_, discoverers_, built_in, [&](Json& tags) {
    for (auto it = added.begin(); it != added.end(); ++it) tags[it.key()] = it.value();
  });
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchemasService::untag_resource(RequestContext& context, const Json& in) {
  std::string arn = in.value("ResourceArn", "");
  const Json keys = in.value("TagKeys", Json::array());
  Json built_in;
  for (const char* name : {kAwsRegistry.data(), kDiscoveredRegistry.data()}) {
    if (registry_arn(context, name) == arn) built_in = registry_record(context, name);
  }
  auto pending = edit_tags(context, arn, registries_, schemas_, discoverers_, built_in, [&](Json& tags) {
    for (const auto& key : keys) {
      if (key.is_string()) tags.erase(key.get<std::string>());
    }
  });
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchemasService::list_tags_for_resource(RequestContext& context, const Json& in) {
  std::string arn = in.value("ResourceArn", "");
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "schemas") throw errors::resource_not_found(arn);
  const std::string& resource = parsed->resource;
  std::optional<Json> record;
  if (resource.starts_with("registry/")) {
    std::string name = resource.substr(9);
    if (registry_exists(context, name)) record = registry_record(context, name);
  } else if (resource.starts_with("schema/")) {
    record = schemas_.get(scope(context) + resource.substr(7));
  } else if (resource.starts_with("discoverer/")) {
    record = discoverers_.get(scope(context) + resource.substr(11));
  }
  if (!record) throw errors::resource_not_found(arn);
  co_return Json{{"Tags", record->value("Tags", Json::object())}};
}

}  // namespace nimbus::schemas
