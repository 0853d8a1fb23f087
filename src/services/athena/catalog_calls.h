#pragma once
// What Athena's DDL and utility statements (hive_ddl.h) do to the Glue Data Catalog: every change
// and read through Glue's own operations (and S3's ListObjectsV2 for MSCK REPAIR TABLE), as a
// client would, so Glue and Athena always agree. Failures are QueryFailures with Hive's texts
// (ErrorType 1003, "FAILED: SemanticException [Error 10001]: Table not found t").

#include <optional>
#include <string>
#include <vector>

#include "delivery/outbox.h"
#include "services/athena/athena_service.h"
#include "services/athena/hive_ddl.h"
#include "services/athena/query_failure.h"

namespace nimbus::athena {

// A call's answer, or the AwsError the service threw.
struct CallAnswer {
  Json value;
  std::optional<AwsError> error;
  bool not_found() const { return error && error->code == "EntityNotFoundException"; }
  bool already_exists() const { return error && error->code == "AlreadyExistsException"; }
};

struct CatalogCalls {
  const delivery::Outbox::Invoke& call;
  RequestContext& context;
  std::string default_database;  // the query's (QueryExecutionContext), lowercased
  int64_t now_seconds = 0;

  // The service's operation; its AwsError is answered, not thrown.
  // (Always name the awaitable before co_await: `auto pending = calls.glue(...); co_await std::move(pending);`.)
  awaitable<CallAnswer> invoke(const char* service, const char* operation, Json input);
  awaitable<CallAnswer> glue(const char* operation, Json input) { return invoke("glue", operation, std::move(input)); }
  // Glue's table for the statement; fails "Table not found" when Glue has none.
  awaitable<Json> table(const HiveStatement& statement);
  // Every page of a Glue listing (GetDatabases, GetTables, GetPartitions): the members' items.
  awaitable<std::vector<Json>> list_all(const char* operation, Json input, const char* member);

  std::string database_of(const HiveStatement& statement) const {
    return statement.database.empty() ? default_database : statement.database;
  }
};

// How Hive prefixes what the metastore (Glue) refused.
inline constexpr const char* kDdlTaskError =
    "Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. ";

// A DDL statement that failed: category 2, type 1003, "FAILED: <message>".
QueryFailure ddl_failure(const std::string& message);
// The table's name as the statement wrote it ("t" or "db.t"), for messages.
std::string written_name(const HiveStatement& statement);
QueryFailure table_not_found(const HiveStatement& statement);
QueryFailure database_not_found(const std::string& database);
// An unexpected Glue error: its code and message as Hive's DDLTask reports it.
QueryFailure ddl_task_failure(const AwsError& error);

// A statement answering one text column: each line a row, the lines as the output text.
StatementOutcome lines_outcome(const std::string& column, const std::vector<std::string>& lines);

// Creates the partitions (PartitionInput objects) of Glue's `table` in batches; ones that exist
// already are left as they are, any other refusal fails the statement.
awaitable<void> create_partitions(CatalogCalls& calls, const Json& table, const std::vector<Json>& inputs);

// catalog_partitions.cpp: MSCK REPAIR TABLE, ALTER TABLE ADD/DROP PARTITION, SHOW PARTITIONS.
awaitable<StatementOutcome> run_partition_statement(CatalogCalls& calls, const HiveStatement& statement);
// catalog_show.cpp: SHOW DATABASES/TABLES/COLUMNS/CREATE TABLE/TBLPROPERTIES, DESCRIBE.
awaitable<StatementOutcome> run_show_statement(CatalogCalls& calls, const HiveStatement& statement);

}  // namespace nimbus::athena
