// A DDL or utility statement (or a write: a view, CTAS, INSERT INTO) from QUEUED to its end: run
// against the catalog (catalog_statements.cpp, table_write.cpp), its rows kept for GetQueryResults and its text put at the output
// location as <id>.txt.
#include <fstream>

#include "services/athena/athena_service.h"
#include "services/athena/query_failure.h"
#include "services/athena/write_statement.h"

namespace nimbus::athena {

namespace {

// The local copy of a statement's rows, in the CSV GetQueryResults pages (no header row).
void write_rows(const std::filesystem::path& file, const std::vector<std::vector<std::optional<std::string>>>& rows) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out << ',';
      if (!row[i]) continue;
      out << '"';
      for (char c : *row[i]) out << (c == '"' ? "\"\"" : std::string(1, c));
      out << '"';
    }
    out << '\n';
  }
  if (!out) throw std::runtime_error("results not written");
}

}  // namespace

awaitable<void> AthenaService::run_catalog_query(RequestContext& context, const Json& record, const std::string& database) {
  std::string id = record["QueryExecutionId"].get<std::string>();
  std::string key = context.account_id + "/" + context.region + "/" + id;
  int64_t submitted = record.value("_Submitted", int64_t{0});
  mark_running(key, submitted);
  std::optional<QueryFailure> failure;
  StatementOutcome outcome;
  try {
    std::string statement = record["Query"].get<std::string>();
    std::string group = record.value("WorkGroup", "primary");
    if (auto write = parse_write_statement(statement)) {
      auto writing = run_write(context, record, *write, database);
      outcome = co_await std::move(writing);
    } else {
      auto running = run_catalog_statement(context, statement, database, group);
      outcome = co_await std::move(running);
    }
  } catch (const QueryFailure& error) {
    failure = error;
  } catch (const WriteSyntaxError& error) {
    failure = QueryFailure{2, 1000, std::string("SYNTAX_ERROR: ") + error.what()};
  } catch (const AwsError& error) {
    failure = QueryFailure{2, 1003, "FAILED: " + error.message};
  }
  auto result_file = results_dir(context) / (id + ".csv");
  if (!failure) {
    try {
      write_rows(result_file, outcome.rows);
    } catch (const std::exception& error) {
      failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
    }
  }
  if (!failure) {
    auto putting = put_result(context, record, Json{{"ContentType", "text/plain"}, {"Body", outcome.text}});
    failure = co_await std::move(putting);
  }
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  int64_t total_ms = clock_.now_ms() - submitted;
  std::function<void(Json&)> ended = [&](Json& r) {
    r["Status"]["CompletionDateTime"] = now;
    r["Statistics"]["TotalExecutionTimeInMillis"] = total_ms;
    if (failure) {
      r["Status"]["State"] = "FAILED";
      r["Status"]["StateChangeReason"] = failure->message;
      r["Status"]["AthenaError"] = failure->athena_error();
      return;
    }
    r["Status"]["State"] = "SUCCEEDED";
    Json columns = Json::array();
    for (const auto& [name, type] : outcome.columns) columns.push_back({name, type});
    r["_Columns"] = columns;
    r["_Rows"] = outcome.rows.size();
    r["_UpdateCount"] = outcome.update_count;
    r["_ResultFile"] = result_file.string();
  };
  co_await settle(key, ended);
}

}  // namespace nimbus::athena
