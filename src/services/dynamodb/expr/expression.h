#pragma once

#include <string_view>

#include "services/dynamodb/expr/ast.h"
#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/placeholders.h"
#include "services/dynamodb/expr/value.h"

namespace nimbus::dynamodb::expr {

// Parsing: each throws ExpressionError with DynamoDB's text, prefixed "Invalid ConditionExpression:
// ", "Invalid FilterExpression: ", ... as DynamoDB prefixes it. Parse every expression of a request
// with the same Placeholders, then call placeholders.check_all_used().
Condition parse_condition(std::string_view text,
                          Placeholders& placeholders);                      // ConditionExpression
Condition parse_filter(std::string_view text, Placeholders& placeholders);  // FilterExpression
KeyCondition parse_key_condition(std::string_view text, Placeholders& placeholders);
Update parse_update(std::string_view text, Placeholders& placeholders);
Projection parse_projection(std::string_view text, Placeholders& placeholders);

// Evaluation against an item (a JSON object of validated attribute values; an absent item is {}).
// A condition never throws: missing attributes and mismatched types make a comparison false.
bool evaluate(const Condition& condition, const Json& item);
bool matches(const KeyTerm& term, const Json& item);
// The item after the update; throws ExpressionError with DynamoDB's (unprefixed) runtime texts,
// e.g. "The document path provided in the update expression is invalid for update".
Json apply_update(const Update& update, const Json& item);
// The attributes the projection names, nested paths keeping their structure.
Json project(const Projection& projection, const Json& item);

}  // namespace nimbus::dynamodb::expr
