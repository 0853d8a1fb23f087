#include "services/dynamodb/collection_metrics.h"

#include <cmath>

#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/expression.h"
#include "services/dynamodb/item_keys.h"

namespace nimbus::dynamodb {

bool wants_collection_metrics(const Json& request) {
  return request.value("ReturnItemCollectionMetrics", "NONE") == "SIZE";
}

Json collection_metrics(storage::Store& store, const TableSchema& schema, const Json& item) {
  bool has_local_index = false;
  for (const auto& index : schema.indexes) has_local_index = has_local_index || !index.global;
  if (!has_local_index || !item.contains(schema.hash.name)) return nullptr;
  const Json& hash = item[schema.hash.name];
  size_t bytes = 0;
  auto add = [&](std::string prefix) {
    append_key_value(prefix, hash, schema.hash.type);
    store.scan(kSpace, prefix, [&](std::string_view, std::string_view value) {
      bytes += expr::item_size(Json::parse(value));
      return true;
    });
  };
  add(items_prefix(schema));
  for (const auto& index : schema.indexes) {
    if (!index.global) add(index_prefix(schema, index));
  }
  double gigabytes = std::floor(static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return {{"ItemCollectionKey", {{schema.hash.name, hash}}}, {"SizeEstimateRangeGB", {gigabytes, gigabytes + 1}}};
}

void add_collection_metrics_by_table(storage::Store& store, Json& out, const WrittenItems& written) {
  Json by_table = Json::object();
  for (const auto& [schema, item] : written) {
    Json metrics = collection_metrics(store, *schema, item);
    if (!metrics.is_null()) by_table[schema->name].push_back(std::move(metrics));
  }
  if (!by_table.empty()) out["ItemCollectionMetrics"] = std::move(by_table);
}

}  // namespace nimbus::dynamodb
