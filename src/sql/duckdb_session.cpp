#include "sql/duckdb_session.h"

#include <duckdb.h>

#include <optional>

namespace nimbus::sql {

namespace {

EngineError::Kind kind_of(std::string_view message) {
  if (message.starts_with("Parser Error")) return EngineError::Kind::Parser;
  if (message.starts_with("Catalog Error")) return EngineError::Kind::Catalog;
  if (message.starts_with("Binder Error")) return EngineError::Kind::Binder;
  if (message.starts_with("Conversion Error") || message.starts_with("Invalid Input Error")) {
    return EngineError::Kind::Conversion;
  }
  if (message.starts_with("IO Error")) return EngineError::Kind::Io;
  if (message.starts_with("INTERRUPT Error")) return EngineError::Kind::Interrupted;
  return EngineError::Kind::Other;
}

// Owns a duckdb_result, whatever the outcome.
struct Result {
  duckdb_result value{};
  ~Result() { duckdb_destroy_result(&value); }
};

std::string quoted_setting(const std::string& value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

DuckDbSession::DuckDbSession(const EngineLimits& limits) {
  duckdb_config config = nullptr;
  if (duckdb_create_config(&config) != DuckDBSuccess) throw EngineError(EngineError::Kind::Other, "duckdb config");
  duckdb_set_config(config, "memory_limit", limits.memory_limit.c_str());
  duckdb_set_config(config, "threads", std::to_string(limits.threads).c_str());
  // Nothing is fetched at run time: extensions are the ones built in.
  duckdb_set_config(config, "autoinstall_known_extensions", "false");
  duckdb_set_config(config, "autoload_known_extensions", "false");
  char* error = nullptr;
  auto state = duckdb_open_ext(nullptr, &database_, config, &error);
  duckdb_destroy_config(&config);
  if (state != DuckDBSuccess) {
    std::string message = error ? error : "duckdb open";
    duckdb_free(error);
    throw EngineError(EngineError::Kind::Other, message);
  }
  if (duckdb_connect(database_, &connection_) != DuckDBSuccess) {
    duckdb_close(&database_);
    throw EngineError(EngineError::Kind::Other, "duckdb connect");
  }
  if (!limits.spill_dir.empty()) execute("SET temp_directory = " + quoted_setting(limits.spill_dir.string()));
  execute("PRAGMA enable_profiling = 'no_output'");
}

DuckDbSession::~DuckDbSession() {
  duckdb_disconnect(&connection_);
  duckdb_close(&database_);
}

void DuckDbSession::execute(const std::string& sql) {
  Result result;
  if (duckdb_query(connection_, sql.c_str(), &result.value) != DuckDBSuccess) {
    std::string message = duckdb_result_error(&result.value);
    throw EngineError(kind_of(message), message);
  }
}

std::vector<std::vector<std::optional<std::string>>> DuckDbSession::rows(const std::string& sql) {
  Result result;
  if (duckdb_query(connection_, sql.c_str(), &result.value) != DuckDBSuccess) {
    std::string message = duckdb_result_error(&result.value);
    throw EngineError(kind_of(message), message);
  }
  std::vector<std::vector<std::optional<std::string>>> out;
  idx_t row_count = duckdb_row_count(&result.value);
  idx_t column_count = duckdb_column_count(&result.value);
  for (idx_t row = 0; row < row_count; ++row) {
    auto& values = out.emplace_back();
    for (idx_t column = 0; column < column_count; ++column) {
      if (duckdb_value_is_null(&result.value, column, row)) {
        values.emplace_back();
        continue;
      }
      char* text = duckdb_value_varchar(&result.value, column, row);
      values.emplace_back(text ? text : "");
      duckdb_free(text);
    }
  }
  return out;
}

void DuckDbSession::check(const std::string& query) {
  duckdb_prepared_statement prepared = nullptr;
  auto state = duckdb_prepare(connection_, query.c_str(), &prepared);
  std::string message = state == DuckDBSuccess ? "" : duckdb_prepare_error(prepared);
  duckdb_destroy_prepare(&prepared);
  if (state != DuckDBSuccess) throw EngineError(kind_of(message), message);
}

std::vector<ColumnInfo> DuckDbSession::describe(const std::string& query) {
  std::vector<ColumnInfo> columns;
  for (auto& row : rows("DESCRIBE " + query)) {
    columns.push_back({row.at(0).value_or(""), row.at(1).value_or("")});
  }
  return columns;
}

int64_t DuckDbSession::metric(const char* name) {
  duckdb_profiling_info info = duckdb_get_profiling_info(connection_);
  if (!info) return 0;
  duckdb_value value = duckdb_profiling_info_get_value(info, name);
  if (!value) return 0;
  char* text = duckdb_get_varchar(value);
  int64_t number = 0;
  try {
    number = static_cast<int64_t>(std::stod(text ? text : "0"));
  } catch (const std::exception&) {
  }
  duckdb_free(text);
  duckdb_destroy_value(&value);
  return number;
}

void DuckDbSession::interrupt() { duckdb_interrupt(connection_); }

}  // namespace nimbus::athena
