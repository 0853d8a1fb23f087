// SHOW DATABASES / TABLES / COLUMNS / CREATE TABLE / TBLPROPERTIES and DESCRIBE: Glue's catalog
// read through its operations and printed as Hive prints it (hive_ddl_glue.h), one row per line.
#include <algorithm>

#include "services/athena/catalog_calls.h"
#include "services/athena/hive_ddl_glue.h"

namespace nimbus::athena {

namespace {

std::vector<std::string> matching_names(const std::vector<Json>& items, const std::optional<std::string>& pattern) {
  std::vector<std::string> names;
  for (const auto& item : items) {
    std::string name = item.value("Name", "");
    if (!pattern || hive_pattern_match(*pattern, name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

awaitable<StatementOutcome> show_databases(CatalogCalls& calls, const HiveStatement& statement) {
  std::optional<AwsError> error;
  std::vector<Json> databases;
  try {
    auto listing = calls.list_all("GetDatabases", Json::object(), "DatabaseList");
    databases = co_await std::move(listing);
  } catch (const AwsError& failed) {
    error = failed;
  }
  if (error) throw ddl_task_failure(*error);
  co_return lines_outcome("database_name", matching_names(databases, statement.pattern));
}

awaitable<StatementOutcome> show_tables(CatalogCalls& calls, const HiveStatement& statement) {
  std::string database = calls.database_of(statement);
  std::optional<AwsError> error;
  std::vector<Json> tables;
  try {
    Json request = {{"DatabaseName", database}};
    auto listing = calls.list_all("GetTables", request, "TableList");
    tables = co_await std::move(listing);
  } catch (const AwsError& failed) {
    error = failed;
  }
  if (error && error->code == "EntityNotFoundException") throw database_not_found(database);
  if (error) throw ddl_task_failure(*error);
  co_return lines_outcome("tab_name", matching_names(tables, statement.pattern));
}

std::vector<std::string> table_properties(const Json& table, const std::optional<std::string>& property) {
  const Json parameters = table.value("Parameters", Json::object());
  auto text = [](const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); };
  if (property) {
    if (!parameters.contains(*property)) {
      return {"Table " + table.value("Name", "") + " does not have property: " + *property};
    }
    return {text(parameters[*property])};
  }
  std::vector<std::string> lines;
  for (const auto& [key, value] : parameters.items()) lines.push_back(key + "\t" + text(value));
  return lines;
}

}  // namespace

awaitable<StatementOutcome> run_show_statement(CatalogCalls& calls, const HiveStatement& statement) {
  if (statement.kind == HiveStatementKind::ShowDatabases) {
    auto showing = show_databases(calls, statement);
    co_return co_await std::move(showing);
  }
  if (statement.kind == HiveStatementKind::ShowTables) {
    auto showing = show_tables(calls, statement);
    co_return co_await std::move(showing);
  }
  auto getting = calls.table(statement);
  Json table = co_await std::move(getting);
  switch (statement.kind) {
    case HiveStatementKind::ShowColumns:
      co_return lines_outcome("field", show_columns_rows(table));
    case HiveStatementKind::ShowCreateTable:
      co_return lines_outcome("createtab_stmt", show_create_table_lines(table));
    case HiveStatementKind::ShowTblProperties:
      co_return lines_outcome("prpt_name", table_properties(table, statement.property));
    default:
      co_return lines_outcome("col_name", describe_lines(table));
  }
}

}  // namespace nimbus::athena
