#pragma once
// ReturnItemCollectionMetrics SIZE: for a table with local secondary indexes, the item collection
// a write touched (its partition's items and their local index entries) and its size estimate in
// GB as the [lower, upper] range DynamoDB answers. PutItem, UpdateItem and DeleteItem answer one;
// BatchWriteItem and TransactWriteItems one per write, listed under each table's name.

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "services/dynamodb/table_schema.h"
#include "storage/store.h"

namespace nimbus::dynamodb {

bool wants_collection_metrics(const nlohmann::json& request);

// The metrics of the collection `item` belongs to, measured now; null for a table without local
// secondary indexes.
nlohmann::json collection_metrics(storage::Store& store, const TableSchema& schema, const nlohmann::json& item);

// Each written item's collection metrics listed under its table's name, as BatchWriteItem and
// TransactWriteItems answer them; nothing when no table written has local secondary indexes.
using WrittenItems = std::vector<std::pair<std::shared_ptr<const TableSchema>, nlohmann::json>>;
void add_collection_metrics_by_table(storage::Store& store, nlohmann::json& out, const WrittenItems& written);

}  // namespace nimbus::dynamodb
