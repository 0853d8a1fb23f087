// PutItem, GetItem, UpdateItem, DeleteItem.

#include "services/dynamodb/collection_metrics.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/item_request.h"

namespace nimbus::dynamodb {
namespace {

constexpr size_t kMaxItemBytes = 400 * 1024;

const Json kNoItem = Json::object();

void add_capacity(Json& out, const std::string& table, const Capacity& capacity, const Json& request) {
  Json consumed = consumed_capacity(table, capacity, member_or_null(request, "ReturnConsumedCapacity"));
  if (!consumed.is_null()) out["ConsumedCapacity"] = std::move(consumed);
}

void add_collection_metrics(storage::Store& store, Json& out, const TableSchema& schema, const ItemWrite& write,
                            const Json& in) {
  const std::optional<Json>& item = write.new_item ? write.new_item : write.old_item;
  if (!wants_collection_metrics(in) || !item) return;
  Json metrics = collection_metrics(store, schema, *item);
  if (!metrics.is_null()) out["ItemCollectionMetrics"] = std::move(metrics);
}

// Checks an item as every write does: valid values, within 400 KB.
void check_item(Json& item) {
  expr::validate_item(item);
  if (expr::item_size(item) > kMaxItemBytes) throw errors::item_too_large();
}

}  // namespace

awaitable<Json> DynamoDbService::put_item(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  std::string returning = return_values(in, {"NONE", "ALL_OLD"}, "PutItem");
  require_expressions(in, {"ConditionExpression"});
  RequestExpressions expressions(in);
  expressions.parse_condition(in);
  expressions.placeholders.check_all_used();
  Json item = in["Item"];
  check_item(item);
  Locate locate = [&](const TableSchema& schema) { return item_key_of_item(schema, item); };
  Decide decide = [&](const TableSchema&, const std::optional<Json>& old_item) -> std::optional<Json> {
    if (expressions.condition && !expr::evaluate(*expressions.condition, old_item ? *old_item : kNoItem)) {
      throw condition_failed(in, old_item);
    }
    return item;
  };
  auto writing = write_item(table, locate, decide);
  ItemWrite write = co_await std::move(writing);
  Json out = Json::object();
  if (returning == "ALL_OLD" && write.old_item) out["Attributes"] = *write.old_item;
  auto schema = table->current_schema();
  add_capacity(out, schema->name, write.capacity, in);
  add_collection_metrics(store_, out, *schema, write, in);
  co_return out;
}

awaitable<Json> DynamoDbService::get_item(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  require_expressions(in, {}, {"ProjectionExpression"});
  RequestExpressions expressions(in);
  expressions.parse_projection(in);
  expressions.placeholders.check_all_used();
  auto schema = table->current_schema();
  auto item = read_item(item_key_from_key(*schema, in["Key"]));
  bool consistent = in.value("ConsistentRead", false);
  Json out = Json::object();
  Capacity capacity;
  capacity.table = read_units(item ? expr::item_size(*item) : 0, consistent);
  if (item) out["Item"] = projected(expressions.projection, *item);
  add_capacity(out, schema->name, capacity, in);
  co_return out;
}

awaitable<Json> DynamoDbService::delete_item(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  std::string returning = return_values(in, {"NONE", "ALL_OLD"}, "DeleteItem");
  require_expressions(in, {"ConditionExpression"});
  RequestExpressions expressions(in);
  expressions.parse_condition(in);
  expressions.placeholders.check_all_used();
  Locate locate = [&](const TableSchema& schema) { return item_key_from_key(schema, in["Key"]); };
  Decide decide = [&](const TableSchema&, const std::optional<Json>& old_item) -> std::optional<Json> {
    if (expressions.condition && !expr::evaluate(*expressions.condition, old_item ? *old_item : kNoItem)) {
      throw condition_failed(in, old_item);
    }
    return std::nullopt;
  };
  auto writing = write_item(table, locate, decide);
  ItemWrite write = co_await std::move(writing);
  Json out = Json::object();
  if (returning == "ALL_OLD" && write.old_item) out["Attributes"] = *write.old_item;
  auto schema = table->current_schema();
  add_capacity(out, schema->name, write.capacity, in);
  add_collection_metrics(store_, out, *schema, write, in);
  co_return out;
}

awaitable<Json> DynamoDbService::update_item(RequestContext& context, const Json& in) {
  auto table = table_from_member(context, in["TableName"]);
  std::string returning = return_values(in, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}, "UpdateItem");
  require_expressions(in, {"UpdateExpression", "ConditionExpression"});
  RequestExpressions expressions(in);
  std::optional<expr::Update> update;
  if (in.contains("UpdateExpression")) {
    if (in.contains("AttributeUpdates")) {
      throw errors::validation(
          "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
          "{AttributeUpdates} Expression parameters: {UpdateExpression}");
    }
    update = expr::parse_update(in["UpdateExpression"].get<std::string>(), expressions.placeholders);
  } else if (in.contains("AttributeUpdates")) {
    update = legacy_update(in["AttributeUpdates"]);
  }
  expressions.parse_condition(in);
  expressions.placeholders.check_all_used();

  Json key = in["Key"];
  expr::validate_item(key);  // numbers normalized as the stored item's are
  Locate locate = [&](const TableSchema& schema) { return item_key_from_key(schema, key); };
  Decide decide = [&](const TableSchema& schema, const std::optional<Json>& old_item) -> std::optional<Json> {
    if (expressions.condition && !expr::evaluate(*expressions.condition, old_item ? *old_item : kNoItem)) {
      throw condition_failed(in, old_item);
    }
    // An absent item starts as its key.
    Json base = old_item ? *old_item : key;
    Json updated = update ? expr::apply_update(*update, base) : base;
    for (const KeyAttribute* key : {&schema.hash, schema.range ? &*schema.range : nullptr}) {
      if (!key) continue;
      auto before = base.find(key->name);
      auto after = updated.find(key->name);
      if (after == updated.end() || *after != *before) {
        throw errors::invalid_parameter("Cannot update attribute " + key->name + ". This attribute is part of the key");
      }
    }
    expr::validate_item(updated);
    if (expr::item_size(updated) > kMaxItemBytes) throw errors::validation("Item size to update has exceeded the maximum allowed size");
    return updated;
  };
  auto writing = write_item(table, locate, decide);
  ItemWrite write = co_await std::move(writing);
  Json out = Json::object();
  if (returning == "ALL_OLD" && write.old_item) out["Attributes"] = *write.old_item;
  if (returning == "ALL_NEW" && write.new_item) out["Attributes"] = *write.new_item;
  if (update && write.new_item && (returning == "UPDATED_OLD" || returning == "UPDATED_NEW")) {
    const Json& source = returning == "UPDATED_NEW" ? *write.new_item : (write.old_item ? *write.old_item : kNoItem);
    Json attributes = updated_attributes(*update, source);
    if (!attributes.empty()) out["Attributes"] = std::move(attributes);
  }
  auto schema = table->current_schema();
  add_capacity(out, schema->name, write.capacity, in);
  add_collection_metrics(store_, out, *schema, write, in);
  co_return out;
}

}  // namespace nimbus::dynamodb
