#pragma once
// Walks a store space in key order from an exclusive lower bound, letting the visitor skip every
// key under a prefix (a listing's common prefix) without visiting them. The bound and every skip
// are one Store::scan_from seek, so a page costs the same wherever it starts in the space.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "storage/store.h"

namespace nimbus::s3 {

struct WalkStep {
  enum Kind { Continue, Stop, SkipPrefix } kind = Continue;
  std::string prefix;  // SkipPrefix: the store-key prefix whose keys are all skipped
  static WalkStep next() { return {}; }
  static WalkStep stop() { return {Stop, {}}; }
  static WalkStep skip(std::string prefix) { return {SkipPrefix, std::move(prefix)}; }
};

struct WalkStart {
  std::string key;              // exclusive lower bound (a store key); "" = from the start
  bool skip_extensions = false;  // also skip every key that starts with `key`
};

void ordered_walk(storage::Store& store, std::string_view space, const std::string& scan_prefix,
                  WalkStart start,
                  const std::function<WalkStep(std::string_view key, std::string_view value)>& visit);

}  // namespace nimbus::s3
