#include "services/schemas/schemas_service.h"

#include "services/schemas/schemas_errors.h"

namespace nimbus::schemas {

std::unique_ptr<SchemasService> make_schemas_service(SchemasDeps deps) { return std::make_unique<SchemasService>(deps); }

const std::unordered_map<std::string_view, SchemasService::Handler>& SchemasService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"CreateDiscoverer", &SchemasService::create_discoverer},
      {"CreateRegistry", &SchemasService::create_registry},
      {"CreateSchema", &SchemasService::create_schema},
      {"DeleteDiscoverer", &SchemasService::delete_discoverer},
      {"DeleteRegistry", &SchemasService::delete_registry},
      {"DeleteSchema", &SchemasService::delete_schema},
      {"DeleteSchemaVersion", &SchemasService::delete_schema_version},
      {"DescribeDiscoverer", &SchemasService::describe_discoverer},
      {"DescribeRegistry", &SchemasService::describe_registry},
      {"DescribeSchema", &SchemasService::describe_schema},
      {"ExportSchema", &SchemasService::export_schema},
      {"GetDiscoveredSchema", &SchemasService::get_discovered_schema},
      {"ListDiscoverers", &SchemasService::list_discoverers},
      {"ListRegistries", &SchemasService::list_registries},
      {"ListSchemaVersions", &SchemasService::list_schema_versions},
      {"ListSchemas", &SchemasService::list_schemas},
      {"ListTagsForResource", &SchemasService::list_tags_for_resource},
      {"SearchSchemas", &SchemasService::search_schemas},
      {"StartDiscoverer", &SchemasService::start_discoverer},
      {"StopDiscoverer", &SchemasService::stop_discoverer},
      {"TagResource", &SchemasService::tag_resource},
      {"UntagResource", &SchemasService::untag_resource},
      {"UpdateDiscoverer", &SchemasService::update_discoverer},
      {"UpdateRegistry", &SchemasService::update_registry},
      {"UpdateSchema", &SchemasService::update_schema},
      {kDiscoverEvent, &SchemasService::discover_event},
  };
  return table;
}

SchemasService::SchemasService(SchemasDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      call_(std::move(deps.call)),
      registries_(deps.store, std::string(kSpace), "registry"),
      schemas_(deps.store, std::string(kSpace), "schema"),
      discoverers_(deps.store, std::string(kSpace), "discoverer") {}

const model::ServiceModel& SchemasService::model() const { return model::schemas_model(); }

bool SchemasService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> SchemasService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void SchemasService::start(boost::asio::any_io_executor) {
  if (started_) return;
  started_ = true;
  registries_.load();
  schemas_.load();
  discoverers_.load();
}

void SchemasService::stop() { started_ = false; }

awaitable<void> SchemasService::reset() {
  registries_.clear();
  schemas_.clear();
  discoverers_.clear();
  co_await store_.wipe(kSpace);
}

Json SchemasService::health() const {
  return {{"state", "running"},
          {"registries", registries_.list("").size()},
          {"schemas", schemas_.list("").size()},
          {"discoverers", discoverers_.list("").size()},
          {"events_discovered", events_discovered_.load()},
          {"versions_discovered", versions_discovered_.load()}};
}

bool SchemasService::registry_exists(const RequestContext& context, const std::string& name) const {
  return name == kAwsRegistry || name == kDiscoveredRegistry || registries_.get(scope(context) + name).has_value();
}

Json SchemasService::registry_record(const RequestContext& context, const std::string& name) const {
  if (auto record = registries_.get(scope(context) + name)) return *record;
  if (name == kAwsRegistry || name == kDiscoveredRegistry) {
    return {{"RegistryName", name}, {"RegistryArn", registry_arn(context, name)}, {"Tags", Json::object()}};
  }
  throw errors::registry_not_found(name);
}

std::string SchemasService::schema_key(const RequestContext& context, const std::string& registry,
                                       const std::string& name) {
  return scope(context) + registry + "/" + name;
}

Json SchemasService::schema_record(const RequestContext& context, const std::string& registry,
                                   const std::string& name) const {
  registry_record(context, registry);
  auto record = schemas_.get(schema_key(context, registry, name));
  if (!record) throw errors::schema_not_found(name);
  return *record;
}

Json SchemasService::discoverer_record(const RequestContext& context, const std::string& id) const {
  auto record = discoverers_.get(scope(context) + id);
  if (!record) throw errors::discoverer_not_found(id);
  return *record;
}

}  // namespace nimbus::schemas
