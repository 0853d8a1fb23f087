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
#include "services/athena/trino_dialect.h"

namespace nimbus::athena {

namespace asio = boost::asio;

namespace {

struct TableRef {
  std::string database;
  std::string name;
  bool operator<(const TableRef& other) const { return std::tie(database, name) < std::tie(other.database, other.name); }
};

struct TableView {
  TableRef ref;
  Json table;
  std::vector<PartitionData> partitions;
};

struct Outcome {
  std::vector<std::pair<std::string, std::string>> columns;
  int64_t rows = 0;
  int64_t bytes_scanned = 0;
  int64_t engine_ms = 0;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Every table a statement names (DuckDB's own parse, serialized): catalog-less refs resolve in
// the query's database. Throws EngineError for a statement DuckDB cannot parse.
void collect_tables(const Json& node, const std::string& database, std::set<TableRef>& out) {
  if (node.is_object()) {
    auto type = node.find("type");
    auto table = node.find("table_name");
    if (type != node.end() && *type == "BASE_TABLE" && table != node.end() && table->is_string()) {
      auto schema_name = node.find("schema_name");
      std::string schema = schema_name != node.end() && schema_name->is_string() ? schema_name->get<std::string>() : "";
      out.insert({lower(schema.empty() ? database : schema), lower(table->get<std::string>())});
    }
    for (const auto& [key, value] : node.items()) collect_tables(value, database, out);
  } else if (node.is_array()) {
    for (const auto& value : node) collect_tables(value, database, out);
  }
}

awaitable<std::set<TableRef>> plan(std::shared_ptr<DuckDbSession> session, std::string sql, std::string database) {
  ::nimbus::sql::run_in_background();
  auto rows = session->rows("SELECT json_serialize_sql(" + quote_literal(sql) + ")");
  Json tree = Json::parse(rows.at(0).at(0).value_or("{}"), nullptr, false);
  if (tree.is_discarded() || tree.value("error", false)) {
    std::string message = tree.is_object() ? tree.value("error_message", "cannot parse") : "cannot parse";
    if (message.find("Only SELECT statements") != std::string::npos) {
      throw EngineError(EngineError::Kind::Other, "NOT_SUPPORTED: nimbus runs queries (SELECT, WITH, VALUES) only");
    }
    throw EngineError(EngineError::Kind::Parser, "Parser Error: " + message);
  }
  std::set<TableRef> tables;
  collect_tables(tree, database, tables);
  co_return tables;
}

awaitable<Outcome> execute(std::shared_ptr<DuckDbSession> session, std::vector<TableView> views, std::string sql,
                           std::string database, std::filesystem::path scratch, std::filesystem::path result_file) {
  ::nimbus::sql::run_in_background();
  auto started = std::chrono::steady_clock::now();
  session->execute("ATTACH ':memory:' AS awsdatacatalog");
  std::set<std::string> schemas = {database};
  for (const auto& view : views) schemas.insert(view.ref.database);
  for (const auto& schema : schemas) {
    session->execute("CREATE SCHEMA IF NOT EXISTS awsdatacatalog." + quote_identifier(schema));
  }
  for (size_t i = 0; i < views.size(); ++i) {
    const auto& view = views[i];
    std::string name = "awsdatacatalog." + quote_identifier(view.ref.database) + "." + quote_identifier(view.ref.name);
    session->execute(create_table_view(view.table, view.partitions, scratch / std::to_string(i), name));
  }
  session->execute("USE awsdatacatalog." + quote_identifier(database));
  Outcome outcome;
  session->check(sql);
  for (auto& column : session->describe(sql)) outcome.columns.emplace_back(column.name, column.duckdb_type);
  std::filesystem::create_directories(result_file.parent_path());
  session->start_reading();
  auto count = session->rows("COPY (" + sql + ") TO " + quote_literal(result_file.string()) +
                             " (FORMAT csv, HEADER true, FORCE_QUOTE *)");
  outcome.rows = std::stoll(count.at(0).at(0).value_or("0"));
  outcome.bytes_scanned = session->bytes_read();
  outcome.engine_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  co_return outcome;
}

awaitable<std::shared_ptr<DuckDbSession>> open_session(SessionPool& sessions, boost::asio::thread_pool& pool,
                                                       std::filesystem::path spill_dir) {
  co_return sessions.take(pool, spill_dir);
}

// "s3://bucket/key/prefix" -> bucket, "key/prefix".
std::pair<std::string, std::string> split_s3(const std::string& location) {
  auto rest = location.substr(location.starts_with("s3a://") ? 6 : 5);
  auto slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

// Hive and Athena skip files whose name, or a folder's below the location, starts with _ or .
bool hidden(std::string_view relative) {
  size_t start = 0;
  while (start < relative.size()) {
    if (relative[start] == '_' || relative[start] == '.') return true;
    auto slash = relative.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
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

awaitable<std::vector<DataFile>> AthenaService::list_location(RequestContext& context, const std::string& location) {
  auto [bucket, prefix] = split_s3(location);
  if (!prefix.empty() && !prefix.ends_with("/")) prefix += "/";
  std::vector<DataFile> files;
  std::optional<std::string> token;
  do {
    Json request = {{"Bucket", bucket}, {"Prefix", prefix}};
    if (token) request["ContinuationToken"] = *token;
    delivery::Target list{"s3", "ListObjectsV2", context.account_id, context.region, request};
    Json page = co_await call_(list, context);
    for (const auto& object : page.value("Contents", Json::array())) {
      std::string key = object.value("Key", "");
      if (key.ends_with("/") || hidden(std::string_view(key).substr(prefix.size()))) continue;
      delivery::Target get{"s3", "GetObject", context.account_id, context.region,
                           {{"Bucket", bucket}, {"Key", key}, {"_InPlace", true}}};
      Json found = co_await call_(get, context);
      DataFile file{key.substr(key.rfind('/') + 1), found.value("_BodyFile", ""), std::nullopt};
      if (!found.contains("_BodyFile")) file.bytes = found.value("Body", "");
      files.push_back(std::move(file));
    }
    token.reset();
    if (page.value("IsTruncated", false) && page.contains("NextContinuationToken")) {
      token = page["NextContinuationToken"].get<std::string>();
    }
  } while (token);
  co_return files;
}

awaitable<std::vector<PartitionData>> AthenaService::table_data(RequestContext& context, const Json& table) {
  std::vector<PartitionData> partitions;
  const Json sd = table.value("StorageDescriptor", Json::object());
  if (table.value("PartitionKeys", Json::array()).empty()) {
    PartitionData all;
    std::string location = sd.value("Location", "");
    if (!location.empty()) all.files = co_await list_location(context, location);
    partitions.push_back(std::move(all));
    co_return partitions;
  }
  std::optional<std::string> token;
  do {
    Json request = {{"DatabaseName", table.value("DatabaseName", "")}, {"TableName", table.value("Name", "")}};
    if (token) request["NextToken"] = *token;
    delivery::Target target{"glue", "GetPartitions", context.account_id, context.region, request};
    Json page = co_await call_(target, context);
    for (const auto& partition : page.value("Partitions", Json::array())) {
      PartitionData data;
      for (const auto& value : partition.value("Values", Json::array())) data.values.push_back(value.get<std::string>());
      const Json psd = partition.value("StorageDescriptor", Json::object());
      std::string location = psd.value("Location", "");
      if (!location.empty()) data.files = co_await list_location(context, location);
      partitions.push_back(std::move(data));
    }
    token.reset();
    if (page.contains("NextToken") && page["NextToken"].is_string()) token = page["NextToken"].get<std::string>();
  } while (token);
  co_return partitions;
}

awaitable<void> AthenaService::run_query(RequestContext context, std::string id) {
  std::string key = context.account_id + "/" + context.region + "/" + id;
  auto stored = queries_.get(key);
  if (!stored || (*stored)["Status"].value("State", "") != "QUEUED") co_return;
  Json record = *stored;
  int64_t submitted = record.value("_Submitted", int64_t{0});
  std::string database = lower(record["QueryExecutionContext"].value("Database", "default"));
  std::vector<std::string> parameters;
  for (const auto& parameter : record.value("ExecutionParameters", Json::array())) parameters.push_back(parameter);

  std::optional<QueryFailure> failure;
  std::string sql;
  try {
    sql = to_duckdb_sql(record["Query"].get<std::string>(), parameters);
  } catch (const std::invalid_argument&) {
    failure = QueryFailure{2, 1000, "Query parameter count mismatch: the query's ? placeholders and "
                                    "ExecutionParameters differ in number"};
  }

  if (!failure && record.value("StatementType", "DML") != "DML") {
    co_await run_catalog_query(context, record, database);
    co_return;
  }

  auto scratch = files_dir_ / "scratch" / id;
  auto spill_dir = files_dir_ / "spill" / id;
  std::shared_ptr<DuckDbSession> session;
  std::set<TableRef> tables;
  if (!failure) {
    mark_running(key, submitted);
    try {
      auto opening = asio::co_spawn(*engine_pool_, open_session(*sessions_, *engine_pool_, spill_dir),
                                    asio::use_awaitable);
      session = co_await std::move(opening);
      {
        std::lock_guard lock(running_mutex_);
        running_[key] = session;
      }
      auto planning = asio::co_spawn(*engine_pool_, plan(session, sql, database), asio::use_awaitable);
      tables = co_await std::move(planning);
    } catch (const EngineError& error) {
      failure = failure_from_engine(error, database);
    } catch (const std::exception& error) {
      failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
    }
  }

  std::vector<TableView> views;
  for (auto it = tables.begin(); !failure && it != tables.end(); ++it) {
    std::optional<AwsError> lookup_error;
    Json found;
    try {
      delivery::Target target{"glue", "GetTable", context.account_id, context.region,
                              {{"DatabaseName", it->database}, {"Name", it->name}}};
      found = co_await call_(target, context);
    } catch (const AwsError& error) {
      lookup_error = error;
    }
    // A name the catalog does not know may be a CTE's: DuckDB reports what is really missing.
    if (lookup_error) continue;
    TableView view{*it, found.value("Table", Json::object()), {}};
    try {
      view.partitions = co_await table_data(context, view.table);
    } catch (const AwsError& error) {
      lookup_error = error;
    }
    if (lookup_error) {
      failure = QueryFailure{2, 1000, "HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split of table " + it->database +
                                          "." + it->name + ": " + lookup_error->message + " (Error Code: " +
                                          lookup_error->code + ")"};
      break;
    }
    views.push_back(std::move(view));
  }

  Outcome outcome;
  auto result_file = results_dir(context) / (id + ".csv");
  if (!failure) {
    try {
      auto executing = asio::co_spawn(*engine_pool_, execute(session, std::move(views), sql, database, scratch, result_file),
                                      asio::use_awaitable);
      outcome = co_await std::move(executing);
    } catch (const EngineError& error) {
      failure = failure_from_engine(error, database);
    } catch (const UnsupportedTable& error) {
      failure = QueryFailure{2, 1000, error.what()};
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
