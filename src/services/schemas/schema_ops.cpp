// Schemas: CreateSchema, DescribeSchema (a version, the latest by default), UpdateSchema (a new
// version when the content changes), DeleteSchema, DeleteSchemaVersion, ListSchemas,
// ListSchemaVersions.

#include "services/schemas/schema_record.h"
#include "services/schemas/schemas_errors.h"
#include "services/schemas/schemas_service.h"

namespace nimbus::schemas {

awaitable<Json> SchemasService::create_schema(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  std::string name = in.value("SchemaName", "");
  std::string type = in.value("Type", "");
  std::string content = in.value("Content", "");
  registry_record(context, registry);
  if (registry == kAwsRegistry) throw errors::registry_managed(registry);
  if (name.empty()) throw errors::bad_request("SchemaName must not be empty.");
  check_content(type, content);
  int64_t now = clock_.now_ms();
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (record) throw errors::schema_exists(name);
    record = new_schema_record(registry, name, schema_arn(context, registry, name), now);
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
    (*record)["Tags"] = in.value("Tags", Json::object());
    add_version(*record, type, content, now);
  };
  auto updated = schemas_.update(schema_key(context, registry, name), change);
  Json out = schema_view(*updated.second, updated.second->at("Versions").back(), false);
  co_await updated.first->wait();
  co_return out;
}

awaitable<Json> SchemasService::describe_schema(RequestContext& context, const Json& in) {
  std::string name = in.value("SchemaName", "");
  std::string version = in.value("SchemaVersion", "");
  Json record = schema_record(context, in.value("RegistryName", ""), name);
  const Json* found = find_version(record, version);
  if (!found) throw errors::version_not_found(name, version);
  co_return schema_view(record, *found, true);
}

awaitable<Json> SchemasService::update_schema(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  std::string name = in.value("SchemaName", "");
  schema_record(context, registry, name);
  if (registry == kAwsRegistry) throw errors::registry_managed(registry);
  int64_t now = clock_.now_ms();
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::schema_not_found(name);
    const Json& latest = record->at("Versions").back();
    std::string type = in.value("Type", latest.value("Type", std::string(kOpenApi3)));
    if (in.contains("Description")) (*record)["Description"] = in["Description"];
    if (in.contains("Content")) {
      std::string content = in["Content"].get<std::string>();
      check_content(type, content);
      // The same content (and type) again is not a new version.
      if (content != latest.value("Content", "") || type != latest.value("Type", "")) {
        add_version(*record, type, content, now);
        return;
      }
    } else if (in.contains("Type") && type != latest.value("Type", "")) {
      throw errors::bad_request("Content must be provided when Type changes.");
    }
    (*record)["LastModifiedMs"] = now;
  };
  auto updated = schemas_.update(schema_key(context, registry, name), change);
  Json out = schema_view(*updated.second, updated.second->at("Versions").back(), false);
  co_await updated.first->wait();
  co_return out;
}

awaitable<Json> SchemasService::delete_schema(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  std::string name = in.value("SchemaName", "");
  schema_record(context, registry, name);
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::schema_not_found(name);
    record.reset();
  };
  auto pending = schemas_.update(schema_key(context, registry, name), change).first;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchemasService::delete_schema_version(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  std::string name = in.value("SchemaName", "");
  std::string version = in.value("SchemaVersion", "");
  schema_record(context, registry, name);
  storage::RecordTable::Change change = [&](std::optional<Json>& record) {
    if (!record) throw errors::schema_not_found(name);
    Json kept = Json::array();
    bool found = false;
    for (const auto& entry : record->at("Versions")) {
      if (entry.value("SchemaVersion", "") == version) {
        found = true;
      } else {
        kept.push_back(entry);
      }
    }
    if (!found) throw errors::version_not_found(name, version);
    if (kept.empty()) {
      record.reset();  // its last version: the schema goes with it
      return;
    }
    (*record)["Versions"] = std::move(kept);
  };
  auto pending = schemas_.update(schema_key(context, registry, name), change).first;
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> SchemasService::list_schemas(RequestContext& context, const Json& in) {
  std::string registry = in.value("RegistryName", "");
  registry_record(context, registry);
  std::string prefix = in.value("SchemaNamePrefix", "");
  std::vector<Json> listed;
  for (const auto& entry : schemas_.list(scope(context) + registry + "/" + prefix)) {
    const Json& record = entry.second;
    listed.push_back({{"SchemaName", record["SchemaName"]},
                      {"SchemaArn", record["SchemaArn"]},
                      {"LastModified", timestamp(record.value("LastModifiedMs", int64_t{0}))},
                      {"VersionCount", record["Versions"].size()},
                      {"Tags", record.value("Tags", Json::object())}});
  }
  co_return list_page(listed, in, "Schemas");
}

awaitable<Json> SchemasService::list_schema_versions(RequestContext& context, const Json& in) {
  Json record = schema_record(context, in.value("RegistryName", ""), in.value("SchemaName", ""));
  std::vector<Json> listed;
  for (const auto& version : record["Versions"]) {
    listed.push_back({{"SchemaName", record["SchemaName"]},
                      {"SchemaArn", record["SchemaArn"]},
                      {"SchemaVersion", version["SchemaVersion"]},
                      {"Type", version["Type"]}});
  }
  co_return list_page(listed, in, "SchemaVersions");
}

}  // namespace nimbus::schemas
