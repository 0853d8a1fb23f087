#pragma once
// Decimal numbers as partition values and expression literals: recognising them and comparing
// two exactly (no rounding through double, so bigint keys past 2^53 still order correctly).
// Pure; part of the partition expression library.

#include <optional>
#include <string_view>

namespace nimbus::glue::expr {

// [+-]digits[.digits] or [+-].digits, with an optional exponent e[+-]digits.
bool is_number(std::string_view text);

// -1, 0 or 1 as a <, =, > b; nullopt unless both are numbers.
std::optional<int> compare_numbers(std::string_view a, std::string_view b);

}  // namespace nimbus::glue::expr
