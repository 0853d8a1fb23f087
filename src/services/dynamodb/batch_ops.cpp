// BatchGetItem and BatchWriteItem: every request validated before anything is read or written;
// each table's writes are one store batch. Nothing is left unprocessed (no throttling here), so
// UnprocessedKeys / UnprocessedItems are always empty.
#include <set>

#include "services/dynamodb/collection_metrics.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/item_request.h"

namespace nimbus::dynamodb {
namespace {

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWrites = 25;
constexpr size_t kMaxItemBytes = 400 * 1024;

void add_capacity(Json& list, const std::string& table, const Capacity& capacity, const Json& mode) {
  Json consumed = consumed_capacity(table, capacity, mode);
  if (!consumed.is_null()) list.push_back(std::move(consumed));
}

}  // namespace

awaitable<Json> DynamoDbService::batch_get_item(RequestContext& context, const Json& in) {
  const Json& request_items = in["RequestItems"];
  size_t total = 0;
  for (const auto& [name, request] : request_items.items()) total += request.value("Keys", Json::array()).size();
  if (total > kMaxBatchGetKeys) throw errors::validation("Too many items requested for the BatchGetItem call");
  Json mode = member_or_null(in, "ReturnConsumedCapacity");
  Json responses = Json::object();
  Json consumed = Json::array();
  for (const auto& [name, request] : request_items.items()) {
    auto table = table_from_member(context, Json(name));
    auto schema = table->current_schema();
    RequestExpressions expressions(request);
    expressions.parse_projection(request);
    expressions.placeholders.check_all_used();
    std::set<std::string> seen;
    std::vector<std::string> keys;
    for (auto key : request["Keys"]) {
      expr::validate_item(key);
      std::string store_key = item_key_from_key(*schema, key);
      if (!seen.insert(store_key).second) throw errors::validation("Provided list of item keys contains duplicates");
      keys.push_back(std::move(store_key));
    }
    bool consistent = request.value("ConsistentRead", false);
    Json items = Json::array();
    Capacity capacity;
    for (const auto& key : keys) {
      auto item = read_item(key);
      capacity.table += read_units(item ? expr::item_size(*item) : 0, consistent);
      if (item) items.push_back(projected(expressions.projection, *item));
    }
    responses[name] = std::move(items);
    add_capacity(consumed, schema->name, capacity, mode);
  }
  Json out = {{"Responses", responses}, {"UnprocessedKeys", Json::object()}};
  if (!consumed.empty()) out["ConsumedCapacity"] = consumed;
  co_return out;
}

awaitable<Json> DynamoDbService::batch_write_item(RequestContext& context, const Json& in) {
  const Json& request_items = in["RequestItems"];
  size_t total = 0;
  for (const auto& [name, requests] : request_items.items()) total += requests.size();
  if (total > kMaxBatchWrites) {
    throw errors::validation(
        "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
  }
  struct Write {
    std::string key;
    std::optional<Json> item;  // nullopt: delete
  };
  struct TableWrites {
    std::string name;
    std::shared_ptr<TableState> table;
    std::vector<Write> writes;
  };
  // Everything is checked before anything is written.
  std::vector<TableWrites> plan;
  for (const auto& [name, requests] : request_items.items()) {
    TableWrites table_writes{name, table_from_member(context, Json(name)), {}};
    auto schema = table_writes.table->current_schema();
    std::set<std::string> seen;
    for (const auto& request : requests) {
      bool put = request.contains("PutRequest"), remove = request.contains("DeleteRequest");
      if (put == remove) {
        throw errors::validation("1 validation error detected: WriteRequest must contain exactly one of PutRequest or DeleteRequest");
      }
      Write write;
      if (put) {
        Json item = request["PutRequest"]["Item"];
        expr::validate_item(item);
        if (expr::item_size(item) > kMaxItemBytes) throw errors::item_too_large();
        write.key = item_key_of_item(*schema, item);
        for (const auto& index : schema->indexes) index_key_of_item(*schema, index, item);
        write.item = std::move(item);
      } else {
        Json key = request["DeleteRequest"]["Key"];
        expr::validate_item(key);
        write.key = item_key_from_key(*schema, key);
      }
      if (!seen.insert(write.key).second) throw errors::validation("Provided list of item keys contains duplicates");
      table_writes.writes.push_back(std::move(write));
    }
    plan.push_back(std::move(table_writes));
  }

  Json mode = member_or_null(in, "ReturnConsumedCapacity");
  Json consumed = Json::array();
  std::vector<std::shared_ptr<storage::PendingCommit>> pending;
  // For ReturnItemCollectionMetrics: each write's table and item (the deleted one for a delete).
  WrittenItems written;
  for (auto& table_writes : plan) {
    Capacity capacity;
    TableState& table = *table_writes.table;
    std::string table_name;
    {
      std::lock_guard lock(table.mutex);
      table_name = table.schema->name;
      if (table.deleted) throw errors::resource_not_found();
      storage::WriteBatch batch;
      for (const auto& write : table_writes.writes) {
        auto old_item = read_item(write.key);
        if (!old_item && !write.item) {
          capacity.table += 1;
          continue;
        }
        if (wants_collection_metrics(in)) written.emplace_back(table.schema, write.item ? *write.item : *old_item);
        capacity.add(stage_change(table, batch, {write.key, old_item, write.item}));
      }
      if (!batch.empty()) {
        write_counters(table, batch);
        pending.push_back(store_.submit(std::move(batch)));
      }
    }
    add_capacity(consumed, table_name, capacity, mode);
  }
  for (auto& commit : pending) co_await commit->wait();
  Json out = {{"UnprocessedItems", Json::object()}};
  if (!consumed.empty()) out["ConsumedCapacity"] = consumed;
  add_collection_metrics_by_table(store_, out, written);
  co_return out;
}

}  // namespace nimbus::dynamodb
