#include "services/athena/athena_service.h"

#include "services/athena/athena_errors.h"
#include "services/athena/session_pool.h"
#include "services/athena/work_group_slots.h"
#include "sql/duckdb_session.h"

namespace nimbus::athena {

namespace {
constexpr std::string_view kSpace = "athena";
}

std::unique_ptr<AthenaService> make_athena_service(AthenaDeps deps) { return std::make_unique<AthenaService>(deps); }

const std::unordered_map<std::string_view, AthenaService::Handler>& AthenaService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"StartQueryExecution", &AthenaService::start_query_execution},
      {"GetQueryExecution", &AthenaService::get_query_execution},
      {"BatchGetQueryExecution", &AthenaService::batch_get_query_execution},
      {"ListQueryExecutions", &AthenaService::list_query_executions},
      {"StopQueryExecution", &AthenaService::stop_query_execution},
      {"GetQueryResults", &AthenaService::get_query_results},
      {"GetQueryRuntimeStatistics", &AthenaService::get_query_runtime_statistics},
      {"CreateWorkGroup", &AthenaService::create_work_group},
      {"GetWorkGroup", &AthenaService::get_work_group},
      {"ListWorkGroups", &AthenaService::list_work_groups},
      {"UpdateWorkGroup", &AthenaService::update_work_group},
      {"DeleteWorkGroup", &AthenaService::delete_work_group},
      {"CreateNamedQuery", &AthenaService::create_named_query},
      {"GetNamedQuery", &AthenaService::get_named_query},
      {"BatchGetNamedQuery", &AthenaService::batch_get_named_query},
      {"ListNamedQueries", &AthenaService::list_named_queries},
      {"UpdateNamedQuery", &AthenaService::update_named_query},
      {"DeleteNamedQuery", &AthenaService::delete_named_query},
      {"CreatePreparedStatement", &AthenaService::create_prepared_statement},
      {"GetPreparedStatement", &AthenaService::get_prepared_statement},
      {"BatchGetPreparedStatement", &AthenaService::batch_get_prepared_statement},
      {"ListPreparedStatements", &AthenaService::list_prepared_statements},
      {"UpdatePreparedStatement", &AthenaService::update_prepared_statement},
      {"DeletePreparedStatement", &AthenaService::delete_prepared_statement},
      {"ListDataCatalogs", &AthenaService::list_data_catalogs},
      {"GetDataCatalog", &AthenaService::get_data_catalog},
      {"ListDatabases", &AthenaService::list_databases},
      {"GetDatabase", &AthenaService::get_database},
      {"ListTableMetadata", &AthenaService::list_table_metadata},
      {"GetTableMetadata", &AthenaService::get_table_metadata},
  };
  return table;
}

AthenaService::AthenaService(AthenaDeps deps)
    : store_(deps.store),
      clock_(deps.clock),
      files_dir_(std::move(deps.files_dir)),
      call_(std::move(deps.call)),
      work_groups_(deps.store, std::string(kSpace), "workgroup"),
      queries_(deps.store, std::string(kSpace), "query"),
      named_queries_(deps.store, std::string(kSpace), "namedquery"),
      prepared_(deps.store, std::string(kSpace), "prepared") {}

AthenaService::~AthenaService() { stop(); }

const model::ServiceModel& AthenaService::model() const { return model::athena_model(); }

bool AthenaService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> AthenaService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::unknown_operation("The requested operation " + std::string(operation) + " is not supported.");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void AthenaService::start(boost::asio::any_io_executor executor) {
  if (started_) return;
  started_ = true;
  executor_ = executor;
  engine_pool_ = std::make_unique<boost::asio::thread_pool>(kConcurrentQueries);
  planning_pool_ = std::make_unique<boost::asio::thread_pool>(kPlanningThreads);
  // Per query: 1 GB before spilling to the data dir, 2 threads.
  sessions_ = std::make_unique<SessionPool>(sql::EngineLimits{"1GB", 2, {}});
  slots_ = std::make_unique<WorkGroupSlots>(kQueriesPerWorkGroup);
  work_groups_.load();
  queries_.load();
  named_queries_.load();
  prepared_.load();
  std::error_code ignored;
  std::filesystem::remove_all(files_dir_ / "scratch", ignored);
  std::filesystem::remove_all(files_dir_ / "spill", ignored);
  // Queries a stop interrupted cannot resume: they end FAILED, as a query Athena lost would.
  for (auto& [key, record] : queries_.list("")) {
    auto state = record["Status"].value("State", "");
    if (state != "QUEUED" && state != "RUNNING") continue;
    queries_.update(key, [&](std::optional<Json>& stored) {
      if (!stored) return;
      auto& status = (*stored)["Status"];
      status["State"] = "FAILED";
      status["StateChangeReason"] = "Query was interrupted: nimbus stopped while it ran";
      status["CompletionDateTime"] = static_cast<double>(clock_.now_ms()) / 1000.0;
      status["AthenaError"] = {{"ErrorCategory", 1}, {"ErrorType", 100}, {"Retryable", true},
                               {"ErrorMessage", status["StateChangeReason"]}};
    });
  }
}

void AthenaService::stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard lock(running_mutex_);
    for (auto& [id, session] : running_) session->interrupt();
  }
  if (sessions_) sessions_->clear();
  for (auto* pool : {&planning_pool_, &engine_pool_}) {
    if (*pool) {
      (*pool)->join();
      pool->reset();
    }
  }
  sessions_.reset();
}

awaitable<void> AthenaService::reset() {
  {
    std::lock_guard lock(running_mutex_);
    for (auto& [id, session] : running_) session->interrupt();
  }
  work_groups_.clear();
  queries_.clear();
  named_queries_.clear();
  prepared_.clear();
  co_await store_.wipe(kSpace);
  std::error_code ignored;
  std::filesystem::remove_all(files_dir_ / "results", ignored);
}

Json AthenaService::health() const {
  return {{"state", "running"},
          {"work_groups", work_groups_.list("").size()},
          {"queries", queries_.list("").size()},
          {"named_queries", named_queries_.list("").size()},
          {"prepared_statements", prepared_.list("").size()},
          {"queries_run", queries_run_.load()},
          {"queries_running", running_count()}};
}

size_t AthenaService::running_count() const {
  std::lock_guard lock(running_mutex_);
  return running_.size();
}

bool AthenaService::is_settling(const std::string& key) const {
  std::lock_guard lock(running_mutex_);
  return settling_.contains(key);
}

Json AthenaService::query_record(const RequestContext& context, const std::string& id) const {
  auto record = queries_.get(context.account_id + "/" + context.region + "/" + id);
  if (!record) throw errors::query_not_found(id);
  return *record;
}

std::filesystem::path AthenaService::results_dir(const RequestContext& context) const {
  return files_dir_ / "results" / context.account_id / context.region;
}

}  // namespace nimbus::athena
