#pragma once

#include "services/dynamodb/expr/ast.h"

namespace nimbus::dynamodb::expr {

// The value at `path` inside an item, or nullptr when any step is missing or of the wrong type
// (a name step needs a map, an index step a list). Internal to the evaluators.
const Json* find(const Json& item, const Path& path);

}  // namespace nimbus::dynamodb::expr
