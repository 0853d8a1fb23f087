#pragma once
// Template values as Java sees them: toString (1.5 -> "1.5", lists "[a, b]", maps "{k=v}"),
// truthiness, ==, ordering, arithmetic, and the size measures the limits use.

#include <cstddef>
#include <optional>
#include <string>

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

// Java's String.valueOf; null is "null" (inside lists and maps).
std::string to_java_string(const Value& v);
// Java's Double.toString: 1.0, 0.001, 1.0E7, 1.234E-5.
std::string java_double(double d);
// JSON text of a value (invalid UTF-8 replaced).
std::string to_json_text(const Value& v);

// Velocity 1.7 #if: null and false are false, everything else (even "" and []) is true.
bool truthy(const Value* v);
bool values_equal(const Value& a, const Value& b);
// a < b etc. for numbers; nullopt when either is not a number.
std::optional<int> compare_numbers(const Value& a, const Value& b);
// + - * / % ; null when undefined (a null operand, division by zero, not numbers).
Value arithmetic(const std::string& op, const Value& a, const Value& b);
Value negate(const Value& v);

bool is_integral(const Value& v);  // fits a long
int64_t as_long(const Value& v);

// Nesting depth, counted up to `limit` + 1 (a scalar is 0, [] is 1).
size_t value_depth(const Value& v, size_t limit);
// Nodes in a value, for the work budget.
size_t value_size(const Value& v);

// nlohmann::json (Inputs) to a Value and back.
Value from_json(const Json& j, size_t depth = 0);
Json to_plain_json(const Value& v);

}  // namespace nimbus::apigateway::vtl
