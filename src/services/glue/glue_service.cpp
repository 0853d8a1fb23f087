#include "services/glue/glue_service.h"

#include "services/glue/glue_errors.h"
#include "services/glue/glue_names.h"

namespace nimbus::glue {

std::unique_ptr<GlueService> make_glue_service(GlueDeps deps) {
  return std::make_unique<GlueService>(deps);
}

const std::unordered_map<std::string_view, GlueService::Handler>& GlueService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"BatchCreatePartition", &GlueService::batch_create_partition},
      {"BatchDeletePartition", &GlueService::batch_delete_partition},
      {"BatchDeleteTable", &GlueService::batch_delete_table},
      {"BatchDeleteTableVersion", &GlueService::batch_delete_table_version},
      {"BatchGetPartition", &GlueService::batch_get_partition},
      {"CreateDatabase", &GlueService::create_database},
      {"CreatePartition", &GlueService::create_partition},
      {"CreateTable", &GlueService::create_table},
      {"DeleteDatabase", &GlueService::delete_database},
      {"DeletePartition", &GlueService::delete_partition},
      {"DeleteTable", &GlueService::delete_table},
      {"DeleteTableVersion", &GlueService::delete_table_version},
      {"GetDatabase", &GlueService::get_database},
      {"GetDatabases", &GlueService::get_databases},
      {"GetPartition", &GlueService::get_partition},
      {"GetPartitions", &GlueService::get_partitions},
      {"GetTable", &GlueService::get_table},
      {"GetTableVersion", &GlueService::get_table_version},
      {"GetTableVersions", &GlueService::get_table_versions},
      {"GetTables", &GlueService::get_tables},
      {"UpdateDatabase", &GlueService::update_database},
      {"UpdatePartition", &GlueService::update_partition},
      {"UpdateTable", &GlueService::update_table},
  };
  return table;
}

GlueService::GlueService(GlueDeps deps)
    : store_(deps.store), clock_(deps.clock), state_(std::make_shared<GlueState>()) {}

const model::ServiceModel& GlueService::model() const { return model::glue_model(); }

bool GlueService::implements(std::string_view operation) const {
  return handlers().count(operation) > 0;
}

awaitable<Json> GlueService::invoke(std::string_view operation, RequestContext& context,
                                    Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) +
                                      " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void GlueService::start(boost::asio::any_io_executor) {
  if (started_) return;
  started_ = true;
  state_->load(store_);
}

void GlueService::stop() { started_ = false; }

awaitable<void> GlueService::reset() {
  state_->clear();
  co_await store_.wipe(kSpace);
}

Json GlueService::health() const {
  std::lock_guard lock(state_->mutex);
  return {{"state", "running"},
          {"databases", state_->databases.records.size()},
          {"tables", state_->tables.records.size()},
          {"table_versions", state_->versions.records.size()},
          {"partitions", state_->partitions.records.size()}};
}

double GlueService::now() const { return static_cast<double>(clock_.now_ms()) / 1000.0; }

std::string GlueService::database_or_throw(const RequestContext& context,
                                           const std::string& database) const {
  std::string key = database_key(context.account_id, context.region, database);
  if (!state_->databases.find(key)) throw errors::database_not_found(database);
  return key;
}

std::string GlueService::table_or_throw(const RequestContext& context, const std::string& database,
                                        const std::string& table) const {
  database_or_throw(context, database);
  std::string key = table_key(context.account_id, context.region, database, table);
  if (!state_->tables.find(key)) throw errors::table_not_found(table);
  return key;
}

}  // namespace nimbus::glue
