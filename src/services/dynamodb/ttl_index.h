#pragma once
// Time to Live: an index of items by expiry, so the worker reads only what is due. An entry
// join("t", TableId) + u64(expiry seconds) + part(item key) exists for each item whose TTL
// attribute is a number, while TTL is enabled on its table. As on AWS, an expiry more than five
// years in the past is never acted on.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/dynamodb/table_schema.h"
#include "storage/store.h"

namespace nimbus::dynamodb {

// The item's expiry in epoch seconds: the TTL attribute when it is a non-negative N (fractions
// dropped); nullopt otherwise (no TTL for this item).
std::optional<int64_t> ttl_seconds(const Json& item, const std::string& attribute);
bool ttl_due(int64_t expiry, int64_t now);
std::string ttl_entry_key(const TableSchema& table, int64_t expiry, const std::string& item_key);
// The item keys whose expiry is due at `now`, oldest first, at most `limit`.
std::vector<std::string> due_item_keys(storage::Store& store, const TableSchema& table, int64_t now,
                                       size_t limit = 1000);

}  // namespace nimbus::dynamodb
