// A table's settings beside its schema: Time to Live, tags, point-in-time recovery; and the
// account-level DescribeLimits and DescribeEndpoints.
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/ttl_index.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int kMaxTagsPerResource = 50;

Json ttl_description(const Json& record) {
  if (record.contains("TimeToLive")) return record["TimeToLive"];
  return {{"TimeToLiveStatus", "DISABLED"}};
}

Json backups_description(const Json& record) {
  Json pitr = {{"PointInTimeRecoveryStatus", "DISABLED"}};
  if (record.contains("PointInTimeRecovery")) pitr = record["PointInTimeRecovery"];
  return {{"ContinuousBackupsStatus", "ENABLED"}, {"PointInTimeRecoveryDescription", pitr}};
}

}  // namespace

awaitable<Json> DynamoDbService::update_time_to_live(RequestContext& context, const Json& in) {
  auto state = table_from_member(context, in["TableName"]);
  const Json& specification = in["TimeToLiveSpecification"];
  bool enable = specification.value("Enabled", false);
  std::string attribute = specification.value("AttributeName", "");
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(state->mutex);
    if (state->deleted) throw errors::resource_not_found();
    auto result = tables_.update(
        state->record_key,
        [&](std::optional<Json>& record) {
          if (!record) throw errors::resource_not_found();
          bool enabled = ttl_description(*record)["TimeToLiveStatus"] == "ENABLED";
          if (enable && enabled) throw errors::validation("TimeToLive is already enabled");
          if (!enable && !enabled) throw errors::validation("TimeToLive is already disabled");
          if (enable) {
            (*record)["TimeToLive"] = {{"TimeToLiveStatus", "ENABLED"}, {"AttributeName", attribute}};
          } else {
            record->erase("TimeToLive");
          }
        },
        [&](storage::WriteBatch& batch, const std::optional<Json>&) {
          // The expiry index holds the items of a table with TTL on: built now, or dropped.
          store_.scan(kSpace, storage::keys::join({"t", state->schema->id}), [&](std::string_view key, std::string_view) {
            batch.remove(kSpace, key);
            return true;
          });
          state->ttl_attribute = enable ? attribute : std::string();
          if (!enable) return;
          store_.scan(kSpace, items_prefix(*state->schema), [&](std::string_view key, std::string_view value) {
            auto expiry = ttl_seconds(Json::parse(value), attribute);
            if (expiry) batch.put(kSpace, ttl_entry_key(*state->schema, *expiry, std::string(key)), "");
            return true;
          });
        });
    pending = result.first;
  }
  co_await pending->wait();
  co_return Json{{"TimeToLiveSpecification", specification}};
}

awaitable<Json> DynamoDbService::describe_time_to_live(RequestContext& context, const Json& in) {
  auto state = table_from_member(context, in["TableName"]);
  auto record = tables_.get(state->record_key);
  if (!record) throw errors::resource_not_found();
  co_return Json{{"TimeToLiveDescription", ttl_description(*record)}};
}

namespace {

// The table an ARN names in the caller's scope; DynamoDB's texts for a malformed or unknown ARN.
std::string record_key_of_arn(const RequestContext& context, const Json& arn_member) {
  std::string arn = arn_member.is_string() ? arn_member.get<std::string>() : std::string();
  std::string prefix = "arn:aws:dynamodb:" + context.region + ":" + context.account_id + ":table/";
  if (!arn.starts_with("arn:aws:dynamodb:") || arn.find(":table/") == std::string::npos) {
    throw errors::validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  if (!arn.starts_with(prefix) || arn.find('/', prefix.size()) != std::string::npos) {
    throw errors::resource_not_found("Requested resource not found: ResourcArn: " + arn + " not found");
  }
  return DynamoDbService::scope(context) + arn.substr(prefix.size());
}

}  // namespace

awaitable<Json> DynamoDbService::tag_resource(RequestContext& context, const Json& in) {
  std::string key = record_key_of_arn(context, in["ResourceArn"]);
  auto [pending, record] = tables_.update(key, [&](std::optional<Json>& table) {
    if (!table) throw errors::resource_not_found("Requested resource not found: ResourcArn: " + in["ResourceArn"].get<std::string>() + " not found");
    Json tags = table->value("Tags", Json::array());
    for (const auto& tag : in["Tags"]) {
      bool replaced = false;
      for (auto& existing : tags) {
        if (existing["Key"] == tag["Key"]) {
          existing["Value"] = tag["Value"];
          replaced = true;
        }
      }
      if (!replaced) tags.push_back(tag);
    }
    if (static_cast<int>(tags.size()) > kMaxTagsPerResource) {
      throw errors::limit_exceeded("The number of tags for the resource exceeds the limit of 50");
    }
    (*table)["Tags"] = tags;
  });
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> DynamoDbService::untag_resource(RequestContext& context, const Json& in) {
  std::string key = record_key_of_arn(context, in["ResourceArn"]);
  auto [pending, record] = tables_.update(key, [&](std::optional<Json>& table) {
    if (!table) throw errors::resource_not_found("Requested resource not found: ResourcArn: " + in["ResourceArn"].get<std::string>() + " not found");
    Json kept = Json::array();
    for (const auto& tag : table->value("Tags", Json::array())) {
      bool removed = false;
      for (const auto& name : in["TagKeys"]) removed = removed || tag["Key"] == name;
      if (!removed) kept.push_back(tag);
    }
    (*table)["Tags"] = kept;
  });
  co_await pending->wait();
  co_return Json::object();
}

awaitable<Json> DynamoDbService::list_tags_of_resource(RequestContext& context, const Json& in) {
  std::string key = record_key_of_arn(context, in["ResourceArn"]);
  auto record = tables_.get(key);
  if (!record) throw errors::resource_not_found("Requested resource not found: ResourcArn: " + in["ResourceArn"].get<std::string>() + " not found");
  co_return Json{{"Tags", record->value("Tags", Json::array())}};
}

awaitable<Json> DynamoDbService::describe_limits(RequestContext&, const Json&) {
  co_return Json{{"AccountMaxReadCapacityUnits", 80000},
                 {"AccountMaxWriteCapacityUnits", 80000},
                 {"TableMaxReadCapacityUnits", 40000},
                 {"TableMaxWriteCapacityUnits", 40000}};
}

awaitable<Json> DynamoDbService::describe_endpoints(RequestContext& context, const Json&) {
  co_return Json{{"Endpoints", Json::array({{{"Address", "dynamodb." + context.region + ".amazonaws.com"},
                                             {"CachePeriodInMinutes", 1440}}})}};
}

awaitable<Json> DynamoDbService::describe_continuous_backups(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  auto record = tables_.get(scope(context) + name);
  if (!record) throw AwsError(400, "TableNotFoundException", "Table not found: " + name);
  co_return Json{{"ContinuousBackupsDescription", backups_description(*record)}};
}

awaitable<Json> DynamoDbService::update_continuous_backups(RequestContext& context, const Json& in) {
  std::string name = in["TableName"].get<std::string>();
  bool enable = in["PointInTimeRecoverySpecification"].value("PointInTimeRecoveryEnabled", false);
  double now = static_cast<double>(clock_.now_ms()) / 1000.0;
  auto [pending, record] = tables_.update(scope(context) + name, [&](std::optional<Json>& table) {
    if (!table) throw AwsError(400, "TableNotFoundException", "Table not found: " + name);
    if (enable) {
      int days = in["PointInTimeRecoverySpecification"].value("RecoveryPeriodInDays", 35);
      (*table)["PointInTimeRecovery"] = {{"PointInTimeRecoveryStatus", "ENABLED"},
                                         {"RecoveryPeriodInDays", days},
                                         {"EarliestRestorableDateTime", now},
                                         {"LatestRestorableDateTime", now}};
    } else {
      table->erase("PointInTimeRecovery");
    }
  });
  co_await pending->wait();
  co_return Json{{"ContinuousBackupsDescription", backups_description(*record)}};
}

}  // namespace nimbus::dynamodb
