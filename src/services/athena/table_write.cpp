// Statements that write through a query: CREATE [OR REPLACE] VIEW and DROP VIEW (Athena's
// VIRTUAL_VIEW tables, the Presto view text in ViewOriginalText), CTAS and INSERT INTO. The query
// runs in its own DuckDB (query_session.cpp) writing files under the query's scratch folder; each
// file is put in S3 through PutObject and the catalog changed through Glue's operations.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <set>

#include "core/crypto.h"
#include "services/athena/athena_service.h"
#include "services/athena/catalog_calls.h"
#include "services/athena/hive_ddl.h"
#include "services/athena/hive_ddl_glue.h"
#include "services/athena/result_pages.h"
#include "services/athena/trino_dialect.h"
#include "services/athena/write_statement.h"
#include "sql/duckdb_session.h"
#include "sql/hive_types.h"

namespace nimbus::athena {

namespace asio = boost::asio;

namespace {

struct Written {
  std::vector<sql::ColumnInfo> columns;
  int64_t rows = 0;
};

// How a table's files are written: DuckDB's COPY options and the Hive storage the catalog records.
struct FileFormat {
  std::string copy_options;  // "FORMAT parquet", "FORMAT csv, DELIMITER ',', ..."
  std::string extension;
  std::string stored_as;  // PARQUET, JSON, TEXTFILE
  std::string delimiter;  // TEXTFILE's field.delim
};

QueryFailure not_supported(const std::string& what) {
  return QueryFailure{2, 1000, "NOT_SUPPORTED: " + what};
}

std::string qualified(const std::string& database, const std::string& name) {
  return "'awsdatacatalog." + database + "." + name + "'";
}

FileFormat ctas_format(const WriteStatement& write) {
  auto find = [&](const char* key) {
    auto found = write.properties.find(key);
    return found == write.properties.end() ? std::string() : found->second;
  };
  std::string format = find("format");
  std::transform(format.begin(), format.end(), format.begin(), [](unsigned char c) { return std::tolower(c); });
  if (format.empty() || format == "parquet") return {"FORMAT parquet", ".parquet", "PARQUET", ""};
  if (format == "json") return {"FORMAT json", ".json", "JSON", ""};
  if (format == "textfile") {
    std::string delimiter = find("field_delimiter");
    if (delimiter.empty()) delimiter = "\x01";
    return {"FORMAT csv, HEADER false, NULLSTR '\\N', DELIMITER " + quote_literal(delimiter.substr(0, 1)), ".txt",
            "TEXTFILE", delimiter.substr(0, 1)};
  }
  throw not_supported("CTAS with format '" + format + "'");
}

// The format an existing table's files are written in (INSERT INTO).
FileFormat table_file_format(const Json& table) {
  auto format = table_format(table);
  if (format == "parquet") return {"FORMAT parquet", ".parquet", "PARQUET", ""};
  if (format == "json") return {"FORMAT json", ".json", "JSON", ""};
  const Json serde = table.value("StorageDescriptor", Json::object()).value("SerdeInfo", Json::object());
  const Json parameters = serde.value("Parameters", Json::object());
  if (format == "csv") {
    std::string separator = parameters.value("separatorChar", ",");
    return {"FORMAT csv, HEADER false, DELIMITER " + quote_literal(separator.substr(0, 1)), ".csv", "", ""};
  }
  std::string delimiter = parameters.value("field.delim", "\x01");
  return {"FORMAT csv, HEADER false, NULLSTR '\\N', DELIMITER " + quote_literal(delimiter.substr(0, 1)), ".txt",
          "TEXTFILE", delimiter.substr(0, 1)};
}

// Runs `select` into files under `out` (Hive partition folders for `partitions`), on the engine
// pool. The select's columns are checked by `check` first.
awaitable<Written> write_files(std::shared_ptr<sql::DuckDbSession> session, std::string select,
                               std::vector<std::string> partitions, FileFormat format, std::filesystem::path out,
                               bool with_data) {
  ::nimbus::sql::run_in_background();
  Written written;
  session->check(select);
  written.columns = session->describe(select);
  if (!with_data) co_return written;
  std::filesystem::create_directories(out);
  std::string target = partitions.empty() ? (out / ("data" + format.extension)).string() : out.string();
  std::string options = format.copy_options;
  if (!partitions.empty()) {
    options += ", PARTITION_BY (";
    for (size_t i = 0; i < partitions.size(); ++i) options += (i ? ", " : "") + quote_identifier(partitions[i]);
    options += ")";
  }
  auto count = session->rows("COPY (" + select + ") TO " + quote_literal(target) + " (" + options + ")");
  written.rows = std::stoll(count.at(0).at(0).value_or("0"));
  co_return written;
}

// The files under `out`, relative ("year=2024/data_0.parquet").
std::vector<std::string> written_files(const std::filesystem::path& out) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(out, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file()) files.push_back(std::filesystem::relative(it->path(), out).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string folder_of(const std::string& relative) {
  auto slash = relative.rfind('/');
  return slash == std::string::npos ? "" : relative.substr(0, slash);
}

std::string with_slash(std::string location) {
  if (!location.ends_with("/")) location += "/";
  return location;
}

}  // namespace

awaitable<StatementOutcome> AthenaService::run_write(RequestContext& context, const Json& record,
                                                     const WriteStatement& write, const std::string& query_database) {
  std::string id = record["QueryExecutionId"].get<std::string>();
  std::string key = context.account_id + "/" + context.region + "/" + id;
  std::string database = write.database.empty() ? query_database : write.database;
  auto scratch = files_dir_ / "scratch" / id;
  auto spill_dir = files_dir_ / "spill" / id;
  auto cleanup = [&] {
    std::lock_guard lock(running_mutex_);
    running_.erase(key);
    std::error_code ignored;
    std::filesystem::remove_all(scratch, ignored);
    std::filesystem::remove_all(spill_dir, ignored);
  };

  // The target as the catalog has it (nullopt when absent).
  std::optional<Json> existing;
  {
    std::optional<AwsError> missing;
    try {
      delivery::Target target{"glue", "GetTable", context.account_id, context.region,
                              {{"DatabaseName", database}, {"Name", write.name}}};
      Json found = co_await call_(target, context);
      existing = found.value("Table", Json::object());
    } catch (const AwsError& error) {
      missing = error;
    }
    if (missing && missing->code != "EntityNotFoundException") throw QueryFailure{2, 1003, "FAILED: " + missing->message};
  }
  bool is_view = existing && existing->value("TableType", "") == "VIRTUAL_VIEW";
  StatementOutcome outcome;

  if (write.kind == WriteStatement::Kind::DropView) {
    if (!existing && write.if_exists) co_return outcome;
    if (!existing) throw QueryFailure{2, 1000, "line 1:1: View " + qualified(database, write.name) + " does not exist"};
    if (!is_view) throw QueryFailure{2, 1000, "line 1:1: " + qualified(database, write.name) + " is a table, not a view"};
    delivery::Target drop{"glue", "DeleteTable", context.account_id, context.region,
                          {{"DatabaseName", database}, {"Name", write.name}}};
    co_await call_(drop, context);
    co_return outcome;
  }
  if (write.kind == WriteStatement::Kind::CreateView && existing && !(is_view && write.or_replace)) {
    throw QueryFailure{2, 1000, "line 1:1: " + std::string(is_view ? "View " : "Table ") +
                                    qualified(database, write.name) + " already exists"};
  }
  if (write.kind == WriteStatement::Kind::CreateTableAs && existing) {
    if (write.if_not_exists) co_return outcome;
    throw QueryFailure{2, 1000, "line 1:1: Table " + qualified(database, write.name) + " already exists"};
  }
  if (write.kind == WriteStatement::Kind::InsertInto && !existing) {
    throw QueryFailure{2, 1000, "TABLE_NOT_FOUND: line 1:1: Table " + qualified(database, write.name) +
                                    " does not exist"};
  }
  if (write.kind == WriteStatement::Kind::InsertInto && is_view) throw not_supported("Inserting into views");

  // Where a new table's files go, and that it is empty (Athena never overwrites data).
  std::string location;
  if (write.kind == WriteStatement::Kind::CreateTableAs) {
    auto external = write.properties.find("external_location");
    if (external != write.properties.end()) {
      location = with_slash(external->second);
      auto [bucket, prefix] = split_s3(location);
      delivery::Target list{"s3", "ListObjectsV2", context.account_id, context.region,
                            {{"Bucket", bucket}, {"Prefix", prefix}, {"MaxKeys", 1}}};
      Json page = co_await call_(list, context);
      if (!page.value("Contents", Json::array()).empty()) {
        throw QueryFailure{2, 1000, "HIVE_PATH_ALREADY_EXISTS: Target directory for table '" + database + "." +
                                        write.name + "' already exists: " + location};
      }
    } else {
      std::string output = record["ResultConfiguration"]["OutputLocation"].get<std::string>();
      location = output.substr(0, output.rfind('/') + 1) + "tables/" + id + "/";
    }
  } else if (write.kind == WriteStatement::Kind::InsertInto) {
    location = with_slash(existing->value("StorageDescriptor", Json::object()).value("Location", ""));
    if (location.size() <= 6) throw QueryFailure{2, 1000, "HIVE_PATH_ALREADY_EXISTS: table has no location"};
  }

  std::string sql;
  try {
    sql = to_duckdb_sql(write.query, {});
  } catch (const std::invalid_argument&) {
    throw QueryFailure{2, 1000, "Query parameter count mismatch"};
  }

  // The target's columns (INSERT INTO) and the select that casts the rows to them.
  FileFormat format;
  std::vector<std::string> partitions;
  std::string select = sql;
  if (write.kind == WriteStatement::Kind::InsertInto) {
    try {
      format = table_file_format(*existing);
    } catch (const UnsupportedTable& error) {
      throw QueryFailure{2, 1000, error.what()};
    }
    std::vector<std::pair<std::string, std::string>> targets;  // name, DuckDB type
    for (const auto& column : existing->value("StorageDescriptor", Json::object()).value("Columns", Json::array())) {
      targets.emplace_back(column.value("Name", ""), duckdb_type(column.value("Type", "string")));
    }
    for (const auto& column : existing->value("PartitionKeys", Json::array())) {
      targets.emplace_back(column.value("Name", ""), duckdb_type(column.value("Type", "string")));
      partitions.push_back(column.value("Name", ""));
    }
    std::vector<std::string> chosen = write.columns;
    if (chosen.empty()) {
      for (const auto& target : targets) chosen.push_back(target.first);
    }
    std::string aliases, casts;
    for (size_t i = 0; i < chosen.size(); ++i) aliases += (i ? ", " : "") + quote_identifier("c" + std::to_string(i));
    for (const auto& [name, type] : targets) {
      auto found = std::find(chosen.begin(), chosen.end(), name);
      std::string value = found == chosen.end() ? "NULL" : quote_identifier("c" + std::to_string(found - chosen.begin()));
      casts += (casts.empty() ? "" : ", ") + std::string("CAST(") + value + " AS " + type + ") AS " + quote_identifier(name);
    }
    select = "SELECT " + casts + " FROM (" + sql + ") AS inserted(" + aliases + ")";
  } else if (write.kind == WriteStatement::Kind::CreateTableAs) {
    format = ctas_format(write);
    partitions = write.partitioned_by;
  }

  mark_running(key, record.value("_Submitted", int64_t{0}));
  std::optional<QueryFailure> failure;
  Written written;
  try {
    auto preparing = session_for(context, key, sql, query_database, scratch, spill_dir);
    auto session = co_await std::move(preparing);
    bool copy = write.kind != WriteStatement::Kind::CreateView && write.with_data;
    auto writing = asio::co_spawn(*engine_pool_, write_files(session, select, partitions, format, scratch / "out", copy),
                                  asio::use_awaitable);
    written = co_await std::move(writing);
  } catch (const QueryFailure& error) {
    failure = error;
  } catch (const sql::EngineError& error) {
    failure = failure_from_engine(error, query_database);
  } catch (const std::exception& error) {
    failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
  }
  if (failure) {
    cleanup();
    throw *failure;
  }

  if (write.kind == WriteStatement::Kind::CreateView) {
    cleanup();
    Json columns = Json::array(), view_columns = Json::array();
    for (const auto& column : written.columns) {
      columns.push_back({{"Name", column.name}, {"Type", sql::hive_type(column.duckdb_type, sql::SourceFormat::Parquet)}});
      view_columns.push_back({{"name", column.name}, {"type", column_info(column.name, column.duckdb_type)["Type"]}});
    }
    Json presto = {{"originalSql", write.query}, {"catalog", "awsdatacatalog"}, {"schema", query_database},
                   {"columns", view_columns}, {"owner", "nimbus"}, {"runAsInvoker", false}, {"properties", Json::object()}};
    Json input = {{"Name", write.name},
                  {"TableType", "VIRTUAL_VIEW"},
                  {"Parameters", {{"presto_view", "true"}, {"comment", "Presto View"}}},
                  {"ViewOriginalText", "/* Presto View: " + crypto::base64_encode(presto.dump()) + " */"},
                  {"ViewExpandedText", "/* Presto View */"},
                  {"PartitionKeys", Json::array()},
                  {"StorageDescriptor", {{"Columns", columns}, {"SerdeInfo", Json::object()}, {"Location", ""}}}};
    delivery::Target put{"glue", existing ? "UpdateTable" : "CreateTable", context.account_id, context.region,
                         {{"DatabaseName", database}, {"TableInput", input}}};
    co_await call_(put, context);
    co_return outcome;
  }

  if (write.kind == WriteStatement::Kind::CreateTableAs) {
    std::vector<std::string> names;
    for (const auto& column : written.columns) names.push_back(column.name);
    if (partitions.size() > names.size() ||
        !std::equal(partitions.begin(), partitions.end(), names.end() - static_cast<long>(partitions.size()))) {
      cleanup();
      throw QueryFailure{2, 1000, "HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table "
                                  "and in the same order as the table properties"};
    }
  }

  // The files, put under the table's location (partition folders kept).
  auto [bucket, prefix] = split_s3(location);
  std::set<std::string> folders;
  auto files = written_files(scratch / "out");
  std::optional<AwsError> put_error;
  for (size_t i = 0; i < files.size() && !put_error; ++i) {
    std::string folder = folder_of(files[i]);
    folders.insert(folder);
    std::string object_key = prefix + (folder.empty() ? "" : folder + "/") + id + "_" + std::to_string(i) +
                             format.extension;
    try {
      delivery::Target put{"s3", "PutObject", context.account_id, context.region,
                           {{"Bucket", bucket}, {"Key", object_key}, {"_BodyFile", (scratch / "out" / files[i]).string()}}};
      co_await call_(put, context);
    } catch (const AwsError& error) {
      put_error = error;
    }
  }
  cleanup();
  if (put_error) {
    throw QueryFailure{2, 1000, "HIVE_PATH_ALREADY_EXISTS: Unable to write to " + location + ": " + put_error->message};
  }

  Json table;
  if (write.kind == WriteStatement::Kind::CreateTableAs) {
    HiveStatement statement;
    statement.kind = HiveStatementKind::CreateTable;
    statement.table = write.name;
    statement.location = location;
    statement.storage.stored_as = format.stored_as;
    if (!format.delimiter.empty()) statement.storage.delimiters.emplace_back("field.delim", format.delimiter);
    for (const auto& column : written.columns) {
      HiveColumn hive{column.name, sql::hive_type(column.duckdb_type, sql::SourceFormat::Parquet), std::nullopt};
      bool key_column = std::find(partitions.begin(), partitions.end(), column.name) != partitions.end();
      (key_column ? statement.partition_keys : statement.columns).push_back(hive);
    }
    table = table_input(statement, clock_.now_seconds());
    delivery::Target create{"glue", "CreateTable", context.account_id, context.region,
                            {{"DatabaseName", database}, {"TableInput", table}}};
    co_await call_(create, context);
  } else {
    table = *existing;
  }

  // New partitions (those that exist already are left as they are).
  if (!partitions.empty()) {
    std::vector<Json> inputs;
    Json descriptor = table.value("StorageDescriptor", Json::object());
    for (const auto& folder : folders) {
      std::vector<std::string> values;
      size_t start = 0;
      while (start <= folder.size() && !folder.empty()) {
        auto end = folder.find('/', start);
        std::string part = folder.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto equals = part.find('=');
        values.push_back(unescape_path_name(equals == std::string::npos ? part : part.substr(equals + 1)));
        if (end == std::string::npos) break;
        start = end + 1;
      }
      if (values.size() != partitions.size()) continue;
      descriptor["Location"] = location + folder + "/";
      inputs.push_back({{"Values", values}, {"StorageDescriptor", descriptor}});
    }
    table["DatabaseName"] = database;
    table["Name"] = write.name;
    CatalogCalls calls{call_, context, database, clock_.now_seconds()};
    auto creating = create_partitions(calls, table, inputs);
    co_await std::move(creating);
  }
  outcome.update_count = written.rows;
  co_return outcome;
}

}  // namespace nimbus::athena
