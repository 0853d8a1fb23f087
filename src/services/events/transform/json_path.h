#pragma once
// The JSONPath subset EventBridge takes in a target's InputPath and InputPathsMap values:
// `$`, `.name` (letters, digits, `-`, `_`, `/`), `.*`, `[n]`, `[*]`. Bracketed names
// (`['a']`) are refused, as PutTargets refuses them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nimbus::events::transform {

using Json = nlohmann::json;

struct PathStep {
  enum class Kind { Key, Index, Wildcard } kind = Kind::Key;
  std::string key;
  size_t index = 0;
};

struct JsonPath {
  std::vector<PathStep> steps;  // empty = `$`, the whole document
  bool has_wildcard = false;
};

// nullopt when the text is not a path EventBridge accepts.
std::optional<JsonPath> parse_path(std::string_view text);

// The value a path selects. A path with a wildcard selects the array of every match (as
// JSONPath engines answer); nullopt when nothing matches.
std::optional<Json> select(const JsonPath& path, const Json& document);

}  // namespace nimbus::events::transform
