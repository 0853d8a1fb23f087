#pragma once
// The JSONPath subset $input.json / $input.path take: $ . name ['name'] ["name"] [0] [-1] [*] .*
// and ..name / ..* (deep scan). A path without '$' is read as "$." + path.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/vtl/ast.h"

namespace nimbus::apigateway::vtl {

struct JsonPathStep {
  enum class Kind { Key, Index, Wildcard };
  Kind kind = Kind::Key;
  bool deep = false;  // ..step
  std::string key;
  int64_t index = 0;
};

struct JsonPath {
  std::vector<JsonPathStep> steps;
  // One value or none (no wildcard or deep scan); otherwise the result is a list of matches.
  bool definite() const;
};

// Throws TemplateError (without a position) for what it cannot read.
JsonPath parse_json_path(std::string_view text);
// The matches, in document order; stops after `max_results`.
std::vector<const Value*> select(const JsonPath& path, const Value& root, size_t max_results);

}  // namespace nimbus::apigateway::vtl
