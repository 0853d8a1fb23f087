#pragma once
// Amazon EventBridge Schema Registry (2019-12-02, rest-json, model-driven): registries (the
// built-in aws.events and discovered-schemas, and custom ones), versioned schemas (OpenApi3,
// JSONSchemaDraft4) with search and export, discoverers, tags. A discoverer works as on AWS,
// through a managed rule on its event bus (created with EventBridge's own PutRule/PutTargets,
// called as a client would) whose target is the discoverer: EventBridge delivers each matched
// event to the internal operation _DiscoverEvent, which infers the event's schema
// (schema_infer.h) into the discovered-schemas registry, a new version when its structure grew.
//
// State: records in storage::RecordTable (space "schemas"): registries, schemas (every version
// in the schema's record), discoverers. No background workers.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/schemas/schemas_names.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::schemas {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

// The internal operation EventBridge's deliveries call for a discoverer target.
inline constexpr std::string_view kDiscoverEvent = "_DiscoverEvent";

struct SchemasDeps {
  storage::Store& store;
  Clock& clock;
  // Calls another service's operation as a client would (ServiceRegistry::call).
  delivery::Outbox::Invoke call;
};

class SchemasService final : public Service {
 public:
  explicit SchemasService(SchemasDeps deps);

  std::string_view name() const override { return "schemas"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (SchemasService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // registry_ops.cpp
  awaitable<Json> create_registry(RequestContext& context, const Json& in);
  awaitable<Json> describe_registry(RequestContext& context, const Json& in);
  awaitable<Json> list_registries(RequestContext& context, const Json& in);
  awaitable<Json> update_registry(RequestContext& context, const Json& in);
  awaitable<Json> delete_registry(RequestContext& context, const Json& in);
  // tag_ops.cpp
  awaitable<Json> tag_resource(RequestContext& context, const Json& in);
  awaitable<Json> untag_resource(RequestContext& context, const Json& in);
  awaitable<Json> list_tags_for_resource(RequestContext& context, const Json& in);
  // schema_ops.cpp
  awaitable<Json> create_schema(RequestContext& context, const Json& in);
  awaitable<Json> describe_schema(RequestContext& context, const Json& in);
  awaitable<Json> update_schema(RequestContext& context, const Json& in);
  awaitable<Json> delete_schema(RequestContext& context, const Json& in);
  awaitable<Json> delete_schema_version(RequestContext& context, const Json& in);
  awaitable<Json> list_schemas(RequestContext& context, const Json& in);
  awaitable<Json> list_schema_versions(RequestContext& context, const Json& in);
  // search_ops.cpp
  awaitable<Json> search_schemas(RequestContext& context, const Json& in);
  awaitable<Json> get_discovered_schema(RequestContext& context, const Json& in);
  awaitable<Json> export_schema(RequestContext& context, const Json& in);
  // discoverer_ops.cpp
  awaitable<Json> create_discoverer(RequestContext& context, const Json& in);
  awaitable<Json> describe_discoverer(RequestContext& context, const Json& in);
  awaitable<Json> list_discoverers(RequestContext& context, const Json& in);
  awaitable<Json> update_discoverer(RequestContext& context, const Json& in);
  awaitable<Json> delete_discoverer(RequestContext& context, const Json& in);
  awaitable<Json> start_discoverer(RequestContext& context, const Json& in);
  awaitable<Json> stop_discoverer(RequestContext& context, const Json& in);
  // discovery.cpp
  awaitable<Json> discover_event(RequestContext& context, const Json& in);
  // Creates (or re-puts) the discoverer's managed rule and its target on the bus.
  awaitable<void> put_managed_rule(const RequestContext& context, const Json& discoverer);
  // Removes the managed rule's target and the rule (a missing rule is not an error).
  awaitable<void> remove_managed_rule(const RequestContext& context, const Json& discoverer);

  // The registry record of the caller's scope (built-in ones exist without a record);
  // NotFoundException when there is none.
  Json registry_record(const RequestContext& context, const std::string& name) const;
  bool registry_exists(const RequestContext& context, const std::string& name) const;
  Json discoverer_record(const RequestContext& context, const std::string& id) const;
  Json schema_record(const RequestContext& context, const std::string& registry, const std::string& name) const;
  static std::string schema_key(const RequestContext& context, const std::string& registry, const std::string& name);

  storage::Store& store_;
  Clock& clock_;
  delivery::Outbox::Invoke call_;
  storage::RecordTable registries_;   // key: <account>/<region>/<name>
  storage::RecordTable schemas_;      // key: <account>/<region>/<registry>/<name>
  storage::RecordTable discoverers_;  // key: <account>/<region>/<id>
  bool started_ = false;
  std::atomic<int64_t> events_discovered_{0};
  std::atomic<int64_t> versions_discovered_{0};
};

std::unique_ptr<SchemasService> make_schemas_service(SchemasDeps deps);

}  // namespace nimbus::schemas
