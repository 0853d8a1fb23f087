#pragma once
// The partition filter language of Glue's GetPartitions `Expression` (a SQL WHERE clause over a
// table's partition keys), a pure library: parse() turns the text into a tree whose columns are
// resolved against the table's PartitionKeys, and matches() evaluates it on a partition's Values.
//
// Grammar (keywords case-insensitive):
//   expr      := and_expr (OR and_expr)*
//   and_expr  := not_expr (AND not_expr)*
//   not_expr  := NOT not_expr | primary
//   primary   := '(' expr ')' | operand predicate
//   predicate := cmp operand                        cmp: = <> != < > <= >=
//              | [NOT] BETWEEN operand AND operand
//              | [NOT] IN '(' operand (',' operand)* ')'
//              | [NOT] LIKE operand                 % and _ wildcards, on the value's text
//              | IS [NOT] NULL                      partition values are never NULL
//   operand   := column | 'string' | "string" | number | DATE 'text' | TIMESTAMP 'text'
//   column    := identifier | `quoted identifier`   a partition key, matched case-insensitively
// A comparison is typed by its column's declared type: integer and decimal types (tinyint,
// smallint, int, integer, bigint, long, decimal(p,s), float, double) compare as numbers, every
// other type (string, char(n), varchar(n), date, timestamp) as text. A literal that is not a
// number compared with a numeric column is an error. Depth and size are bounded.
//
// Depends on nothing but the standard library (the clang fuzz build compiles it standalone).

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::glue::expr {

// A bad expression: what is wrong and where (byte offset). The service answers AWS's own text.
struct ExpressionError : std::runtime_error {
  size_t position;
  ExpressionError(const std::string& message, size_t at)
      : std::runtime_error(message), position(at) {}
};

// A partition key as the table declares it.
struct KeyColumn {
  std::string name;
  std::string type;  // "string", "int", "varchar(10)", ...
};

enum class Kind { Or, And, Not, Compare, Between, In, Like, IsNull };
enum class Cmp { Eq, Ne, Lt, Gt, Le, Ge };

struct Operand {
  int column = -1;   // index into the partition keys, or -1 for a literal
  std::string text;  // the literal's text
  bool numeric_literal = false;
};

struct Node {
  Kind kind{};
  Cmp cmp{};
  bool negated = false;           // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT NULL
  std::vector<Operand> operands;  // Compare: 2; Between: 3; In: 1 + list; Like: 2; IsNull: 1
  std::vector<std::unique_ptr<Node>> children;  // Or / And / Not
};

struct Expression {
  std::unique_ptr<Node> root;
  std::vector<KeyColumn> keys;
  std::vector<bool> numeric;  // per key: compares as a number
};

// True for the declared types that compare numerically.
bool is_numeric_type(std::string_view type);

// Parses `text` against the table's partition keys; throws ExpressionError. An empty or blank
// expression matches every partition (root null).
Expression parse(std::string_view text, const std::vector<KeyColumn>& keys);

// Whether a partition with these values (one per key, in key order) satisfies the expression.
// Values missing or not numbers where a number is needed do not match.
bool matches(const Expression& expression, const std::vector<std::string>& values);

// SQL LIKE: % any run, _ one character (byte); case-sensitive.
bool like(std::string_view value, std::string_view pattern);

}  // namespace nimbus::glue::expr
