#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::dynamodb::expr {

using Json = nlohmann::json;

// Attribute values stay in DynamoDB's JSON wire form ({"S": "x"}, {"N": "1.5"}, {"B": "<base64>"},
// {"SS": [...]}, {"M": {...}}, {"L": [...]}, {"NULL": true}, {"BOOL": false}); an item is a JSON
// object of attribute name -> value. Numbers are compared and computed as exact decimals (Number).
enum class Type { S, N, B, SS, NS, BS, M, L, Null, Bool };

// The wire key: "S", "NS", "NULL", "BOOL", ...
std::string_view type_key(Type type);
// The type of a value that passed validate_value().
Type type_of(const Json& value);
bool is_set(Type type);

// Validates one attribute value as DynamoDB does (exactly one type key, sets non-empty and free of
// duplicates, NULL true, numbers in range, nesting at most 32 levels) and normalizes its numbers in
// place ("01.50" -> "1.5"). Throws ExpressionError with DynamoDB's bare text; callers add context.
void validate_value(Json& value);
// Every attribute of an item (a JSON object of name -> value).
void validate_item(Json& item);

// DynamoDB equality: same type and same value; sets regardless of order, numbers by value, binary
// by bytes.
bool equal(const Json& a, const Json& b);
// Ordering of two S, N or B values of the same type (strings and binary bytewise unsigned, numbers
// by value); nullopt for any other pair, which no ordering comparison matches.
std::optional<int> compare_ordered(const Json& a, const Json& b);

// Standard base64 with padding, as B values are written; throws ExpressionError when malformed.
std::string decode_base64(std::string_view text);

// Bytes DynamoDB counts for a value, and for an item (attribute names plus values), as in the
// developer guide's "DynamoDB item sizes and formats".
size_t value_size(const Json& value);
size_t item_size(const Json& item);

}  // namespace nimbus::dynamodb::expr
