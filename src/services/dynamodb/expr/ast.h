#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/dynamodb/expr/value.h"

namespace nimbus::dynamodb::expr {

// One step of a document path: an attribute or map key (placeholders already resolved), or a list
// index.
struct PathElement {
  bool is_index = false;
  std::string name;
  uint32_t index = 0;

  friend bool operator==(const PathElement&, const PathElement&) = default;
};
using Path = std::vector<PathElement>;

// DynamoDB's rendering of a path in error messages: [a, b, [3]].
std::string path_text(const Path& path);

// An operand: a document path, an ExpressionAttributeValue (resolved, `placeholder` kept for
// errors), a function call, or (in SET) a + b / a - b.
struct Operand {
  enum class Kind { Path, Value, Function, Plus, Minus };
  Kind kind = Kind::Path;
  Path path;
  Json value;
  std::string name;  // the placeholder (Value) or function name (Function)
  std::vector<Operand> args;
};

enum class Comparator { Eq, Ne, Lt, Le, Gt, Ge };

// A condition tree (ConditionExpression, FilterExpression, KeyConditionExpression).
struct Condition {
  enum class Kind { Compare, Between, In, Function, And, Or, Not };
  Kind kind = Kind::Compare;
  Comparator comparator = Comparator::Eq;
  std::string function;  // Function: attribute_exists, begins_with, ...
  std::vector<Operand>
      operands;  // Compare: 2; Between: value, low, high; In: value, candidates...; Function: args
  std::vector<Condition> children;  // And/Or: 2; Not: 1
};

// One action of an UpdateExpression.
struct UpdateAction {
  enum class Kind { Set, Remove, Add, Delete };
  Kind kind = Kind::Set;
  Path path;
  Operand value;  // Set: the value expression; Add/Delete: the value; Remove: unused
};

struct Update {
  std::vector<UpdateAction> actions;  // in expression order
};

struct Projection {
  std::vector<Path> paths;
};

// One term of a KeyConditionExpression: `key <op> :v`, `key BETWEEN :a AND :b`, `begins_with(key,
// :v)`.
struct KeyTerm {
  enum class Op { Eq, Lt, Le, Gt, Ge, Between, BeginsWith };
  std::string attribute;
  Op op = Op::Eq;
  std::vector<Json> values;  // 1, or 2 for Between
};

struct KeyCondition {
  std::vector<KeyTerm> terms;  // 1 or 2, in expression order
};

}  // namespace nimbus::dynamodb::expr
