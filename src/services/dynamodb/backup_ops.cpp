// On-demand backups: CreateBackup copies every item of the table (in one batch with the backup's
// record, so a backup is whole or absent), RestoreTableFromBackup creates a new table from the
// backup's description and items (indexes rebuilt as items are staged), DescribeBackup,
// ListBackups, DeleteBackup.
//
// Storage: the backup record in the RecordTable "backup" (<account>/<region>/<backup id>) holds
// its details and the source table's description; its items are join("b", backup id) + the item's
// key parts (the item key without the table's prefix).
#include <cstdio>

#include "core/ids.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/value.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/stream_records.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int kDefaultListLimit = 100;

std::string backup_items_prefix(const std::string& backup_id) { return storage::keys::join({"b", backup_id}); }

AwsError backup_not_found(const std::string& arn) { return {400, "BackupNotFoundException", "Backup not found: " + arn}; }

// "01489602797149-73d8d5bc": creation milliseconds and a random suffix, as AWS names backups.
std::string new_backup_id(int64_t now_ms) {
  char millis[24];
  std::snprintf(millis, sizeof millis, "%014lld", static_cast<long long>(now_ms));
  return std::string(millis) + "-" + ids::uuid4().substr(0, 8);
}

Json details_of(const Json& record) {
  return {{"BackupArn", record["BackupArn"]},
          {"BackupName", record["BackupName"]},
          {"BackupSizeBytes", record["BackupSizeBytes"]},
          {"BackupStatus", record.value("BackupStatus", "AVAILABLE")},
          {"BackupType", "USER"},
          {"BackupCreationDateTime", record["BackupCreationDateTime"]}};
}

Json description_of(const Json& record) {
  const Json& source = record["Source"];
  Json table = {{"TableName", source["TableName"]},
                {"TableId", source["TableId"]},
                {"TableArn", source["TableArn"]},
                {"TableSizeBytes", record["BackupSizeBytes"]},
                {"KeySchema", source["KeySchema"]},
                {"TableCreationDateTime", source["CreationDateTime"]},
                {"ProvisionedThroughput", {{"ReadCapacityUnits", source["ProvisionedThroughput"].value("ReadCapacityUnits", 0)},
                                           {"WriteCapacityUnits", source["ProvisionedThroughput"].value("WriteCapacityUnits", 0)}}},
                {"ItemCount", record["ItemCount"]},
                {"BillingMode", source.contains("BillingModeSummary") ? source["BillingModeSummary"].value("BillingMode", "PROVISIONED")
                                                                      : "PROVISIONED"}};
  Json features = Json::object();
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    if (!source.contains(kind)) continue;
    features[kind] = Json::array();
    for (const auto& index : source[kind]) {
      Json summary = {{"IndexName", index["IndexName"]}, {"KeySchema", index["KeySchema"]}, {"Projection", index["Projection"]}};
      if (index.contains("ProvisionedThroughput")) {
        summary["ProvisionedThroughput"] = {{"ReadCapacityUnits", index["ProvisionedThroughput"].value("ReadCapacityUnits", 0)},
                                            {"WriteCapacityUnits", index["ProvisionedThroughput"].value("WriteCapacityUnits", 0)}};
      }
      features[kind].push_back(std::move(summary));
    }
  }
  if (source.contains("StreamSpecification")) features["StreamDescription"] = source["StreamSpecification"];
  if (source.contains("SSEDescription")) features["SSEDescription"] = source["SSEDescription"];
  return {{"BackupDetails", details_of(record)}, {"SourceTableDetails", table}, {"SourceTableFeatureDetails", features}};
}

}  // namespace

awaitable<Json> DynamoDbService::create_backup(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  std::shared_ptr<TableState> state;
  try {
    state = table_from_member(context, in["TableName"]);
  } catch (const AwsError&) {
    throw AwsError(400, "TableNotFoundException", "Table not found: " + name);
  }
  int64_t now = clock_.now_ms();
  std::string id = new_backup_id(now);
  Json record;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state->mutex);  // a consistent copy: no write of the table interleaves
    if (state->deleted) throw AwsError(400, "TableNotFoundException", "Table not found: " + name);
    auto table = tables_.get(state->record_key);
    if (!table) throw AwsError(400, "TableNotFoundException", "Table not found: " + name);
    const Json& source = (*table)["Description"];
    record = {{"BackupArn", source["TableArn"].get<std::string>() + "/backup/" + id},
              {"BackupName", in["BackupName"]},
              {"BackupSizeBytes", state->counters.bytes},
              {"ItemCount", state->counters.items},
              {"BackupStatus", "AVAILABLE"},
              {"BackupCreationDateTime", static_cast<double>(now) / 1000.0},
              {"Source", source}};
    auto result = backups_.update(
        scope(context) + id, [&](std::optional<Json>& stored) { stored = record; },
        [&](storage::WriteBatch& batch, const std::optional<Json>&) {
          std::string from = items_prefix(*state->schema);
          std::string to = backup_items_prefix(id);
          store_.scan(kSpace, from, [&](std::string_view key, std::string_view value) {
            batch.put(kSpace, to + std::string(key.substr(from.size())), value);
            return true;
          });
        });
    pending = result.first;
  }
  co_await pending->wait();
  co_return Json{{"BackupDetails", details_of(record)}};
}

std::optional<std::pair<std::string, Json>> DynamoDbService::find_backup(const RequestContext& context,
                                                                         const std::string& arn) const {
  auto slash = arn.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  std::string key = scope(context) + arn.substr(slash + 1);
  auto record = backups_.get(key);
  if (!record || (*record)["BackupArn"] != arn) return std::nullopt;
  return std::make_pair(key, *record);
}

awaitable<Json> DynamoDbService::describe_backup(RequestContext& context, const Json& in) {
  std::string arn = in.value("BackupArn", "");
  auto backup = find_backup(context, arn);
  if (!backup) throw backup_not_found(arn);
  co_return Json{{"BackupDescription", description_of(backup->second)}};
}

awaitable<Json> DynamoDbService::list_backups(RequestContext& context, const Json& in) {
  int limit = in.value("Limit", kDefaultListLimit);
  std::string table = in.value("TableName", "");
  std::string start = in.value("ExclusiveStartBackupArn", "");
  double lower = in.value("TimeRangeLowerBound", 0.0);
  double upper = in.value("TimeRangeUpperBound", 1e18);
  std::string type = in.value("BackupType", "ALL");
  bool started = start.empty();
  Json summaries = Json::array();
  std::string last;
  bool more = false;
  for (const auto& [key, record] : backups_.list(scope(context))) {
    const Json& source = record["Source"];
    if (!table.empty() && source["TableName"] != table) continue;
    if (type != "ALL" && type != "USER") continue;
    double created = record["BackupCreationDateTime"].get<double>();
    if (created < lower || created >= upper) continue;
    if (!started) {
      started = record["BackupArn"] == start;
      continue;
    }
    if (static_cast<int>(summaries.size()) == limit) {
      more = true;
      break;
    }
    Json summary = details_of(record);
    summary["TableName"] = source["TableName"];
    summary["TableId"] = source["TableId"];
    summary["TableArn"] = source["TableArn"];
    summaries.push_back(std::move(summary));
    last = record["BackupArn"];
  }
  Json out = {{"BackupSummaries", summaries}};
  if (more) out["LastEvaluatedBackupArn"] = last;
  co_return out;
}

awaitable<Json> DynamoDbService::delete_backup(RequestContext& context, const Json& in) {
  std::string arn = in.value("BackupArn", "");
  auto backup = find_backup(context, arn);
  if (!backup) throw backup_not_found(arn);
  std::string id = arn.substr(arn.rfind('/') + 1);
  auto [pending, removed] = backups_.update(
      backup->first, [&](std::optional<Json>& stored) { stored.reset(); },
      [&](storage::WriteBatch& batch, const std::optional<Json>&) {
        store_.scan(kSpace, backup_items_prefix(id), [&](std::string_view key, std::string_view) {
          batch.remove(kSpace, key);
          return true;
        });
      });
  co_await pending->wait();
  Json description = description_of(backup->second);
  description["BackupDetails"]["BackupStatus"] = "DELETED";
  co_return Json{{"BackupDescription", description}};
}

awaitable<Json> DynamoDbService::restore_table_from_backup(RequestContext& context, const Json& in) {
  std::string arn = in.value("BackupArn", "");
  auto backup = find_backup(context, arn);
  if (!backup) throw backup_not_found(arn);
  std::string name = in["TargetTableName"].get<std::string>();
  std::string id = arn.substr(arn.rfind('/') + 1);
  const Json& source = backup->second["Source"];
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  std::string new_arn = table_arn(context, name);

  // The source's description under the new name, id and ARN; streams are not restored.
  Json description = source;
  description["TableName"] = name;
  description["TableArn"] = new_arn;
  description["TableId"] = ids::uuid4();
  description["CreationDateTime"] = now;
  description["TableStatus"] = "ACTIVE";
  for (const char* field : {"StreamSpecification", "LatestStreamLabel", "LatestStreamArn"}) description.erase(field);
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    if (!description.contains(kind)) continue;
    for (auto& index : description[kind]) index["IndexArn"] = new_arn + "/index/" + index["IndexName"].get<std::string>();
  }
  if (in.value("BillingModeOverride", "") == "PAY_PER_REQUEST") {
    description["BillingModeSummary"] = {{"BillingMode", "PAY_PER_REQUEST"}, {"LastUpdateToPayPerRequestDateTime", now}};
  } else if (in.value("BillingModeOverride", "") == "PROVISIONED") {
    description.erase("BillingModeSummary");
  }
  if (in.contains("ProvisionedThroughputOverride")) {
    description["ProvisionedThroughput"]["ReadCapacityUnits"] = in["ProvisionedThroughputOverride"]["ReadCapacityUnits"];
    description["ProvisionedThroughput"]["WriteCapacityUnits"] = in["ProvisionedThroughputOverride"]["WriteCapacityUnits"];
  }
  description["RestoreSummary"] = {{"SourceBackupArn", arn},
                                   {"SourceTableArn", source["TableArn"]},
                                   {"RestoreDateTime", now},
                                   {"RestoreInProgress", false}};

  auto state = std::make_shared<TableState>();
  state->schema = std::make_shared<const TableSchema>(TableSchema::from_description(description));
  state->record_key = scope(context) + name;
  state->region = context.region;
  Json new_record = {{"Description", description}, {"Tags", Json::array()}};
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state->mutex);
    auto result = tables_.update(
        state->record_key,
        [&](std::optional<Json>& existing) {
          if (existing) throw AwsError(400, "TableAlreadyExistsException", "Table already exists: " + name);
          existing = new_record;
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>&) {
          std::string from = backup_items_prefix(id);
          std::string to = items_prefix(*state->schema);
          store_.scan(kSpace, from, [&](std::string_view key, std::string_view value) {
            stage_change(*state, batch, {to + std::string(key.substr(from.size())), std::nullopt, Json::parse(value)});
            return true;
          });
          write_counters(*state, batch);
        });
    pending = result.first;
    std::unique_lock tables_lock(tables_mutex_);
    live_[state->record_key] = state;
  }
  co_await pending->wait();
  description["TableStatus"] = "CREATING";
  description["RestoreSummary"]["RestoreInProgress"] = true;
  co_return Json{{"TableDescription", live_description(*state, Json{{"Description", description}})}};
}

}  // namespace nimbus::dynamodb
