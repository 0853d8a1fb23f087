#pragma once
// DynamoDB's PartiQL subset, parsed into the expression trees of services/dynamodb/expr, so a
// statement runs as the operation it stands for (partiql_ops.cpp):
//
//   SELECT * | path, ... FROM "table"[."index"] [WHERE condition]
//   INSERT INTO "table" VALUE {'attribute': value, ...}
//   UPDATE "table" SET path = value [, ...] [SET ...] [REMOVE path, ...] WHERE condition
//   DELETE FROM "table" WHERE condition
//
// Values: 'string', numbers, TRUE/FALSE, NULL, [list], {'map': ...}, <<set>>, and ? parameters
// (bound in order from the request's Parameters). Conditions: = <> != < <= > >=, BETWEEN, IN,
// AND/OR/NOT, IS [NOT] MISSING, IS [NOT] NULL, begins_with, contains, attribute_type, size. SET
// values may be a + b, a - b, list_append, if_not_exists; set_add / set_delete become ADD / DELETE.
// Keywords are case-insensitive; "double quotes" quote names, 'single quotes' strings.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/expr/ast.h"

namespace nimbus::dynamodb::partiql {

using Json = expr::Json;

struct Statement {
  enum class Kind { Select, Insert, Update, Delete };
  Kind kind = Kind::Select;
  std::string table;
  std::string index;                        // SELECT ... FROM "table"."index"
  std::vector<expr::Path> projection;       // SELECT's paths; empty for *
  std::optional<expr::Condition> where;
  Json item;                                // INSERT's VALUE (an attribute map)
  std::vector<expr::UpdateAction> actions;  // UPDATE's SET / REMOVE / set_add / set_delete
};

// Parses one statement, binding `parameters` (a JSON array of attribute values, or null).
// Throws AwsError ValidationException with DynamoDB's texts ("Statement wasn't well formed, can't
// be processed: ...", "Number of parameters in request and statement don't match.").
Statement parse(std::string_view text, const Json& parameters);

}  // namespace nimbus::dynamodb::partiql
