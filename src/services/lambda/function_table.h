#pragma once
// Lambda's durable state: one JSON record per function (its $LATEST configuration, published
// versions, aliases, policy, concurrency, async-invoke configs, URL config, tags), one per layer,
// one per event source mapping, all in the store's `lambda` space and mirrored in memory. Changes
// are read-modify-write under one lock, submitted to the store under it (so memory and disk agree
// on the order) and awaited by the caller.
//
// A function record:
//   {"latest": <FunctionConfiguration as Lambda returns it>, "code": {"$LATEST": <sha256 hex>, "1": ...},
//    "versions": {"1": <FunctionConfiguration>}, "next_version": 2, "aliases": {"live": <AliasConfiguration>},
//    "policy": [<statement>...], "concurrency": <int or null>, "invoke_configs": {"$LATEST": {...}},
//    "url_configs": {"$LATEST": {...}}, "tags": {...}}
// "policy" becomes {"$LATEST" | version | alias: [<statement as JSON text>...]} once a permission
// is added (permission_ops.cpp). A layer record (layer_ops.cpp):
//   {"name": ..., "next_version": 3, "versions": {"1": <LayerVersion + "sha256_hex", "policy", "policy_revision">},
//    "deleted": {"2": <sha256 hex>}}  (deleted versions' contents, for functions that still use them)

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace nimbus::lambda {

using Json = nlohmann::json;

class RecordTable {
 public:
  // `kind` prefixes the keys ("fn", "layer", "esm").
  RecordTable(storage::Store& store, std::string kind) : store_(store), kind_(std::move(kind)) {}

  void load();
  std::optional<Json> get(const std::string& key) const;
  // Records whose key starts with `prefix`, in key order.
  std::vector<std::pair<std::string, Json>> list(const std::string& prefix) const;

  // Runs `change` on the record (nullopt when absent) under the table's lock; what it leaves is
  // stored (nullopt deletes). AwsError thrown by `change` leaves everything as it was. `extra`
  // lets the caller add to the same batch (deliveries staged with the change). Returns the
  // commit to await and the record as changed.
  using Change = std::function<void(std::optional<Json>& record)>;
  using Extra = std::function<void(storage::WriteBatch& batch, const std::optional<Json>& record)>;
  std::pair<std::shared_ptr<storage::PendingCommit>, std::optional<Json>> update(const std::string& key,
                                                                                const Change& change,
                                                                                const Extra& extra = {});
  void clear();

 private:
  storage::Store& store_;
  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Json> records_;
};

// Keys: "<account>/<region>/<name>".
std::string scoped_key(const std::string& account, const std::string& region, const std::string& name);

inline constexpr std::string_view kLambdaSpace = "lambda";

}  // namespace nimbus::lambda
