// The DuckDB session a statement runs in: a fresh database (session_pool.h) in which every catalog
// table the statement reads is a view over its objects where S3 keeps them (table_source.h), and
// every catalog view (Athena's VIRTUAL_VIEW, its Presto text in ViewOriginalText) a DuckDB view
// over its own tables, found the same way.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include "core/crypto.h"
#include "services/athena/athena_service.h"
#include "services/athena/query_failure.h"
#include "services/athena/session_pool.h"
#include "services/athena/trino_dialect.h"
#include "sql/duckdb_session.h"

namespace nimbus::athena {

namespace asio = boost::asio;

namespace {

constexpr int kMaxViewDepth = 16;

struct TableRef {
  std::string database;
  std::string name;
  bool operator<(const TableRef& other) const { return std::tie(database, name) < std::tie(other.database, other.name); }
};

// A catalog table or view a statement reads, with what DuckDB needs to define it.
struct CatalogObject {
  TableRef ref;
  Json table;
  std::vector<PartitionData> partitions;  // a table's objects
  std::optional<std::string> view_sql;    // a view's query, as DuckDB runs it
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

// Defines the objects in the session's catalog `awsdatacatalog` (views after what they read, each
// bound in its own database) and makes `database` the session's.
awaitable<void> define(std::shared_ptr<DuckDbSession> session, std::vector<CatalogObject> objects, std::string database,
                       std::filesystem::path scratch) {
  session->execute("ATTACH ':memory:' AS awsdatacatalog");
  std::set<std::string> schemas = {database};
  for (const auto& object : objects) schemas.insert(object.ref.database);
  for (const auto& schema : schemas) {
    session->execute("CREATE SCHEMA IF NOT EXISTS awsdatacatalog." + quote_identifier(schema));
  }
  for (size_t i = 0; i < objects.size(); ++i) {
    const auto& object = objects[i];
    std::string name = "awsdatacatalog." + quote_identifier(object.ref.database) + "." + quote_identifier(object.ref.name);
    if (object.view_sql) {
      session->execute("USE awsdatacatalog." + quote_identifier(object.ref.database));
      session->execute("CREATE VIEW " + name + " AS " + *object.view_sql);
    } else {
      session->execute(create_table_view(object.table, object.partitions, scratch / std::to_string(i), name));
    }
  }
  session->execute("USE awsdatacatalog." + quote_identifier(database));
  co_return;
}

awaitable<std::shared_ptr<DuckDbSession>> open_session(SessionPool& sessions, boost::asio::thread_pool& pool,
                                                       std::filesystem::path spill_dir) {
  co_return sessions.take(pool, spill_dir);
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

// The Presto SQL of an Athena view (VIRTUAL_VIEW), nullopt for a table.
std::optional<std::string> view_query(const Json& table) {
  if (table.value("TableType", "") != "VIRTUAL_VIEW") return std::nullopt;
  std::string text = table.value("ViewOriginalText", "");
  static const std::string prefix = "/* Presto View: ";
  static const std::string suffix = " */";
  if (!text.starts_with(prefix) || !text.ends_with(suffix)) return std::nullopt;
  auto decoded = crypto::base64_decode(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
  if (!decoded) return std::nullopt;
  Json view = Json::parse(*decoded, nullptr, false);
  if (!view.is_object() || !view.contains("originalSql") || !view["originalSql"].is_string()) return std::nullopt;
  return view["originalSql"].get<std::string>();
}

}  // namespace

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

awaitable<std::shared_ptr<DuckDbSession>> AthenaService::session_for(RequestContext& context, const std::string& key,
                                                                   const std::string& sql, const std::string& database,
                                                                   const std::filesystem::path& scratch,
                                                                   const std::filesystem::path& spill_dir) {
  std::optional<QueryFailure> failure;
  std::shared_ptr<DuckDbSession> session;
  std::set<TableRef> tables;
  try {
    auto opening = asio::co_spawn(*planning_pool_, open_session(*sessions_, *engine_pool_, spill_dir), asio::use_awaitable);
    session = co_await std::move(opening);
    {
      std::lock_guard lock(running_mutex_);
      running_[key] = session;
    }
    // A stop that came before the session was registered interrupted nothing.
    auto stored = queries_.get(key);
    if (stored && (*stored)["Status"].value("State", "") == "CANCELLED") session->interrupt();
    auto planning = asio::co_spawn(*planning_pool_, plan(session, sql, database), asio::use_awaitable);
    tables = co_await std::move(planning);
  } catch (const EngineError& error) {
    failure = failure_from_engine(error, database);
  } catch (const std::exception& error) {
    failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
  }
  if (failure) throw *failure;

  // Tables and views in the order DuckDB must define them (a view after what it reads).
  std::vector<CatalogObject> objects;
  std::set<TableRef> seen;
  struct Frame {
    std::vector<TableRef> refs;
    size_t next = 0;
    std::optional<CatalogObject> view;  // the view waiting for its tables
    int depth = 0;
  };
  std::vector<Frame> stack;
  stack.push_back({std::vector<TableRef>(tables.begin(), tables.end()), 0, std::nullopt, 0});
  while (!stack.empty() && !failure) {
    auto& frame = stack.back();
    if (frame.next == frame.refs.size()) {
      if (frame.view) objects.push_back(std::move(*frame.view));
      stack.pop_back();
      continue;
    }
    TableRef ref = frame.refs[frame.next++];
    int depth = frame.depth;
    if (!seen.insert(ref).second) continue;
    std::optional<AwsError> lookup_error;
    Json found;
    try {
      delivery::Target target{"glue", "GetTable", context.account_id, context.region,
                              {{"DatabaseName", ref.database}, {"Name", ref.name}}};
      found = co_await call_(target, context);
    } catch (const AwsError& error) {
      lookup_error = error;
    }
    // A name the catalog does not know may be a CTE's: DuckDB reports what is really missing.
    if (lookup_error) continue;
    CatalogObject object{ref, found.value("Table", Json::object()), {}, std::nullopt};
    if (auto original = view_query(object.table)) {
      if (depth >= kMaxViewDepth) {
        failure = QueryFailure{2, 1000, "VIEW_IS_RECURSIVE: View '" + ref.database + "." + ref.name + "' is too deep"};
        break;
      }
      std::set<TableRef> inner;
      try {
        object.view_sql = to_duckdb_sql(*original, {});
        auto planning = asio::co_spawn(*planning_pool_, plan(session, *object.view_sql, ref.database), asio::use_awaitable);
        inner = co_await std::move(planning);
      } catch (const EngineError& error) {
        failure = QueryFailure{2, 1000, "VIEW_IS_STALE: line 1:1: View '" + ref.database + "." + ref.name +
                                            "' is stale or in invalid state: " + error.what()};
      } catch (const std::invalid_argument&) {
        failure = QueryFailure{2, 1000, "VIEW_IS_STALE: View '" + ref.database + "." + ref.name + "' has parameters"};
      }
      if (failure) break;
      stack.push_back({std::vector<TableRef>(inner.begin(), inner.end()), 0, std::move(object), depth + 1});
      continue;
    }
    try {
      object.partitions = co_await table_data(context, object.table);
    } catch (const AwsError& error) {
      lookup_error = error;
    }
    if (lookup_error) {
      failure = QueryFailure{2, 1000, "HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split of table " + ref.database +
                                          "." + ref.name + ": " + lookup_error->message + " (Error Code: " +
                                          lookup_error->code + ")"};
      break;
    }
    objects.push_back(std::move(object));
  }
  if (failure) throw *failure;

  try {
    auto defining = asio::co_spawn(*planning_pool_, define(session, std::move(objects), database, scratch), asio::use_awaitable);
    co_await std::move(defining);
  } catch (const EngineError& error) {
    failure = failure_from_engine(error, database);
  } catch (const UnsupportedTable& error) {
    failure = QueryFailure{2, 1000, error.what()};
  } catch (const std::exception& error) {
    failure = QueryFailure{1, 200, std::string("GENERIC_INTERNAL_ERROR: ") + error.what()};
  }
  if (failure) throw *failure;
  co_return session;
}

}  // namespace nimbus::athena
