// CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable.
//
// A table is ACTIVE as soon as CreateTable answers (whose own answer says CREATING, as AWS's
// does), so waiters and code that does not wait both work; likewise UpdateTable answers UPDATING
// and an index it creates is backfilled before it answers.
#include <algorithm>
#include <cstdio>

#include "core/ids.h"
#include "core/text.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/stream_records.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int kDefaultListLimit = 100;

// "2024-01-15T10:20:30.123": the stream's creation time, milliseconds always, no zone.
std::string stream_label(int64_t ms) {
  std::string iso = text::format_iso8601(static_cast<double>(ms / 1000));  // whole seconds, "...Z"
  iso.pop_back();
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(ms % 1000));
  return iso + millis;
}

// Enables or disables the table's stream in its record: the description's stream fields, and the
// record's list of streams (a disabled one stays readable, closed at the last sequence number).
void apply_stream(Json& record, const Json& stream, int64_t now_ms, int64_t sequence) {
  Json& description = record["Description"];
  if (!record.contains("Streams")) record["Streams"] = Json::array();
  if (stream.value("StreamEnabled", false)) {
    description["StreamSpecification"] = stream;
    std::string label = stream_label(now_ms);
    std::string arn = description["TableArn"].get<std::string>() + "/stream/" + label;
    description["LatestStreamLabel"] = label;
    description["LatestStreamArn"] = arn;
    record["Streams"].push_back({{"StreamArn", arn},
                                 {"StreamLabel", label},
                                 {"StreamViewType", stream["StreamViewType"]},
                                 {"Created", static_cast<double>(now_ms) / 1000.0},
                                 {"FirstSequence", sequence + 1}});
  } else {
    description.erase("StreamSpecification");
    for (auto& entry : record["Streams"]) {
      if (!entry.contains("LastSequence")) entry["LastSequence"] = sequence;
    }
  }
}

Json with_status(Json description, const char* status) {
  description["TableStatus"] = status;
  return description;
}

}  // namespace

awaitable<Json> DynamoDbService::create_table(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  NewTable table{table_arn(context, name), ids::uuid4(), static_cast<double>(clock_.now_ms()) / 1000.0};
  Json new_record = {{"Description", describe_new_table(in, table)}, {"Tags", in.value("Tags", Json::array())}};
  if (in.contains("StreamSpecification")) apply_stream(new_record, in["StreamSpecification"], clock_.now_ms(), 0);
  const Json& description = new_record["Description"];
  std::string key = scope(context) + name;
  auto [pending, record] = tables_.update(key, [&](std::optional<Json>& existing) {
    if (existing) throw errors::resource_in_use("Table already exists: " + name);
    existing = new_record;
  });
  auto state = std::make_shared<TableState>();
  state->schema = std::make_shared<const TableSchema>(TableSchema::from_description(description));
  state->record_key = key;
  state->region = context.region;
  sync_stream(*state, new_record);
  {
    std::unique_lock lock(tables_mutex_);
    live_[key] = std::move(state);
  }
  co_await pending->wait();
  Json answer = with_status(description, "CREATING");
  if (answer.contains("GlobalSecondaryIndexes")) {
    for (auto& index : answer["GlobalSecondaryIndexes"]) index["IndexStatus"] = "CREATING";
  }
  co_return Json{{"TableDescription", std::move(answer)}};
}

// The control plane names the missing table in its error ("Table: x not found").
std::shared_ptr<TableState> DynamoDbService::named_table(const RequestContext& context, const Json& name) const {
  try {
    return table_from_member(context, name);
  } catch (const AwsError&) {
    throw errors::table_not_found(name.is_string() ? name.get<std::string>() : std::string());
  }
}

awaitable<Json> DynamoDbService::describe_table(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  auto state = named_table(context, in["TableName"]);
  auto record = tables_.get(state->record_key);
  if (!record) throw errors::table_not_found(name);
  co_return Json{{"Table", live_description(*state, *record)}};
}

awaitable<Json> DynamoDbService::list_tables(RequestContext& context, const Json& in) {
  int limit = in.value("Limit", kDefaultListLimit);
  std::string start = in.value("ExclusiveStartTableName", "");
  std::string prefix = scope(context);
  Json names = Json::array();
  std::string last;
  bool more = false;
  for (const auto& [key, record] : tables_.list(prefix)) {
    std::string name = key.substr(prefix.size());
    if (!start.empty() && name <= start) continue;
    if (static_cast<int>(names.size()) == limit) {
      more = true;
      break;
    }
    names.push_back(name);
    last = name;
  }
  Json out = {{"TableNames", names}};
  if (more) out["LastEvaluatedTableName"] = last;
  co_return out;
}

awaitable<Json> DynamoDbService::delete_table(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  auto state = named_table(context, in["TableName"]);
  Json description;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state->mutex);
    if (state->deleted) throw errors::table_not_found(name);
    auto result = tables_.update(
        state->record_key,
        [&](std::optional<Json>& record) {
          if (!record) throw errors::table_not_found(name);
          if ((*record)["Description"].value("DeletionProtectionEnabled", false)) {
            throw errors::validation(
                "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection "
                "first.");
          }
          description = live_description(*state, *record);
          record.reset();
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>&) { stage_table_removal(*state, batch); });
    pending = result.first;
    state->deleted = true;
    std::unique_lock tables_lock(tables_mutex_);
    live_.erase(state->record_key);
  }
  co_await pending->wait();
  co_return Json{{"TableDescription", with_status(std::move(description), "DELETING")}};
}

awaitable<Json> DynamoDbService::update_table(RequestContext& context, const Json& in) {
  auto state = table_from_member(context, in["TableName"]);
  Json description;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state->mutex);
    if (state->deleted) throw errors::resource_not_found();
    std::vector<IndexSchema> new_indexes;
    std::vector<std::string> dropped_indexes;
    auto result = tables_.update(
        state->record_key,
        [&](std::optional<Json>& record) {
          if (!record) throw errors::resource_not_found();
          Json& table = (*record)["Description"];
          int64_t now = clock_.now_ms();
          bool changed = false;
          if (in.contains("BillingMode")) {
            std::string mode = in["BillingMode"];
            if (mode == "PAY_PER_REQUEST") {
              if (in.contains("ProvisionedThroughput")) {
                throw errors::invalid_parameter(
                    "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
              }
              table["BillingModeSummary"] = {{"BillingMode", mode},
                                             {"LastUpdateToPayPerRequestDateTime", static_cast<double>(now) / 1000.0}};
              table["ProvisionedThroughput"]["ReadCapacityUnits"] = 0;
              table["ProvisionedThroughput"]["WriteCapacityUnits"] = 0;
            } else {
              if (!in.contains("ProvisionedThroughput")) {
                throw errors::invalid_parameter(
                    "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
              }
              table["BillingModeSummary"] = {{"BillingMode", mode}};
            }
            changed = true;
          }
          if (in.contains("ProvisionedThroughput")) {
            bool on_demand = table.contains("BillingModeSummary") && table["BillingModeSummary"].value("BillingMode", "") == "PAY_PER_REQUEST";
            if (on_demand) {
              throw errors::invalid_parameter(
                  "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
            }
            table["ProvisionedThroughput"]["ReadCapacityUnits"] = in["ProvisionedThroughput"]["ReadCapacityUnits"];
            table["ProvisionedThroughput"]["WriteCapacityUnits"] = in["ProvisionedThroughput"]["WriteCapacityUnits"];
            table["ProvisionedThroughput"]["LastIncreaseDateTime"] = static_cast<double>(now) / 1000.0;
            changed = true;
          }
          if (in.contains("DeletionProtectionEnabled")) {
            table["DeletionProtectionEnabled"] = in["DeletionProtectionEnabled"];
            changed = true;
          }
          if (in.contains("TableClass")) {
            table["TableClassSummary"] = {{"TableClass", in["TableClass"]}};
            changed = true;
          }
          if (in.contains("StreamSpecification")) {
            bool enable = in["StreamSpecification"].value("StreamEnabled", false);
            bool enabled = table.contains("StreamSpecification");
            if (enable && enabled) {
              throw errors::validation("Table already has an enabled stream: TableName: " + state->schema->name);
            }
            if (!enable && !enabled) {
              throw errors::validation("Table already has a disabled stream: TableName: " + state->schema->name);
            }
            apply_stream(*record, in["StreamSpecification"], now, state->counters.sequence);
            changed = true;
          }
          if (in.contains("SSESpecification")) {
            const Json& sse = in["SSESpecification"];
            if (sse.value("Enabled", true)) {
              std::string key = sse.value("KMSMasterKeyId", "alias/aws/dynamodb");
              std::string arn = table["TableArn"];
              std::string account_region = arn.substr(0, arn.find(":table/"));
              account_region.replace(account_region.find(":dynamodb:"), 10, ":kms:");
              table["SSEDescription"] = {{"Status", "ENABLED"},
                                         {"SSEType", "KMS"},
                                         {"KMSMasterKeyArn", key.starts_with("arn:") ? key : account_region + ":key/" + key}};
            } else {
              table.erase("SSEDescription");
            }
            changed = true;
          }
          Json definitions = table["AttributeDefinitions"];
          for (const auto& definition : in.value("AttributeDefinitions", Json::array())) {
            bool known = false;
            for (const auto& existing : definitions) {
              if (existing["AttributeName"] == definition["AttributeName"]) {
                if (existing["AttributeType"] != definition["AttributeType"]) {
                  throw errors::invalid_parameter("Cannot change the type of attribute " +
                                                  definition["AttributeName"].get<std::string>());
                }
                known = true;
              }
            }
            if (!known) definitions.push_back(definition);
          }
          for (const auto& update : in.value("GlobalSecondaryIndexUpdates", Json::array())) {
            if (update.contains("Create")) {
              Json index = describe_new_global_index(update["Create"], table, definitions);
              if (!table.contains("GlobalSecondaryIndexes")) table["GlobalSecondaryIndexes"] = Json::array();
              table["GlobalSecondaryIndexes"].push_back(index);
            } else if (update.contains("Delete")) {
              std::string name = update["Delete"].value("IndexName", "");
              auto& indexes = table["GlobalSecondaryIndexes"];
              auto it = std::find_if(indexes.begin(), indexes.end(), [&](const Json& index) { return index["IndexName"] == name; });
              if (!table.contains("GlobalSecondaryIndexes") || it == indexes.end()) {
                throw errors::resource_not_found("Requested resource not found: Index: " + name + " not found");
              }
              indexes.erase(it);
              if (indexes.empty()) table.erase("GlobalSecondaryIndexes");
              dropped_indexes.push_back(name);
            } else if (update.contains("Update")) {
              std::string name = update["Update"].value("IndexName", "");
              bool found = false;
              for (auto& index : table.value("GlobalSecondaryIndexes", Json::array())) found = found || index["IndexName"] == name;
              if (!found) throw errors::resource_not_found("Requested resource not found: Index: " + name + " not found");
              for (auto& index : table["GlobalSecondaryIndexes"]) {
                if (index["IndexName"] == name && update["Update"].contains("ProvisionedThroughput")) {
                  index["ProvisionedThroughput"]["ReadCapacityUnits"] = update["Update"]["ProvisionedThroughput"]["ReadCapacityUnits"];
                  index["ProvisionedThroughput"]["WriteCapacityUnits"] = update["Update"]["ProvisionedThroughput"]["WriteCapacityUnits"];
                }
              }
            }
            changed = true;
          }
          if (!changed) {
            throw errors::validation(
                "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
                "SSESpecification or ReplicaUpdates is required");
          }
          // Keep only the attribute definitions some key still uses.
          Json used = Json::array();
          auto uses = [&](const Json& key_schema, const Json& name) {
            for (const auto& element : key_schema) {
              if (element["AttributeName"] == name) return true;
            }
            return false;
          };
          for (const auto& definition : definitions) {
            bool in_use = uses(table["KeySchema"], definition["AttributeName"]);
            for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
              for (const auto& index : table.value(kind, Json::array())) in_use = in_use || uses(index["KeySchema"], definition["AttributeName"]);
            }
            if (in_use) used.push_back(definition);
          }
          table["AttributeDefinitions"] = used;
          TableSchema updated = TableSchema::from_description(table);
          for (const auto& index : updated.indexes) {
            if (!state->schema->find_index(index.name)) new_indexes.push_back(index);
          }
          state->schema = std::make_shared<const TableSchema>(std::move(updated));
          description = live_description(*state, *record);
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>&) {
          for (const auto& name : dropped_indexes) {
            store_.scan(kSpace, storage::keys::join({"x", state->schema->id, name}), [&](std::string_view key, std::string_view) {
              batch.remove(kSpace, key);
              return true;
            });
            state->counters.indexes.erase(name);
          }
          for (const auto& index : new_indexes) backfill_index(*state, index, batch);
          if (!dropped_indexes.empty()) write_counters(*state, batch);
        });
    pending = result.first;
    if (result.second) {
      description = live_description(*state, *result.second);
      sync_stream(*state, *result.second);
    }
  }
  co_await pending->wait();
  co_return Json{{"TableDescription", with_status(std::move(description), "UPDATING")}};
}

}  // namespace nimbus::dynamodb
