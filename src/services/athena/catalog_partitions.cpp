// Partitions by statement: MSCK REPAIR TABLE (the location's Hive folders through S3's
// ListObjectsV2, the missing ones added with Glue's BatchCreatePartition), ALTER TABLE ADD / DROP
// PARTITION and SHOW PARTITIONS, all through Glue's operations.
#include <algorithm>
#include <map>
#include <set>

#include "services/athena/catalog_calls.h"
#include "services/athena/hive_ddl_glue.h"

namespace nimbus::athena {

namespace {

constexpr size_t kCreateBatch = 100;  // BatchCreatePartition's limit
constexpr size_t kDeleteBatch = 25;   // BatchDeletePartition's limit

// "s3://bucket/key/prefix" -> bucket, "key/prefix/" (a folder: ends in "/" unless empty).
std::pair<std::string, std::string> folder_of(const std::string& location) {
  std::string rest = location.substr(location.find("://") == std::string::npos ? 0 : location.find("://") + 3);
  auto slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!prefix.empty() && !prefix.ends_with("/")) prefix += "/";
  return {bucket, prefix};
}

std::string spec_text(const PartitionSpec& spec) {
  std::string out = "{";
  for (size_t i = 0; i < spec.values.size(); ++i) {
    out += (i ? ", " : "") + spec.values[i].first + "=" + spec.values[i].second;
  }
  return out + "}";
}

std::string key_name(const Json& key) { return key.value("Name", ""); }

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The spec's value for each partition key, in key order (nullopt for a key the spec leaves out);
// fails for a name that is not a partition key.
std::vector<std::optional<std::string>> spec_values(const Json& keys, const PartitionSpec& spec) {
  std::vector<std::optional<std::string>> values(keys.size());
  for (const auto& [name, value] : spec.values) {
    size_t i = 0;
    while (i < keys.size() && lower(key_name(keys[i])) != name) ++i;
    if (i == keys.size()) {
      throw ddl_failure(
          "SemanticException [Error 10098]: Non-Partition column appears in the partition specification:  " + name);
    }
    values[i] = value;
  }
  return values;
}

bool integer_type(const std::string& type) {
  return type == "tinyint" || type == "smallint" || type == "int" || type == "bigint";
}

// A stored partition value against a written one: typed for integer keys ("01" is 1).
bool same_value(const Json& key, const std::string& stored, const std::string& written) {
  if (stored == written) return true;
  if (!integer_type(key.value("Type", ""))) return false;
  try {
    size_t used_stored = 0, used_written = 0;
    long long a = std::stoll(stored, &used_stored), b = std::stoll(written, &used_written);
    return used_stored == stored.size() && used_written == written.size() && a == b;
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<std::string> values_of(const Json& partition) {
  std::vector<std::string> values;
  for (const auto& value : partition.value("Values", Json::array())) {
    values.push_back(value.is_string() ? value.get<std::string>() : value.dump());
  }
  return values;
}

Json partition_input(const Json& table, const std::vector<std::string>& values, const std::string& location) {
  Json sd = table.value("StorageDescriptor", Json::object());
  sd["Location"] = location;
  return {{"Values", values}, {"StorageDescriptor", sd}, {"Parameters", Json::object()}};
}

awaitable<std::vector<Json>> partitions_of(CatalogCalls& calls, const Json& table) {
  Json request = {{"DatabaseName", table.value("DatabaseName", "")}, {"TableName", table.value("Name", "")}};
  std::optional<AwsError> error;
  std::vector<Json> partitions;
  try {
    auto listing = calls.list_all("GetPartitions", request, "Partitions");
    partitions = co_await std::move(listing);
  } catch (const AwsError& failed) {
    error = failed;
  }
  if (error) throw ddl_task_failure(*error);
  co_return partitions;
}

// Creates the partitions (Glue's PartitionInputs) in batches; a partition already there is no error.
awaitable<StatementOutcome> repair_table(CatalogCalls& calls, const HiveStatement& statement) {
  auto getting = calls.table(statement);
  Json table = co_await std::move(getting);
  const Json keys = table.value("PartitionKeys", Json::array());
  const Json sd = table.value("StorageDescriptor", Json::object());
  if (keys.empty() || !sd.contains("Location") || !sd["Location"].is_string()) co_return StatementOutcome{};
  std::string location = sd["Location"].get<std::string>();
  const auto folder = folder_of(location);
  const std::string& bucket = folder.first;
  const std::string& prefix = folder.second;

  // The partition folders below the location, by partition name.
  std::map<std::string, std::vector<std::string>> folders;
  std::optional<std::string> token;
  do {
    Json request = {{"Bucket", bucket}, {"Prefix", prefix}};
    if (token) request["ContinuationToken"] = *token;
    auto listing = calls.invoke("s3", "ListObjectsV2", request);
    CallAnswer page = co_await std::move(listing);
    if (page.error) throw ddl_task_failure(*page.error);
    for (const auto& object : page.value.value("Contents", Json::array())) {
      std::string key = object.value("Key", "");
      if (!key.starts_with(prefix)) continue;
      auto values = partition_values_from_key(keys, std::string_view(key).substr(prefix.size()));
      if (values) folders.emplace(partition_name(keys, *values), *values);
    }
    token.reset();
    if (page.value.value("IsTruncated", false) && page.value.contains("NextContinuationToken")) {
      token = page.value["NextContinuationToken"].get<std::string>();
    }
  } while (token);

  auto existing_listing = partitions_of(calls, table);
  std::vector<Json> existing = co_await std::move(existing_listing);
  for (const auto& partition : existing) folders.erase(partition_name(keys, values_of(partition)));
  if (folders.empty()) co_return StatementOutcome{};

  std::vector<Json> inputs;
  std::string table_name = table.value("Name", statement.table);
  std::string not_in_metastore = "Partitions not in metastore:";
  std::vector<std::string> repairs;
  for (const auto& [name, values] : folders) {
    inputs.push_back(partition_input(table, values, partition_location(location, name)));
    not_in_metastore += "\t" + table_name + ":" + name;
    repairs.push_back("Repair: Added partition to metastore " + written_name(statement) + ":" + name);
  }
  auto creating = create_partitions(calls, table, inputs);
  co_await std::move(creating);
  StatementOutcome outcome;
  outcome.text = not_in_metastore + "\n";
  for (const auto& line : repairs) outcome.text += line + "\n";
  co_return outcome;
}

awaitable<StatementOutcome> add_partitions(CatalogCalls& calls, const HiveStatement& statement) {
  auto getting = calls.table(statement);
  Json table = co_await std::move(getting);
  const Json keys = table.value("PartitionKeys", Json::array());
  if (keys.empty()) {
    throw ddl_failure("SemanticException table is not partitioned but partition spec exists: " +
                      spec_text(statement.partitions.front()));
  }
  std::string location = table.value("StorageDescriptor", Json::object()).value("Location", "");
  std::map<std::string, Json> wanted;  // by partition name: the PartitionInput
  for (const auto& spec : statement.partitions) {
    auto given = spec_values(keys, spec);
    std::vector<std::string> values;
    for (const auto& value : given) {
      if (!value) {
        throw ddl_failure("ValidationFailureSemanticException partition spec " + spec_text(spec) +
                          " doesn't contain all (" + std::to_string(keys.size()) + ") partition columns");
      }
      values.push_back(*value);
    }
    std::string name = partition_name(keys, values);
    wanted.emplace(name,
                   partition_input(table, values, spec.location ? *spec.location : partition_location(location, name)));
  }
  Json to_get = Json::array();
  for (const auto& [name, input] : wanted) to_get.push_back({{"Values", input["Values"]}});
  Json request = {{"DatabaseName", table.value("DatabaseName", "")},
                  {"TableName", table.value("Name", "")},
                  {"PartitionsToGet", to_get}};
  auto checking = calls.glue("BatchGetPartition", request);
  CallAnswer found = co_await std::move(checking);
  if (found.error) throw ddl_task_failure(*found.error);
  for (const auto& partition : found.value.value("Partitions", Json::array())) {
    if (!statement.if_exists) {
      throw ddl_failure(std::string(kDdlTaskError) + "AlreadyExistsException(message:Partition already exists: " +
                        partition_name(keys, values_of(partition)) + ")");
    }
    wanted.erase(partition_name(keys, values_of(partition)));
  }
  std::vector<Json> inputs;
  for (auto& [name, input] : wanted) inputs.push_back(std::move(input));
  auto creating = create_partitions(calls, table, inputs);
  co_await std::move(creating);
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> drop_partitions(CatalogCalls& calls, const HiveStatement& statement) {
  auto getting = calls.table(statement);
  Json table = co_await std::move(getting);
  const Json keys = table.value("PartitionKeys", Json::array());
  if (keys.empty()) {
    throw ddl_failure("SemanticException table is not partitioned but partition spec exists: " +
                      spec_text(statement.partitions.front()));
  }
  std::vector<std::vector<std::optional<std::string>>> specs;
  for (const auto& spec : statement.partitions) specs.push_back(spec_values(keys, spec));
  auto listing = partitions_of(calls, table);
  std::vector<Json> partitions = co_await std::move(listing);
  std::map<std::string, std::vector<std::string>> doomed;
  for (size_t s = 0; s < specs.size(); ++s) {
    bool matched = false;
    for (const auto& partition : partitions) {
      auto values = values_of(partition);
      bool match = values.size() == keys.size();
      for (size_t i = 0; match && i < keys.size(); ++i) {
        if (specs[s][i] && !same_value(keys[i], values[i], *specs[s][i])) match = false;
      }
      if (!match) continue;
      matched = true;
      doomed.emplace(partition_name(keys, values), values);
    }
    if (!matched && !statement.if_exists) {
      throw ddl_failure("SemanticException [Error 10006]: Partition not found " + spec_text(statement.partitions[s]));
    }
  }
  std::vector<std::vector<std::string>> values;
  for (auto& [name, partition_values] : doomed) values.push_back(std::move(partition_values));
  for (size_t start = 0; start < values.size(); start += kDeleteBatch) {
    Json batch = Json::array();
    for (size_t i = start; i < std::min(values.size(), start + kDeleteBatch); ++i)
      batch.push_back({{"Values", values[i]}});
    Json request = {{"DatabaseName", table.value("DatabaseName", "")},
                    {"TableName", table.value("Name", "")},
                    {"PartitionsToDelete", batch}};
    auto pending = calls.glue("BatchDeletePartition", request);
    CallAnswer answer = co_await std::move(pending);
    if (answer.error) throw ddl_task_failure(*answer.error);
  }
  co_return StatementOutcome{};
}

awaitable<StatementOutcome> show_partitions(CatalogCalls& calls, const HiveStatement& statement) {
  auto getting = calls.table(statement);
  Json table = co_await std::move(getting);
  const Json keys = table.value("PartitionKeys", Json::array());
  if (keys.empty()) {
    throw ddl_failure(std::string(kDdlTaskError) + "Table " + statement.table + " is not a partitioned table");
  }
  auto listing = partitions_of(calls, table);
  std::vector<Json> partitions = co_await std::move(listing);
  std::vector<std::string> names;
  for (const auto& partition : partitions) names.push_back(partition_name(keys, values_of(partition)));
  std::sort(names.begin(), names.end());
  co_return lines_outcome("partition", names);
}

}  // namespace

awaitable<void> create_partitions(CatalogCalls& calls, const Json& table, const std::vector<Json>& inputs) {
  for (size_t start = 0; start < inputs.size(); start += kCreateBatch) {
    Json batch = Json::array();
    for (size_t i = start; i < std::min(inputs.size(), start + kCreateBatch); ++i) batch.push_back(inputs[i]);
    Json request = {{"DatabaseName", table.value("DatabaseName", "")},
                    {"TableName", table.value("Name", "")},
                    {"PartitionInputList", batch}};
    auto pending = calls.glue("BatchCreatePartition", request);
    CallAnswer answer = co_await std::move(pending);
    if (answer.error) throw ddl_task_failure(*answer.error);
    for (const auto& error : answer.value.value("Errors", Json::array())) {
      const Json detail = error.value("ErrorDetail", Json::object());
      std::string code = detail.value("ErrorCode", "");
      if (code == "AlreadyExistsException") continue;
      throw ddl_failure(std::string(kDdlTaskError) + code + "(message:" + detail.value("ErrorMessage", "") + ")");
    }
  }
}

awaitable<StatementOutcome> run_partition_statement(CatalogCalls& calls, const HiveStatement& statement) {
  switch (statement.kind) {
    case HiveStatementKind::RepairTable:
      return repair_table(calls, statement);
    case HiveStatementKind::AddPartitions:
      return add_partitions(calls, statement);
    case HiveStatementKind::DropPartitions:
      return drop_partitions(calls, statement);
    default:
      return show_partitions(calls, statement);
  }
}

}  // namespace nimbus::athena
