// A crawl's findings written into the Data Catalog in one batch: the database if it is missing,
// tables created or updated (as the SchemaChangePolicy says), their partitions, and the tables
// and partitions the crawler no longer finds (DeleteBehavior).
#include "services/glue/crawler_catalog.h"

#include <cmath>
#include <set>

#include "services/glue/glue_names.h"
#include "services/glue/glue_records.h"
#include "services/glue/glue_service.h"

namespace nimbus::glue {
namespace crawler {
namespace {

int64_t total_size(const std::vector<ObjectInfo>& files) {
  int64_t size = 0;
  for (const auto& file : files) size += file.size;
  return size;
}

std::vector<ObjectInfo> all_files(const TablePlan& plan) {
  std::vector<ObjectInfo> files;
  for (const auto& partition : plan.partitions) files.insert(files.end(), partition.files.begin(), partition.files.end());
  return files;
}

}  // namespace

std::string location(const std::string& bucket, const std::string& folder) { return "s3://" + bucket + "/" + folder; }

nlohmann::json statistics(const TableFound& table, const std::vector<ObjectInfo>& files, const std::string& crawler) {
  const Schema& schema = table.schema;
  int64_t size = total_size(files);
  double average = schema.sample_records > 0
                       ? static_cast<double>(schema.sample_bytes) / static_cast<double>(schema.sample_records)
                       : 0.0;
  int64_t records = average > 0 ? std::llround(static_cast<double>(size) / average) : 0;
  nlohmann::json parameters = {{"CrawlerSchemaDeserializerVersion", "1.0"},
                               {"CrawlerSchemaSerializerVersion", "1.0"},
                               {"UPDATED_BY_CRAWLER", crawler},
                               {"averageRecordSize", std::to_string(std::llround(average))},
                               {"classification", std::string(classification(schema.format))},
                               {"compressionType", table.compression},
                               {"objectCount", std::to_string(files.size())},
                               {"recordCount", std::to_string(records)},
                               {"sizeKey", std::to_string(size)},
                               {"typeOfData", "file"}};
  if (schema.format == DataFormat::Csv) {
    parameters["areColumnsQuoted"] = "false";
    parameters["columnsOrdered"] = "true";
    parameters["delimiter"] = schema.delimiter;
    if (schema.header) parameters["skip.header.line.count"] = "1";
  }
  return parameters;
}

nlohmann::json storage_descriptor(const TableFound& table, const std::string& folder, const nlohmann::json& parameters) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& column : table.schema.columns) columns.push_back({{"Name", column.name}, {"Type", column.type}});
  nlohmann::json serde;
  std::string input = "org.apache.hadoop.mapred.TextInputFormat";
  std::string output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
  switch (table.schema.format) {
    case DataFormat::Parquet:
      serde = {{"SerializationLibrary", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
               {"Parameters", {{"serialization.format", "1"}}}};
      input = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
      output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
      break;
    case DataFormat::Json: {
      std::string paths;
      for (const auto& column : table.schema.columns) paths += (paths.empty() ? "" : ",") + column.name;
      serde = {{"SerializationLibrary", "org.openx.data.jsonserde.JsonSerDe"}, {"Parameters", {{"paths", paths}}}};
      break;
    }
    case DataFormat::Csv:
      serde = {{"SerializationLibrary", "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"},
               {"Parameters", {{"field.delim", table.schema.delimiter}}}};
      break;
  }
  return {{"Columns", columns},
          {"Location", location(table.bucket, folder)},
          {"InputFormat", input},
          {"OutputFormat", output},
          {"Compressed", table.compression != "none"},
          {"NumberOfBuckets", -1},
          {"SerdeInfo", serde},
          {"BucketColumns", nlohmann::json::array()},
          {"SortColumns", nlohmann::json::array()},
          {"Parameters", parameters},
          {"StoredAsSubDirectories", false}};
}

nlohmann::json table_input(const TableFound& table, const std::string& crawler) {
  auto parameters = statistics(table, all_files(table.plan), crawler);
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& key : table.plan.keys) keys.push_back({{"Name", key}, {"Type", "string"}});
  return {{"Name", table.plan.name},
          {"Owner", "owner"},
          {"Retention", 0},
          {"TableType", "EXTERNAL_TABLE"},
          {"PartitionKeys", keys},
          {"Parameters", parameters},
          {"StorageDescriptor", storage_descriptor(table, table.plan.folder, parameters)}};
}

}  // namespace crawler

namespace {

// What makes a table's definition differ for a crawler (its statistics do not count).
nlohmann::json definition_of(const Json& table) {
  Json sd = table.value("StorageDescriptor", Json::object());
  Json parameters = table.value("Parameters", Json::object());
  return {{"Columns", sd.value("Columns", Json::array())},
          {"Location", sd.value("Location", "")},
          {"SerdeInfo", sd.value("SerdeInfo", Json::object())},
          {"InputFormat", sd.value("InputFormat", "")},
          {"PartitionKeys", table.value("PartitionKeys", Json::array())},
          {"classification", parameters.value("classification", "")}};
}

std::string created_by(const Json& crawler, const std::string& account) {
  std::string role = crawler.value("Role", "");
  auto slash = role.rfind('/');
  if (slash != std::string::npos) role = role.substr(slash + 1);
  return "arn:aws:sts::" + account + ":assumed-role/" + role + "/AWS-Crawler";
}

}  // namespace

crawler::CrawlCounts GlueService::write_crawl(const RequestContext& context, const Json& crawler_record,
                                              const crawler::CrawlResult& result,
                                              std::shared_ptr<storage::PendingCommit>& pending) {
  using namespace crawler;
  CrawlCounts counts;
  std::string name = crawler_record.value("Name", "");
  std::string database = normalize_name(crawler_record.value("DatabaseName", "default"));
  auto policy = crawler_record.value("SchemaChangePolicy", Json::object());
  bool update = policy.value("UpdateBehavior", "UPDATE_IN_DATABASE") == "UPDATE_IN_DATABASE";
  std::string delete_behavior = policy.value("DeleteBehavior", "DEPRECATE_IN_DATABASE");
  const std::string& account = context.account_id;

  std::lock_guard lock(state_->mutex);
  double time = now();
  storage::WriteBatch batch;
  std::string database_key_ = database_key(account, context.region, database);
  if (!state_->databases.find(database_key_)) {
    state_->databases.put(batch, database_key_, database_record({{"Name", database}}, account, time));
  }
  std::set<std::string> seen;
  for (const auto& found : result.tables) {
    const std::string& table_name = found.plan.name;
    std::string key = table_key(account, context.region, database, table_name);
    seen.insert(key);
    Json input = table_input(found, name);
    const Json* existing = state_->tables.find(key);
    Json record;
    if (!existing) {
      record = table_record(input, database, account, time, time, 0);
      record["CreatedBy"] = created_by(crawler_record, account);
      state_->tables.put(batch, key, record);
      ++counts.tables_created;
    } else if (update) {
      Json old = *existing;
      if (definition_of(old) != definition_of(table_record(input, database, account, time, time, 0))) {
        uint64_t version = std::stoull(old.value("VersionId", "0"));
        record = table_record(input, database, account, old.value("CreateTime", time), time, version + 1);
        if (old.contains("CreatedBy")) record["CreatedBy"] = old["CreatedBy"];
        state_->versions.put(batch, key + version_suffix(version), old);
        // Partitions of other keys cannot stay.
        if (old.value("PartitionKeys", Json::array()).size() != found.plan.keys.size()) {
          state_->partitions.remove_prefix(batch, key);
        }
        ++counts.tables_updated;
      } else {
        record = old;
        record["Parameters"] = input["Parameters"];
        record["StorageDescriptor"]["Parameters"] = input["Parameters"];
      }
      state_->tables.put(batch, key, record);
    } else {
      record = *existing;
    }
    // Partitions: new ones are added whatever the UpdateBehavior.
    if (found.plan.keys.empty() || record.value("PartitionKeys", Json::array()).size() != found.plan.keys.size()) {
      continue;
    }
    std::set<std::string> found_partitions;
    for (const auto& partition : found.plan.partitions) {
      std::string partition_key = key + partition_suffix(partition.values);
      found_partitions.insert(partition_key);
      auto parameters = statistics(found, partition.files, name);
      Json input_partition = {{"Values", partition.values},
                              {"Parameters", parameters},
                              {"StorageDescriptor", storage_descriptor(found, partition.folder, parameters)}};
      const Json* old = state_->partitions.find(partition_key);
      if (!old) {
        state_->partitions.put(batch, partition_key,
                               partition_record(input_partition, database, table_name, account, time));
        ++counts.partitions_created;
      } else if (update) {
        state_->partitions.put(batch, partition_key,
                               partition_record(input_partition, database, table_name, account,
                                                old->value("CreationTime", time)));
      }
    }
    if (delete_behavior == "DELETE_FROM_DATABASE") {
      std::vector<std::string> gone;
      for (auto it = state_->partitions.records.lower_bound(key);
           it != state_->partitions.records.end() && it->first.starts_with(key); ++it) {
        if (!found_partitions.count(it->first)) gone.push_back(it->first);
      }
      for (const auto& partition_key : gone) state_->partitions.remove(batch, partition_key);
    }
  }
  // Tables this crawler made under its targets that it no longer finds.
  if (delete_behavior != "LOG") {
    std::vector<std::string> missing;
    for (auto it = state_->tables.records.lower_bound(database_key_);
         it != state_->tables.records.end() && it->first.starts_with(database_key_); ++it) {
      const Json& table = it->second;
      if (seen.count(it->first)) continue;
      const Json parameters = table.value("Parameters", Json::object());
      if (parameters.value("UPDATED_BY_CRAWLER", "") != name || parameters.contains("DEPRECATED_BY_CRAWLER")) continue;
      std::string where = table.value("StorageDescriptor", Json::object()).value("Location", "");
      bool under = false;
      for (const auto& target : result.target_locations) under |= where.starts_with(target);
      if (under) missing.push_back(it->first);
    }
    for (const auto& key : missing) {
      if (delete_behavior == "DELETE_FROM_DATABASE") {
        state_->partitions.remove_prefix(batch, key);
        state_->versions.remove_prefix(batch, key);
        state_->tables.remove(batch, key);
      } else {
        Json table = *state_->tables.find(key);
        table["Parameters"]["DEPRECATED_BY_CRAWLER"] = "1";
        state_->tables.put(batch, key, table);
      }
      ++counts.tables_deleted;
    }
  }
  if (!batch.empty()) pending = store_.submit(std::move(batch));
  return counts;
}

}  // namespace nimbus::glue
