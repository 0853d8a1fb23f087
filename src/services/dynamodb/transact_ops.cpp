// TransactWriteItems and TransactGetItems: every table involved is locked (in one order), every
// condition evaluated, and either all changes go into one store batch or none does and the
// answer is TransactionCanceledException with a reason per action, in order.
#include <algorithm>
#include <set>

#include "services/dynamodb/collection_metrics.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/item_request.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

constexpr int64_t kTokenLifetimeMs = 10 * 60 * 1000;
constexpr size_t kMaxItemBytes = 400 * 1024;

struct Action {
  std::string kind;  // Put, Update, Delete, ConditionCheck, Get
  const Json* request = nullptr;
  std::shared_ptr<TableState> table;
  std::shared_ptr<const TableSchema> schema;
  std::unique_ptr<RequestExpressions> expressions;
  std::optional<expr::Update> update;
  Json key_or_item;
  std::string store_key;
};

// Locks the tables of the actions, each once, in address order.
class TableLocks {
 public:
  explicit TableLocks(const std::vector<Action>& actions) {
    std::vector<TableState*> tables;
    for (const auto& action : actions) tables.push_back(action.table.get());
    std::sort(tables.begin(), tables.end());
    tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
    for (auto* table : tables) {
      locks_.emplace_back(table->mutex);
      if (table->deleted) throw errors::resource_not_found();
    }
  }

 private:
  std::vector<std::unique_lock<std::mutex>> locks_;
};

Action parse_action(DynamoDbService& service, const RequestContext& context, const Json& entry, bool reads) {
  Action action;
  for (const char* kind : {"Put", "Update", "Delete", "ConditionCheck", "Get"}) {
    if (!entry.contains(kind)) continue;
    if (!action.kind.empty()) {
      throw errors::validation("TransactItems can only contain one of Check, Put, Update or Delete");
    }
    action.kind = kind;
  }
  if (action.kind.empty() || (reads != (action.kind == "Get"))) {
    throw errors::validation(reads ? "TransactItems can only contain Get" : "TransactItems can only contain one of Check, Put, Update or Delete");
  }
  action.request = &entry[action.kind];
  const Json& request = *action.request;
  action.table = service.table_from_member(context, request["TableName"]);
  action.schema = action.table->current_schema();
  action.expressions = std::make_unique<RequestExpressions>(request);
  if (action.kind == "Update") {
    action.update = expr::parse_update(request["UpdateExpression"].get<std::string>(), action.expressions->placeholders);
  }
  if (action.kind == "Get") {
    action.expressions->parse_projection(request);
  } else {
    action.expressions->parse_condition(request);
    if (action.kind == "ConditionCheck" && !action.expressions->condition) {
      throw errors::validation("1 validation error detected: Value null at 'transactItems.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
    }
  }
  action.expressions->placeholders.check_all_used();
  if (action.kind == "Put") {
    action.key_or_item = request["Item"];
    expr::validate_item(action.key_or_item);
    if (expr::item_size(action.key_or_item) > kMaxItemBytes) throw errors::item_too_large();
    action.store_key = item_key_of_item(*action.schema, action.key_or_item);
    for (const auto& index : action.schema->indexes) index_key_of_item(*action.schema, index, action.key_or_item);
  } else {
    action.key_or_item = request["Key"];
    expr::validate_item(action.key_or_item);
    action.store_key = item_key_from_key(*action.schema, action.key_or_item);
  }
  return action;
}

// ConsumedCapacity of a transaction: one entry per table, when the request asked for it.
void add_capacity_by_table(Json& out, const std::map<std::string, Capacity>& capacity_by_table, const Json& in) {
  Json consumed = Json::array();
  for (const auto& [name, capacity] : capacity_by_table) {
    Json entry = consumed_capacity(name, capacity, member_or_null(in, "ReturnConsumedCapacity"));
    if (!entry.is_null()) consumed.push_back(std::move(entry));
  }
  if (!consumed.empty()) out["ConsumedCapacity"] = consumed;
}

std::string token_record_key(const std::string& token_key) { return storage::keys::join({"txn", token_key}); }

std::string reasons_text(const Json& reasons) {
  std::string out;
  for (const auto& reason : reasons) out += (out.empty() ? "" : ", ") + reason["Code"].get<std::string>();
  return "[" + out + "]";
}

}  // namespace

awaitable<Json> DynamoDbService::transact_write_items(RequestContext& context, const Json& in) {
  std::string token = in.value("ClientRequestToken", "");
  std::string token_key = scope(context) + token;
  Json fingerprint = in;
  fingerprint.erase("ReturnConsumedCapacity");
  fingerprint.erase("ReturnItemCollectionMetrics");
  std::string fingerprint_text = fingerprint.dump();
  // Whether the token's transaction was already made (then the same answer, nothing done twice).
  auto already_done = [&] {
    if (token.empty()) return false;
    std::lock_guard lock(tokens_mutex_);
    int64_t now = clock_.now_ms();
    storage::WriteBatch expired;
    std::erase_if(transaction_tokens_, [&](const auto& entry) {
      if (entry.second.second >= now) return false;
      expired.remove(kSpace, token_record_key(entry.first));
      return true;
    });
    if (!expired.empty()) store_.submit(std::move(expired));  // not waited for: an old token is ignored anyway
    auto it = transaction_tokens_.find(token_key);
    if (it == transaction_tokens_.end()) return false;
    if (it->second.first != fingerprint_text) throw errors::idempotent_parameter_mismatch();
    return true;
  };
  if (already_done()) {
    // The first one's batch may still be on its way to disk: answer once it is durable.
    auto barrier = store_.submit(storage::WriteBatch{});
    co_await barrier->wait();
    co_return Json::object();
  }

  std::vector<Action> actions;
  std::set<std::pair<TableState*, std::string>> items;
  for (const auto& entry : in["TransactItems"]) {
    actions.push_back(parse_action(*this, context, entry, false));
    if (!items.emplace(actions.back().table.get(), actions.back().store_key).second) {
      throw errors::validation("Transaction request cannot include multiple operations on one item");
    }
  }

  std::map<TableState*, storage::WriteBatch> batches;
  std::map<std::string, Capacity> capacity_by_table;
  std::vector<std::shared_ptr<storage::PendingCommit>> pending;
  WrittenItems written;  // for ReturnItemCollectionMetrics
  bool retried = false;
  {
    TableLocks locks(actions);
    // A retry with the same token may have waited here for the first to finish: it answers once
    // the first one's batch is durable (submitted before this empty one, so committed first).
    retried = already_done();
    if (retried) pending.push_back(store_.submit(storage::WriteBatch{}));
    if (!retried) {
      Json reasons = Json::array();
      bool cancelled = false;
      std::vector<ItemChange> changes;
      for (const auto& action : actions) {
        auto old_item = read_item(action.store_key);
        Json reason = {{"Code", "None"}};
        static const Json kNoItem = Json::object();
        const Json& request = *action.request;
        ItemChange change{action.store_key, old_item, old_item};
        if (action.expressions->condition && !expr::evaluate(*action.expressions->condition, old_item ? *old_item : kNoItem)) {
          reason = {{"Code", "ConditionalCheckFailed"}, {"Message", "The conditional request failed"}};
          if (old_item && request.value("ReturnValuesOnConditionCheckFailure", "NONE") == "ALL_OLD") reason["Item"] = *old_item;
          cancelled = true;
        } else if (action.kind == "Put") {
          change.new_item = action.key_or_item;
        } else if (action.kind == "Delete") {
          change.new_item = std::nullopt;
        } else if (action.kind == "Update") {
          try {
            Json updated = expr::apply_update(*action.update, old_item ? *old_item : action.key_or_item);
            for (const KeyAttribute* key : {&action.schema->hash, action.schema->range ? &*action.schema->range : nullptr}) {
              if (key && (!updated.contains(key->name) || updated[key->name] != action.key_or_item[key->name])) {
                throw errors::invalid_parameter("Cannot update attribute " + key->name + ". This attribute is part of the key");
              }
            }
            expr::validate_item(updated);
            if (expr::item_size(updated) > kMaxItemBytes) {
              throw errors::validation("Item size to update has exceeded the maximum allowed size");
            }
            for (const auto& index : action.schema->indexes) index_key_of_item(*action.schema, index, updated);
            change.new_item = std::move(updated);
          } catch (const expr::ExpressionError& error) {
            reason = {{"Code", "ValidationError"}, {"Message", error.message}};
            cancelled = true;
          } catch (const AwsError& error) {
            reason = {{"Code", "ValidationError"}, {"Message", error.message}};
            cancelled = true;
          }
        }
        reasons.push_back(reason);
        changes.push_back(std::move(change));
      }
      if (cancelled) {
        AwsError error(400, "TransactionCanceledException",
                       "Transaction cancelled, please refer cancellation reasons for specific reasons " + reasons_text(reasons));
        error.json_members.emplace_back("CancellationReasons", reasons.dump());
        throw error;
      }
      for (size_t i = 0; i < actions.size(); ++i) {
        const auto& change = changes[i];
        Capacity& capacity = capacity_by_table[actions[i].schema->name];
        if (actions[i].kind == "ConditionCheck" || (!change.old_item && !change.new_item)) {
          capacity.table += 2;  // a check reads in the transaction: 2 units
          continue;
        }
        if (wants_collection_metrics(in)) {
          written.emplace_back(actions[i].schema, change.new_item ? *change.new_item : *change.old_item);
        }
        Capacity used = stage_change(*actions[i].table, batches[actions[i].table.get()], change);
        // Transactional writes cost twice a standard write.
        used.table *= 2;
        for (auto& [name, units] : used.local_indexes) units *= 2;
        for (auto& [name, units] : used.global_indexes) units *= 2;
        capacity.add(used);
      }
      // One batch across tables: all or nothing, also across a crash.
      storage::WriteBatch all;
      for (auto& [table, batch] : batches) {
        write_counters(*table, batch);
        for (const auto& op : batch.ops()) {
          if (op.value) {
            all.put(op.space, op.key, *op.value);
          } else {
            all.remove(op.space, op.key);
          }
        }
      }
      if (!token.empty()) {
        // In the transaction's own batch: a retry after a crash is still recognised.
        int64_t expires = clock_.now_ms() + kTokenLifetimeMs;
        all.put(kSpace, token_record_key(token_key), Json{{"request", fingerprint_text}, {"expires_ms", expires}}.dump());
        std::lock_guard lock(tokens_mutex_);
        transaction_tokens_[token_key] = {fingerprint_text, expires};
      }
      if (!all.empty()) pending.push_back(store_.submit(std::move(all)));
    }
  }
  for (auto& commit : pending) co_await commit->wait();
  if (retried) co_return Json::object();
  Json out = Json::object();
  add_capacity_by_table(out, capacity_by_table, in);
  add_collection_metrics_by_table(store_, out, written);
  co_return out;
}

void DynamoDbService::load_transaction_tokens() {
  int64_t now = clock_.now_ms();
  storage::WriteBatch expired;
  std::lock_guard lock(tokens_mutex_);
  store_.scan(kSpace, storage::keys::join({"txn"}), [&](std::string_view key, std::string_view value) {
    auto parts = storage::keys::split(key);
    auto record = Json::parse(value, nullptr, false);
    int64_t expires = record.is_object() ? record.value("expires_ms", int64_t{0}) : 0;
    if (!parts || parts->size() != 2 || expires < now) {
      expired.remove(kSpace, key);
    } else {
      transaction_tokens_[(*parts)[1]] = {record.value("request", ""), expires};
    }
    return true;
  });
  if (!expired.empty()) store_.submit(std::move(expired));
}

awaitable<Json> DynamoDbService::transact_get_items(RequestContext& context, const Json& in) {
  std::vector<Action> actions;
  for (const auto& entry : in["TransactItems"]) actions.push_back(parse_action(*this, context, entry, true));
  Json responses = Json::array();
  std::map<std::string, Capacity> capacity_by_table;
  {
    TableLocks locks(actions);  // a consistent view across the tables
    for (const auto& action : actions) {
      auto item = read_item(action.store_key);
      capacity_by_table[action.schema->name].table += 2 * read_units(item ? expr::item_size(*item) : 0, true);
      Json response = Json::object();
      if (item) response["Item"] = projected(action.expressions->projection, *item);
      responses.push_back(std::move(response));
    }
  }
  Json out = {{"Responses", responses}};
  add_capacity_by_table(out, capacity_by_table, in);
  co_return out;
}

}  // namespace nimbus::dynamodb
