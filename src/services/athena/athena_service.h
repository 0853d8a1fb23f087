#pragma once
// Amazon Athena (2017-05-18, json 1.1, model-driven) over in-process DuckDB. Queries read the
// Glue Data Catalog (glue's own operations) and the objects of nimbus's S3 where S3 keeps them
// (s3's GetObject with _InPlace, table_source.h); results go to the output location through S3's
// PutObject, and GetQueryResults pages the copy Athena keeps (result_pages.h).
//
// Execution: StartQueryExecution stores the query QUEUED and answers; a coroutine on the I/O
// executor gathers the catalog and object locations; the engine work runs off the I/O threads:
// planning and binding on the planning pool, scanning and writing results on the engine pool in
// the idle scheduling class, kConcurrentQueries at a time (kQueriesPerWorkGroup of one work group).
// Each query has a DuckDB database of its own with a memory limit, spilling under the data dir.
// A query still QUEUED or RUNNING when nimbus stops ends FAILED at the next start.
//
// State: records in storage::RecordTable (space "athena"): work groups, query executions, named
// queries, prepared statements.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <atomic>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "delivery/outbox.h"
#include "services/athena/query_failure.h"
#include "services/athena/table_source.h"
#include "services/service.h"
#include "storage/record_table.h"

namespace nimbus::sql {
class DuckDbSession;
}

namespace nimbus::athena {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

using sql::DuckDbSession;

struct AthenaDeps {
  storage::Store& store;
  Clock& clock;
  std::filesystem::path files_dir;
  // Calls another service's operation as a client would (ServiceRegistry::call).
  delivery::Outbox::Invoke call;
};

// What a DDL or utility statement answers (SHOW TABLES' names, DESCRIBE's lines; nothing for
// CREATE): its columns (name, DuckDB type name for column_info) and rows, without a header row, and
// the text Athena writes to the output location as <id>.txt.
struct StatementOutcome {
  std::vector<std::pair<std::string, std::string>> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::string text;
  int64_t update_count = 0;  // rows a CTAS or INSERT INTO wrote
};

struct WriteStatement;

class SessionPool;
class WorkGroupSlots;

class AthenaService final : public Service {
 public:
  static constexpr int kConcurrentQueries = 8;
  static constexpr size_t kQueriesPerWorkGroup = 4;
  static constexpr int kPlanningThreads = 2;

  explicit AthenaService(AthenaDeps deps);
  ~AthenaService() override;

  std::string_view name() const override { return "athena"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override;
  awaitable<void> reset() override;
  Json health() const override;

 private:
  using Handler = awaitable<Json> (AthenaService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // query_ops.cpp
  awaitable<Json> start_query_execution(RequestContext& context, const Json& in);
  awaitable<Json> get_query_execution(RequestContext& context, const Json& in);
  awaitable<Json> batch_get_query_execution(RequestContext& context, const Json& in);
  awaitable<Json> list_query_executions(RequestContext& context, const Json& in);
  awaitable<Json> stop_query_execution(RequestContext& context, const Json& in);
  awaitable<Json> get_query_results(RequestContext& context, const Json& in);
  awaitable<Json> get_query_runtime_statistics(RequestContext& context, const Json& in);
  // workgroup_ops.cpp
  awaitable<Json> create_work_group(RequestContext& context, const Json& in);
  awaitable<Json> get_work_group(RequestContext& context, const Json& in);
  awaitable<Json> list_work_groups(RequestContext& context, const Json& in);
  awaitable<Json> update_work_group(RequestContext& context, const Json& in);
  awaitable<Json> delete_work_group(RequestContext& context, const Json& in);
  // catalog_ops.cpp
  awaitable<Json> list_data_catalogs(RequestContext& context, const Json& in);
  awaitable<Json> get_data_catalog(RequestContext& context, const Json& in);
  awaitable<Json> list_databases(RequestContext& context, const Json& in);
  awaitable<Json> get_database(RequestContext& context, const Json& in);
  awaitable<Json> list_table_metadata(RequestContext& context, const Json& in);
  awaitable<Json> get_table_metadata(RequestContext& context, const Json& in);
  // named_query_ops.cpp
  awaitable<Json> create_named_query(RequestContext& context, const Json& in);
  awaitable<Json> get_named_query(RequestContext& context, const Json& in);
  awaitable<Json> batch_get_named_query(RequestContext& context, const Json& in);
  awaitable<Json> list_named_queries(RequestContext& context, const Json& in);
  awaitable<Json> update_named_query(RequestContext& context, const Json& in);
  awaitable<Json> delete_named_query(RequestContext& context, const Json& in);
  // prepared_statement_ops.cpp
  awaitable<Json> create_prepared_statement(RequestContext& context, const Json& in);
  awaitable<Json> get_prepared_statement(RequestContext& context, const Json& in);
  awaitable<Json> batch_get_prepared_statement(RequestContext& context, const Json& in);
  awaitable<Json> list_prepared_statements(RequestContext& context, const Json& in);
  awaitable<Json> update_prepared_statement(RequestContext& context, const Json& in);
  awaitable<Json> delete_prepared_statement(RequestContext& context, const Json& in);
  // Calls a Glue operation for the catalog views; Glue's errors become MetadataException.
  awaitable<Json> catalog_call(RequestContext& context, const delivery::Target& target);

  // catalog_statements.cpp: a DDL or utility statement (CREATE EXTERNAL TABLE, SHOW, DESCRIBE,
  // MSCK REPAIR TABLE...) run against the Glue catalog through Glue's operations. Throws
  // QueryFailure for a statement that fails.
  // PREPARE and DEALLOCATE PREPARE change the prepared statements of `work_group`.
  awaitable<StatementOutcome> run_catalog_statement(RequestContext& context, const std::string& statement,
                                                    const std::string& database,
                                                    const std::string& work_group = "primary");
  // prepared_statement_ops.cpp: PREPARE name FROM <statement> / DEALLOCATE PREPARE name (the
  // statement's first keyword says which); throws QueryFailure as Athena fails them.
  awaitable<StatementOutcome> run_prepare_statement(const RequestContext& context, const std::string& statement,
                                                    const std::string& work_group);
  // prepared_statement_ops.cpp: for `EXECUTE name [USING v1, ...]`, the stored statement's text
  // with the USING values (or, without USING, `parameters`: the query's ExecutionParameters)
  // in place of its `?`; nullopt when `query` is not an EXECUTE. Throws QueryFailure for an
  // unknown statement or a parameter count that does not match.
  std::optional<std::string> expand_prepared(const RequestContext& context, const std::string& work_group,
                                             const std::string& query,
                                             const std::vector<std::string>& parameters) const;
  // table_write.cpp: CREATE VIEW / DROP VIEW, CTAS and INSERT INTO: the query run in DuckDB, its
  // files put in S3 through PutObject, the catalog changed through Glue's operations. Throws
  // QueryFailure.
  awaitable<StatementOutcome> run_write(RequestContext& context, const Json& record, const WriteStatement& write,
                                        const std::string& database);
  // query_run.cpp: runs a stored QUEUED query to its end state (statement_run.cpp: DDL and utility
  // statements).
  awaitable<void> run_query(RequestContext context, std::string id);
  awaitable<void> run_catalog_query(RequestContext& context, const Json& record, const std::string& database);
  // query_session.cpp: a fresh DuckDB session (registered as running under `key`) in which every
  // catalog table and view `sql` reads is defined and `database` is in use. Throws QueryFailure.
  awaitable<std::shared_ptr<DuckDbSession>> session_for(RequestContext& context, const std::string& key,
                                                        const std::string& sql, const std::string& database,
                                                        const std::filesystem::path& scratch,
                                                        const std::filesystem::path& spill_dir);
  // The objects of a Glue table (all partitions), where S3 keeps them.
  awaitable<std::vector<PartitionData>> table_data(RequestContext& context, const Json& table);
  awaitable<std::vector<DataFile>> list_location(RequestContext& context, const std::string& location);
  // Puts a result (body: "Body" or "_BodyFile", and "ContentType") at the query's output location
  // through S3's PutObject; the failure Athena reports when S3 refuses it.
  awaitable<std::optional<QueryFailure>> put_result(RequestContext& context, const Json& record, Json body);
  // A QUEUED query is RUNNING (in memory at once, stored without waiting).
  void mark_running(const std::string& key, int64_t submitted);
  // Stores the query's end state and waits until it is durable; a query already CANCELLED keeps
  // its state.
  awaitable<void> settle(const std::string& key, const std::function<void(Json& record)>& change);

  // The work group's record (primary exists without one); InvalidRequestException if none.
  Json work_group(const RequestContext& context, const std::string& name) const;
  Json query_record(const RequestContext& context, const std::string& id) const;
  std::filesystem::path results_dir(const RequestContext& context) const;
  // Queries holding a DuckDB session now.
  size_t running_count() const;
  bool is_settling(const std::string& key) const;

  storage::Store& store_;
  Clock& clock_;
  std::filesystem::path files_dir_;
  delivery::Outbox::Invoke call_;
  storage::RecordTable work_groups_;  // key: <account>/<region>/<name>
  storage::RecordTable queries_;      // key: <account>/<region>/<id>
  storage::RecordTable named_queries_;  // key: <account>/<region>/<id>
  storage::RecordTable prepared_;       // key: <account>/<region>/<work group>/<name>
  boost::asio::any_io_executor executor_;
  // Scans and writes run on the engine pool, in the idle scheduling class; the short steps before
  // them (a session taken, the statement planned and bound, tables defined) on the planning pool
  // at normal priority, so a busy machine does not delay them behind every runnable thread.
  std::unique_ptr<boost::asio::thread_pool> engine_pool_;
  std::unique_ptr<boost::asio::thread_pool> planning_pool_;
  std::unique_ptr<SessionPool> sessions_;
  std::unique_ptr<WorkGroupSlots> slots_;
  bool started_ = false;
  // Sessions of running queries, for StopQueryExecution.
  mutable std::mutex running_mutex_;
  std::map<std::string, std::shared_ptr<DuckDbSession>> running_;
  std::set<std::string> settling_;  // queries whose end state is being stored
  std::atomic<int64_t> queries_run_{0};
};

std::unique_ptr<AthenaService> make_athena_service(AthenaDeps deps);

}  // namespace nimbus::athena
