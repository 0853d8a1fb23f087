// Live tables and the one place item changes are staged: the item, its index entries, its TTL
// entry and the table's counters go into the caller's batch together.
#include <cmath>

#include "core/arn.h"
#include "core/log.h"
#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/number.h"
#include "services/dynamodb/expr/value.h"
#include "services/dynamodb/item_keys.h"
#include "services/dynamodb/stream_records.h"
#include "services/dynamodb/ttl_index.h"
#include "storage/key_codec.h"

namespace nimbus::dynamodb {
namespace {

double write_units(size_t bytes) { return std::max(1.0, std::ceil(static_cast<double>(bytes) / 1024.0)); }

std::string counters_key(const TableSchema& schema) { return storage::keys::join({"n", schema.id}); }

Counters parse_counters(const std::optional<std::string>& stored) {
  Counters counters;
  if (!stored) return counters;
  auto json = Json::parse(*stored, nullptr, false);
  if (!json.is_object()) return counters;
  counters.sequence = json.value("sequence", int64_t{0});
  counters.items = json.value("items", int64_t{0});
  counters.bytes = json.value("bytes", int64_t{0});
  if (json.contains("indexes")) {
    for (const auto& [name, pair] : json["indexes"].items()) counters.indexes[name] = {pair[0], pair[1]};
  }
  return counters;
}

}  // namespace

std::string DynamoDbService::scope(const RequestContext& context) { return context.account_id + "/" + context.region + "/"; }

std::string DynamoDbService::table_arn(const RequestContext& context, const std::string& table) const {
  return "arn:aws:dynamodb:" + context.region + ":" + context.account_id + ":table/" + table;
}

std::shared_ptr<TableState> DynamoDbService::table(const RequestContext& context, const std::string& name) const {
  std::shared_lock lock(tables_mutex_);
  auto it = live_.find(scope(context) + name);
  if (it == live_.end()) throw errors::resource_not_found();
  return it->second;
}

std::shared_ptr<TableState> DynamoDbService::table_from_member(const RequestContext& context, const Json& name) const {
  std::string text = name.is_string() ? name.get<std::string>() : std::string();
  // A table ARN names the table too (arn:aws:dynamodb:<region>:<account>:table/<name>).
  if (text.starts_with("arn:")) {
    auto slash = text.find(":table/");
    if (slash == std::string::npos) throw errors::resource_not_found();
    text = text.substr(slash + 7);
  }
  return table(context, text);
}

std::optional<Json> DynamoDbService::read_item(const std::string& key) const {
  auto stored = store_.get(kSpace, key);
  if (!stored) return std::nullopt;
  return Json::parse(*stored);
}

awaitable<ItemWrite> DynamoDbService::write_item(std::shared_ptr<TableState> table, Locate locate, Decide decide) {
  ItemWrite write;
  std::shared_ptr<storage::PendingCommit> pending;
  {
    std::lock_guard lock(table->mutex);
    if (table->deleted) throw errors::resource_not_found();
    std::string key = locate(*table->schema);
    write.old_item = read_item(key);
    write.new_item = decide(*table->schema, write.old_item);
    if (!write.old_item && !write.new_item) {
      // Deleting an absent item writes nothing but still consumes a unit.
      write.capacity.table = 1;
      co_return write;
    }
    storage::WriteBatch batch;
    write.capacity = stage_change(*table, batch, {key, write.old_item, write.new_item});
    write_counters(*table, batch);
    pending = store_.submit(std::move(batch));
  }
  co_await pending->wait();
  co_return write;
}

void DynamoDbService::write_counters(const TableState& table, storage::WriteBatch& batch) const {
  Json json = {{"sequence", table.counters.sequence},
               {"items", table.counters.items},
               {"bytes", table.counters.bytes},
               {"indexes", Json::object()}};
  for (const auto& [name, pair] : table.counters.indexes) json["indexes"][name] = {pair.first, pair.second};
  batch.put(kSpace, counters_key(*table.schema), json.dump());
}

Capacity DynamoDbService::stage_change(TableState& table, storage::WriteBatch& batch, const ItemChange& change) {
  const TableSchema& schema = *table.schema;
  // Every check that can fail runs before anything is staged or counted.
  struct IndexMove {
    const IndexSchema* index;
    std::optional<std::string> old_key, new_key;
    Json projected;
  };
  std::vector<IndexMove> moves;
  for (const auto& index : schema.indexes) {
    IndexMove move{&index, {}, {}, {}};
    if (change.old_item) move.old_key = index_key_of_item(schema, index, *change.old_item);
    if (change.new_item) {
      move.new_key = index_key_of_item(schema, index, *change.new_item);
      if (move.new_key) move.projected = project_into_index(*change.new_item, schema, index);
    }
    moves.push_back(std::move(move));
  }

  Capacity capacity;
  size_t old_size = change.old_item ? expr::item_size(*change.old_item) : 0;
  size_t new_size = change.new_item ? expr::item_size(*change.new_item) : 0;
  capacity.table = write_units(std::max(old_size, new_size));
  if (change.new_item) {
    batch.put(kSpace, change.key, change.new_item->dump());
  } else {
    batch.remove(kSpace, change.key);
  }
  table.counters.items += (change.new_item ? 1 : 0) - (change.old_item ? 1 : 0);
  table.counters.bytes += static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size);

  for (auto& move : moves) {
    if (!move.old_key && !move.new_key) continue;
    auto& [index_items, index_bytes] = table.counters.indexes[move.index->name];
    double units = 0;
    if (move.old_key) {
      int64_t old_projected = static_cast<int64_t>(expr::item_size(project_into_index(*change.old_item, schema, *move.index)));
      index_items -= 1;
      index_bytes -= old_projected;
      if (move.old_key != move.new_key) {
        batch.remove(kSpace, *move.old_key);
        units += write_units(static_cast<size_t>(old_projected));
      }
    }
    if (move.new_key) {
      size_t projected_size = expr::item_size(move.projected);
      index_items += 1;
      index_bytes += static_cast<int64_t>(projected_size);
      batch.put(kSpace, *move.new_key, move.projected.dump());
      units += write_units(projected_size);
    }
    (move.index->global ? capacity.global_indexes : capacity.local_indexes)[move.index->name] += units;
  }

  if (!table.ttl_attribute.empty()) {
    // -1: no expiry (an item without a numeric TTL attribute has no entry).
    int64_t old_expiry = change.old_item ? ttl_seconds(*change.old_item, table.ttl_attribute).value_or(-1) : -1;
    int64_t new_expiry = change.new_item ? ttl_seconds(*change.new_item, table.ttl_attribute).value_or(-1) : -1;
    if (old_expiry != new_expiry) {
      if (old_expiry >= 0) batch.remove(kSpace, ttl_entry_key(schema, old_expiry, change.key));
      if (new_expiry >= 0) batch.put(kSpace, ttl_entry_key(schema, new_expiry, change.key), "");
    }
  }
  if (!table.stream_label.empty() && change.old_item != change.new_item) {
    int64_t sequence = ++table.counters.sequence;
    batch.put(kSpace, stream_record_key(schema.id, table.stream_label, sequence),
              stream_record(table, change, sequence, clock_.now_ms()).dump());
  }
  return capacity;
}

Json DynamoDbService::live_description(const TableState& table, const Json& record) const {
  Json description = record["Description"];
  description["ItemCount"] = table.counters.items;
  description["TableSizeBytes"] = table.counters.bytes;
  for (const char* kind : {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"}) {
    if (!description.contains(kind)) continue;
    for (auto& index : description[kind]) {
      auto it = table.counters.indexes.find(index["IndexName"].get<std::string>());
      index["ItemCount"] = it == table.counters.indexes.end() ? 0 : it->second.first;
      index["IndexSizeBytes"] = it == table.counters.indexes.end() ? 0 : it->second.second;
    }
  }
  return description;
}

void DynamoDbService::load_tables() {
  std::unique_lock lock(tables_mutex_);
  live_.clear();
  for (const auto& [key, record] : tables_.list("")) {
    auto state = std::make_shared<TableState>();
    state->schema = std::make_shared<const TableSchema>(TableSchema::from_description(record["Description"]));
    state->record_key = key;
    state->region = key.substr(key.find('/') + 1, key.find('/', key.find('/') + 1) - key.find('/') - 1);
    sync_stream(*state, record);
    if (record.contains("TimeToLive") && record["TimeToLive"].value("TimeToLiveStatus", "") == "ENABLED") {
      state->ttl_attribute = record["TimeToLive"].value("AttributeName", "");
    }
    state->counters = parse_counters(store_.get(kSpace, counters_key(*state->schema)));
    live_[key] = std::move(state);
  }
}

void DynamoDbService::backfill_index(TableState& table, const IndexSchema& index, storage::WriteBatch& batch) {
  auto& [index_items, index_bytes] = table.counters.indexes[index.name];
  store_.scan(kSpace, items_prefix(*table.schema), [&](std::string_view, std::string_view value) {
    Json item = Json::parse(value);
    std::optional<std::string> entry;
    try {
      entry = index_key_of_item(*table.schema, index, item);
    } catch (const AwsError&) {
      return true;  // an attribute of another type than the index key's is not indexed
    }
    if (entry) {
      Json projected = project_into_index(item, *table.schema, index);
      index_items += 1;
      index_bytes += static_cast<int64_t>(expr::item_size(projected));
      batch.put(kSpace, *entry, projected.dump());
    }
    return true;
  });
  write_counters(table, batch);
}

void DynamoDbService::stage_table_removal(const TableState& table, storage::WriteBatch& batch) {
  for (const char* kind : {"i", "x", "t", "s"}) {
    store_.scan(kSpace, storage::keys::join({kind, table.schema->id}), [&](std::string_view key, std::string_view) {
      batch.remove(kSpace, key);
      return true;
    });
  }
  batch.remove(kSpace, counters_key(*table.schema));
}

void DynamoDbService::trim_stream_records(const TableState& table, storage::WriteBatch& batch, int64_t now) {
  constexpr size_t kMaxTrimmedPerPass = 1000;
  size_t trimmed = 0;
  // Labels are creation times and sequence numbers grow, so the oldest records come first.
  store_.scan(kSpace, storage::keys::join({"s", table.schema->id}), [&](std::string_view key, std::string_view value) {
    auto record = Json::parse(value, nullptr, false);
    double created = record.is_object() ? record["dynamodb"].value("ApproximateCreationDateTime", 0.0) : 0.0;
    if (created >= static_cast<double>(now - kStreamRetentionSeconds)) return false;
    batch.remove(kSpace, key);
    return ++trimmed < kMaxTrimmedPerPass;
  });
}

awaitable<int64_t> DynamoDbService::expire_items() {
  std::vector<std::shared_ptr<TableState>> tables;
  {
    std::shared_lock lock(tables_mutex_);
    for (const auto& [key, table] : live_) tables.push_back(table);
  }
  int64_t now = clock_.now_seconds();
  int64_t expired = 0;
  for (const auto& table : tables) {
    std::shared_ptr<storage::PendingCommit> pending;
    {
      std::lock_guard lock(table->mutex);
      if (table->deleted) continue;
      storage::WriteBatch batch;
      bool any_expired = false;
      trim_stream_records(*table, batch, now);
      for (const auto& item_key : table->ttl_attribute.empty() ? std::vector<std::string>{} : due_item_keys(store_, *table->schema, now)) {
        auto item = read_item(item_key);
        auto expiry = item ? ttl_seconds(*item, table->ttl_attribute) : std::nullopt;
        if (!expiry || !ttl_due(*expiry, now)) continue;
        stage_change(*table, batch, {item_key, item, std::nullopt, true});
        ++expired;
        any_expired = true;
      }
      if (any_expired) write_counters(*table, batch);
      if (!batch.empty()) pending = store_.submit(std::move(batch));
    }
    if (pending) co_await pending->wait();
  }
  items_expired_ += expired;
  co_return expired;
}

}  // namespace nimbus::dynamodb
