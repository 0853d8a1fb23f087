#pragma once
// Parsers for the operands with a grammar of their own (numeric ranges, CIDR blocks, wildcards),
// internal to pattern_parse.cpp; each throws the InvalidEventPatternException AWS gives.

#include <string>

#include <nlohmann/json.hpp>

#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {

// ["<", 1], [">=", 0, "<", 5], ["=", 3]: event-ruler's order of checks and reasons.
Matcher numeric(const nlohmann::ordered_json& array);
// "10.0.0.0/24", "2001:db8::/32" (mask bits below 32 / 128, as event-ruler requires).
Matcher cidr(const std::string& text);
// `*` = any run of characters; `\*` and `\\` are literal; `**` and other escapes are refused.
Wildcard parse_wildcard(const std::string& text);

}  // namespace nimbus::events::pattern
