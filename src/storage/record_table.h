#pragma once
// A small durable table of JSON records for control-plane state (functions, rules, buses...):
// every record of one kind in a store space, mirrored in memory. Changes are read-modify-write
// under one lock and submitted to the store under it (so memory and disk agree on the order);
// the caller awaits the returned commit before answering.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace nimbus::storage {

class RecordTable {
 public:
  using Json = nlohmann::json;
  // Records live in `space` under keys "<kind>/<key>".
  RecordTable(Store& store, std::string space, std::string kind)
      : store_(store), space_(std::move(space)), kind_(std::move(kind)) {}

  void load();
  std::optional<Json> get(const std::string& key) const;
  // Records whose key starts with `prefix`, in key order.
  std::vector<std::pair<std::string, Json>> list(const std::string& prefix) const;

  // Runs `change` on the record (nullopt when absent) under the table's lock; what it leaves is
  // stored (nullopt deletes). AwsError thrown by `change` leaves everything as it was. `extra`
  // lets the caller add to the same batch (deliveries staged with the change). Returns the
  // commit to await and the record as changed.
  using Change = std::function<void(std::optional<Json>& record)>;
  using Extra = std::function<void(WriteBatch& batch, const std::optional<Json>& record)>;
  std::pair<std::shared_ptr<PendingCommit>, std::optional<Json>> update(const std::string& key, const Change& change,
                                                                        const Extra& extra = {});
  void clear();

 private:
  Store& store_;
  std::string space_;
  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Json> records_;
};

}  // namespace nimbus::storage
