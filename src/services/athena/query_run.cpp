// A query from QUEUED to its end: plan (which catalog tables it reads), gather those tables'
// objects from S3 where they lie, run it in its own DuckDB on the engine pool writing Athena's
// CSV, put the CSV at the output location through S3's PutObject, and store the end state.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <set>

#include "services/athena/athena_service.h"
#include "sql/duckdb_session.h"
#include "services/athena/query_failure.h"
#include "services/athena/session_pool.h"
#include "services/athena/work_group_slots.h"
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

namespace asio = boost::asio;

namespace {

struct Outcome {
  std::vector<std::pair<std::string, std::string>> columns;
  int64_t rows = 0;
  int64_t bytes_scanned = 0;
  int64_t engine_ms = 0;
};

// Binds the statement (errors point into the user's text) and answers its columns.
awaitable<std::vector<sql::ColumnInfo>> describe(std::shared_ptr<DuckDbSession> session, std::string sql) {
  session->check(sql);
  co_return session->describe(sql);
}

// Runs the statement into Athena's CSV (header, every value quoted, NULL as nothing).
awaitable<Outcome> execute(std::shared_ptr<DuckDbSession> session, std::string sql, std::filesystem::path result_file) {
  ::nimbus::sql::run_in_background();
  auto started = std::chrono::steady_clock::now();
  Outcome outcome;
  std::filesystem::create_directories(result_file.parent_path());
  session->start_reading();
  auto count = session->rows("COPY (" + sql + ") TO " + quote_literal(result_file.string()) +
                             " (FORMAT csv, HEADER true, FORCE_QUOTE *)");
  outcome.rows = std::stoll(count.at(0).at(0).value_or("0"));
  outcome.bytes_scanned = session->bytes_read();
  outcome.engine_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  co_return outcome;
}

QueryFailure output_failure(const AwsError& error, const std::string& bucket) {
  return QueryFailure{1, 401, error.code == "NoSuchBucket"
                                  ? "Unable to verify/create output bucket " + bucket
                                  : "Unable to write query results to " + bucket + ": " + error.message};
}

}  // namespace

awaitable<std::optional<QueryFailure>> AthenaService::put_result(RequestContext& context, const Json& record,
                                                                  Json body) {
  auto [bucket, key] = split_s3(record["ResultConfiguration"]["OutputLocation"].get<std::string>());
  body["Bucket"] = bucket;
  body["Key"] = key;
  std::optional<AwsError> refused;
  try {
    delivery::Target put{"s3", "PutObject", context.account_id, context.region, std::move(body)};
    co_await call_(put, context);
  } catch (const AwsError& error) {
    refused = error;
  }
  if (!refused) co_return std::nullopt;
  co_return output_failure(*refused, bucket);
}

void AthenaService::mark_running(const std::string& key, int64_t submitted) {
  // Not awaited: a query found RUNNING or QUEUED after a crash ends FAILED either way.
  queries_.update(key, [&](std::optional<Json>& record) {
    if (!record || (*record)["Status"].value("State", "") != "QUEUED") return;
    (*record)["Status"]["State"] = "RUNNING";
    (*record)["Statistics"]["QueryQueueTimeInMillis"] = clock_.now_ms() - submitted;
  });
}

awaitable<void> AthenaService::settle(const std::string& key, const std::function<void(Json& record)>& change) {
  {
    std::lock_guard lock(running_mutex_);
    settling_.insert(key);
  }
  auto updated = queries_.update(key, [&](std::optional<Json>& record) {
    if (!record || (*record)["Status"].value("State", "") == "CANCELLED") return;
    change(*record);
  });
  co_await updated.first->wait();
  std::lock_guard lock(running_mutex_);
  settling_.erase(key);
}

awaitable<void> AthenaService::run_query(RequestContext context, std::string id) {
  std::string key = context.account_id + "/" + context.region + "/" + id;
  auto stored = queries_.get(key);
  if (!stored || (*stored)["Status"].value("State", "") != "QUEUED") co_return;
  Json record = *stored;
  int64_t submitted = record.value("_Submitted", int64_t{0});
  std::string database = record["QueryExecutionContext"].value("Database", "default");
  std::transform(database.begin(), database.end(), database.begin(), [](unsigned char c) { return std::tolower(c); });
  std::vector<std::string> parameters;
  for (const auto& parameter : record.value("ExecutionParameters", Json::array())) parameters.push_back(parameter);

  std::optional<QueryFailure> failure;
  std::string sql;
  std::string query = record["Query"].get<std::string>();
  try {
    if (auto expanded = expand_prepared(context, record.value("WorkGroup", "primary"), query, parameters)) {
      query = *expanded;
      parameters.clear();
    }
  } catch (const QueryFailure& error) {
    failure = error;
  }
  try {
    if (!failure && record.value("StatementType", "DML") == "DML") sql = to_duckdb_sql(query, parameters);
  } catch (const std::invalid_argument&) {
    failure = QueryFailure{2, 1000, "Query parameter count mismatch: the query's ? placeholders and "
                                    "ExecutionParameters differ in number"};
  }

  // Statements that change the catalog or write tables (INSERT INTO is DML) run as statements.
  if (!failure && (record.value("StatementType", "DML") != "DML" || first_keyword(record["Query"].get<std::string>()) == "INSERT")) {
    co_await run_catalog_query(context, record, database);
    co_return;
  }

  auto scratch = files_dir_ / "scratch" / id;
  auto spill_dir = files_dir_ / "spill" / id;
  Outcome outcome;
  auto result_file = results_dir(context) / (id + ".csv");
  bool over_cutoff = false;
  std::shared_ptr<void> slot;
  if (!failure) {
    auto acquiring = slots_->acquire(context.account_id + "/" + context.region + "/" +
                                     record.value("WorkGroup", "primary"));
    slot = co_await std::move(acquiring);
    // Stopped while it waited for its slot.
    auto now_stored = queries_.get(key);
    if (!now_stored || (*now_stored)["Status"].value("State", "") != "QUEUED") co_return;
    mark_running(key, submitted);
    try {
      auto preparing = session_for(context, key, sql, database, scratch, spill_dir);
      auto session = co_await std::move(preparing);
      auto describing = asio::co_spawn(*planning_pool_, describe(session, sql), asio::use_awaitable);
      auto columns = co_await std::move(describing);
      auto executing = asio::co_spawn(*engine_pool_, execute(session, sql, result_file), asio::use_awaitable);
      outcome = co_await std::move(executing);
      for (auto& column : columns) outcome.columns.emplace_back(column.name, column.duckdb_type);
      over_cutoff = record.contains("_BytesCutoff") && outcome.bytes_scanned > record["_BytesCutoff"].get<int64_t>();
    } catch (const QueryFailure& error) {
      failure = error;
    } catch (const EngineError& error) {
      failure = failure_from_engine(error, database);
    } catch (const std::exception& error) {
      failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
    }
  }
  {
    std::lock_guard lock(running_mutex_);
    running_.erase(key);
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  std::filesystem::remove_all(spill_dir, ignored);

  if (over_cutoff) {
    // The work group's BytesScannedCutoffPerQuery: Athena cancels such a query.
    std::filesystem::remove(result_file, ignored);
    std::function<void(Json&)> cancelled = [&](Json& r) {
      r["Status"]["State"] = "CANCELLED";
      r["Status"]["CompletionDateTime"] = static_cast<double>(clock_.now_ms()) / 1000.0;
      r["Status"]["StateChangeReason"] = "Query cancelled! : Bytes scanned limit was exceeded";
      r["Statistics"]["DataScannedInBytes"] = outcome.bytes_scanned;
    };
    co_await settle(key, cancelled);
    co_return;
  }
  if (!failure) {
    auto putting = put_result(context, record, Json{{"ContentType", "text/csv"}, {"_BodyFile", result_file.string()}});
    failure = co_await std::move(putting);
  }

  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  int64_t total_ms = clock_.now_ms() - submitted;
  if (failure) {
    std::filesystem::remove(result_file, ignored);
    std::function<void(Json&)> failed = [&](Json& r) {
      r["Status"]["State"] = "FAILED";
      r["Status"]["CompletionDateTime"] = now;
      r["Status"]["StateChangeReason"] = failure->message;
      r["Status"]["AthenaError"] = failure->athena_error();
      r["Statistics"]["TotalExecutionTimeInMillis"] = total_ms;
    };
    co_await settle(key, failed);
    co_return;
  }
  std::error_code size_error;
  auto result_bytes = std::filesystem::file_size(result_file, size_error);
  std::function<void(Json&)> succeeded = [&](Json& r) {
    r["Status"]["State"] = "SUCCEEDED";
    r["Status"]["CompletionDateTime"] = now;
    auto& statistics = r["Statistics"];
    statistics["EngineExecutionTimeInMillis"] = outcome.engine_ms;
    statistics["QueryPlanningTimeInMillis"] = 0;
    statistics["DataScannedInBytes"] = outcome.bytes_scanned;
    statistics["TotalExecutionTimeInMillis"] = total_ms;
    statistics["ServiceProcessingTimeInMillis"] =
        std::max<int64_t>(0, total_ms - outcome.engine_ms - statistics.value("QueryQueueTimeInMillis", int64_t{0}));
    Json columns = Json::array();
    for (const auto& [name, type] : outcome.columns) columns.push_back({name, type});
    r["_Columns"] = columns;
    r["_Rows"] = outcome.rows;
    r["_ResultFile"] = result_file.string();
    r["_ResultBytes"] = size_error ? 0 : result_bytes;
  };
  co_await settle(key, succeeded);
}

}  // namespace nimbus::athena
