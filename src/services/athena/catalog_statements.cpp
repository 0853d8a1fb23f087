// DDL and utility statements, run against the Glue Data Catalog through Glue's operations: the
// statement is parsed (hive_ddl.h), then CREATE/DROP DATABASE and CREATE/DROP TABLE here,
// partitions in catalog_partitions.cpp, SHOW and DESCRIBE in catalog_show.cpp.
#include "services/athena/catalog_calls.h"
#include "services/athena/hive_ddl.h"
#include "services/athena/hive_ddl_glue.h"
#include "services/athena/query_failure.h"
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

namespace {

awaitable<StatementOutcome> create_database(CatalogCalls& calls, const HiveStatement& statement) {
  Json input = {{"DatabaseInput", database_input(statement)}};
  auto pending = calls.glue("CreateDatabase", input);
  CallAnswer answer = co_await std::move(pending);
  if (answer.already_exists()) {
    if (statement.if_exists) co_return StatementOutcome{};
    throw ddl_failure(std::string(kDdlTaskError) + "AlreadyExistsException(message:Database " + statement.database +
                      " already exists)");
  }
  if (answer.error) throw ddl_task_failure(*answer.error);
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> drop_database(CatalogCalls& calls, const HiveStatement& statement) {
  if (statement.database == "default") {
    throw ddl_failure(std::string(kDdlTaskError) + "MetaException(message:Can not drop default database)");
  }
  Json name = {{"Name", statement.database}};
  auto getting = calls.glue("GetDatabase", name);
  CallAnswer found = co_await std::move(getting);
  if (found.not_found()) {
    if (statement.if_exists) co_return StatementOutcome{};
    throw database_not_found(statement.database);
  }
  if (found.error) throw ddl_task_failure(*found.error);
  if (!statement.cascade) {
    Json request = {{"DatabaseName", statement.database}, {"MaxResults", 1}};
    auto listing = calls.glue("GetTables", request);
    CallAnswer tables = co_await std::move(listing);
    if (tables.error) throw ddl_task_failure(*tables.error);
    if (!tables.value.value("TableList", Json::array()).empty()) {
      throw ddl_failure(std::string(kDdlTaskError) + "InvalidOperationException(message:Database " +
                        statement.database + " is not empty. One or more tables exist.)");
    }
  }
  // Glue's DeleteDatabase takes the database's tables and partitions with it.
  auto deleting = calls.glue("DeleteDatabase", name);
  CallAnswer deleted = co_await std::move(deleting);
  if (deleted.error && !(deleted.not_found() && statement.if_exists)) throw ddl_task_failure(*deleted.error);
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> create_table(CatalogCalls& calls, const HiveStatement& statement) {
  std::string database = calls.database_of(statement);
  Json input = {{"DatabaseName", database}, {"TableInput", table_input(statement, calls.now_seconds)}};
  auto pending = calls.glue("CreateTable", input);
  CallAnswer answer = co_await std::move(pending);
  if (answer.already_exists()) {
    if (statement.if_exists) co_return StatementOutcome{};
    throw ddl_failure(std::string(kDdlTaskError) + "AlreadyExistsException(message:Table " + statement.table +
                      " already exists)");
  }
  if (answer.not_found()) throw database_not_found(database);
  if (answer.error) throw ddl_task_failure(*answer.error);
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> drop_table(CatalogCalls& calls, const HiveStatement& statement) {
  std::string database = calls.database_of(statement);
  Json input = {{"DatabaseName", database}, {"Name", statement.table}};
  auto pending = calls.glue("DeleteTable", input);
  CallAnswer answer = co_await std::move(pending);
  if (answer.not_found()) {
    if (statement.if_exists) co_return StatementOutcome{};
    if (answer.error->message.starts_with("Database")) throw database_not_found(database);
    throw table_not_found(statement);
  }
  if (answer.error) throw ddl_task_failure(*answer.error);
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> run_statement(CatalogCalls& calls, const HiveStatement& statement) {
  switch (statement.kind) {
    case HiveStatementKind::CreateDatabase:
      return create_database(calls, statement);
    case HiveStatementKind::DropDatabase:
      return drop_database(calls, statement);
    case HiveStatementKind::CreateTable:
      return create_table(calls, statement);
    case HiveStatementKind::DropTable:
      return drop_table(calls, statement);
    case HiveStatementKind::RepairTable:
    case HiveStatementKind::AddPartitions:
    case HiveStatementKind::DropPartitions:
    case HiveStatementKind::ShowPartitions:
      return run_partition_statement(calls, statement);
    default:
      return run_show_statement(calls, statement);
  }
}

}  // namespace

awaitable<CallAnswer> CatalogCalls::invoke(const char* service, const char* operation, Json input) {
  delivery::Target target{service, operation, context.account_id, context.region, std::move(input)};
  CallAnswer answer;
  try {
    auto pending = call(target, context);
    answer.value = co_await std::move(pending);
  } catch (const AwsError& error) {
    answer.error = error;
  }
  co_return answer;
}

awaitable<Json> CatalogCalls::table(const HiveStatement& statement) {
  std::string database = database_of(statement);
  Json input = {{"DatabaseName", database}, {"Name", statement.table}};
  auto pending = glue("GetTable", input);
  CallAnswer answer = co_await std::move(pending);
  if (answer.not_found()) {
    if (answer.error->message.starts_with("Database")) throw database_not_found(database);
    throw table_not_found(statement);
  }
  if (answer.error) throw ddl_task_failure(*answer.error);
  co_return answer.value.value("Table", Json::object());
}

awaitable<std::vector<Json>> CatalogCalls::list_all(const char* operation, Json input, const char* member) {
  std::vector<Json> items;
  std::optional<std::string> token;
  do {
    Json request = input;
    if (token) request["NextToken"] = *token;
    auto pending = glue(operation, request);
    CallAnswer page = co_await std::move(pending);
    if (page.error) throw *page.error;
    for (auto& item : page.value.value(member, Json::array())) items.push_back(std::move(item));
    token.reset();
    if (page.value.contains("NextToken") && page.value["NextToken"].is_string()) {
      token = page.value["NextToken"].get<std::string>();
    }
  } while (token);
  co_return items;
}

QueryFailure ddl_failure(const std::string& message) { return QueryFailure{2, 1003, "FAILED: " + message}; }

std::string written_name(const HiveStatement& statement) {
  return statement.database.empty() ? statement.table : statement.database + "." + statement.table;
}

QueryFailure table_not_found(const HiveStatement& statement) {
  return ddl_failure("SemanticException [Error 10001]: Table not found " + written_name(statement));
}

QueryFailure database_not_found(const std::string& database) {
  return ddl_failure("SemanticException [Error 10072]: Database does not exist: " + database);
}

QueryFailure ddl_task_failure(const AwsError& error) {
  return ddl_failure(std::string(kDdlTaskError) + error.code + "(message:" + error.message + ")");
}

StatementOutcome lines_outcome(const std::string& column, const std::vector<std::string>& lines) {
  StatementOutcome outcome;
  outcome.columns.emplace_back(column, "VARCHAR");
  for (const auto& line : lines) {
    outcome.rows.push_back({line});
    outcome.text += line + "\n";
  }
  return outcome;
}

awaitable<StatementOutcome> AthenaService::run_catalog_statement(RequestContext& context, const std::string& statement,
                                                                 const std::string& database,
                                                                 const std::string& work_group) {
  // PREPARE / DEALLOCATE PREPARE: the work group's prepared statements (prepared_statement_ops.cpp).
  if (auto keyword = first_keyword(statement); keyword == "PREPARE" || keyword == "DEALLOCATE") {
    auto preparing = run_prepare_statement(context, statement, work_group);
    co_return co_await std::move(preparing);
  }
  std::optional<QueryFailure> failure;
  HiveStatement parsed;
  try {
    parsed = parse_hive_ddl(statement);
  } catch (const DdlError& error) {
    failure = QueryFailure{error.category(), error.type(), error.what()};
  }
  if (failure) throw *failure;
  CatalogCalls calls{call_, context, database, clock_.now_seconds()};
  StatementOutcome outcome;
  try {
    auto running = run_statement(calls, parsed);
    outcome = co_await std::move(running);
  } catch (const QueryFailure&) {
    throw;
  } catch (const AwsError& error) {
    failure = ddl_task_failure(error);
  } catch (const std::exception& error) {
    failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
  }
  if (failure) throw *failure;
  co_return outcome;
}

}  // namespace nimbus::athena
