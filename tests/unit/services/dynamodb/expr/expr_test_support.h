#pragma once

// Helpers shared by the expression tests: placeholders from JSON text, and the error text of a
// call.
#include <string>

#include "services/dynamodb/expr/expression.h"

namespace nimbus::dynamodb::expr::test {

inline Json json_or_null(const char* text) { return text && *text ? Json::parse(text) : Json(); }

inline Placeholders placeholders(const char* names, const char* values) {
  return Placeholders(json_or_null(names), json_or_null(values));
}

// The ExpressionError text `f` throws, or "" when it succeeds.
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const ExpressionError& e) {
    return e.message;
  }
  return "";
}

}  // namespace nimbus::dynamodb::expr::test
