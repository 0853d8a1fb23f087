#pragma once
// The Data Catalog's state: databases, tables, archived table versions and partitions per
// account and region, in memory and written through to the store's "glue" space as JSON records.
//
// Store layout (space `glue`; K(...) is a tuple key of storage/key_codec.h, so every prefix
// below is one key range in the order shown):
//   "d" K(account, region, database)                         -> database record
//   "t" K(account, region, database, table)                  -> table record (current version)
//   "v" K(account, region, database, table) u64(version)    -> an archived table version (a Table)
//   "p" K(account, region, database, table) K(values...)     -> partition record
// One table's partitions are one range in partition-value order; a database's tables, versions
// and partitions are each one range (what DeleteDatabase removes).

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace nimbus::glue {

using Json = nlohmann::json;

inline constexpr std::string_view kSpace = "glue";

// One kind of record: the in-memory map (keyed by the store key without its kind letter) and the
// letter its store keys start with.
struct RecordMap {
  char kind;
  std::map<std::string, Json> records;

  std::string store_key(const std::string& key) const { return std::string(1, kind) + key; }
  // Sets the record and stages its write.
  void put(storage::WriteBatch& batch, const std::string& key, Json record);
  // Removes the record (if any) and stages its deletion.
  void remove(storage::WriteBatch& batch, const std::string& key);
  // Removes every record under `prefix`, staging the deletions; returns how many.
  size_t remove_prefix(storage::WriteBatch& batch, const std::string& prefix);
  const Json* find(const std::string& key) const;
};

// Callers hold `mutex` while they read or change the maps and submit the change's batch before
// they release it (disk order = memory order).
class GlueState {
 public:
  std::mutex mutex;
  RecordMap databases{'d', {}};
  RecordMap tables{'t', {}};
  RecordMap versions{'v', {}};
  RecordMap partitions{'p', {}};

  void load(storage::Store& store);
  void clear();
};

}  // namespace nimbus::glue
