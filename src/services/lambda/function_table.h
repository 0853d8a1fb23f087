#pragma once
// Lambda's durable state (storage::RecordTable): one JSON record per function (its $LATEST configuration, published
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

#include <nlohmann/json.hpp>
#include <string>

#include "storage/record_table.h"

namespace nimbus::lambda {

using Json = nlohmann::json;

using RecordTable = storage::RecordTable;

// Keys: "<account>/<region>/<name>".
std::string scoped_key(const std::string& account, const std::string& region, const std::string& name);

inline constexpr std::string_view kLambdaSpace = "lambda";

}  // namespace nimbus::lambda
