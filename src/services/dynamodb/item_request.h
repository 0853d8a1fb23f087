#pragma once
// What the item operations share: their expressions parsed once per request (with the legacy
// parameters translated into the same trees), ReturnValues, and ConsumedCapacity as AWS reports it.

#include <optional>
#include <string>

#include "services/dynamodb/dynamodb_service.h"
#include "services/dynamodb/expr/ast.h"
#include "services/dynamodb/expr/placeholders.h"

namespace nimbus::dynamodb {

// A request's ConditionExpression / ProjectionExpression (or Expected / AttributesToGet),
// parsed with its placeholders; check_all_used() is called once every expression is parsed.
struct RequestExpressions {
  expr::Placeholders placeholders;
  std::optional<expr::Condition> condition;    // ConditionExpression or Expected
  std::optional<expr::Projection> projection;  // ProjectionExpression or AttributesToGet

  explicit RequestExpressions(const Json& request);
  void parse_condition(const Json& request);
  void parse_projection(const Json& request);
  void parse_filter(const Json& request);  // FilterExpression (or QueryFilter / ScanFilter) into condition
};

// Refuses ExpressionAttributeValues when none of `value_expressions` is present, and
// ExpressionAttributeNames when none of `value_expressions` or `name_only_expressions` is.
void require_expressions(const Json& request, std::initializer_list<const char*> value_expressions,
                         std::initializer_list<const char*> name_only_expressions = {});

// The ExpressionAttributeNames/Values members, null when absent.
Json member_or_null(const Json& request, const char* name);

// The item as the projection shows it (the whole item without one).
Json projected(const std::optional<expr::Projection>& projection, const Json& item);

// Read units for `bytes` read: 4 KB units, halved for eventually consistent reads.
double read_units(size_t bytes, bool consistent);

// The ConsumedCapacity member for `mode` (ReturnConsumedCapacity: NONE, TOTAL, INDEXES);
// null for NONE.
Json consumed_capacity(const std::string& table, const Capacity& capacity, const Json& mode);

// ReturnValues of a write, checked against what the operation allows ("NONE", "ALL_OLD"...).
std::string return_values(const Json& request, std::initializer_list<const char*> allowed, const char* operation);

// ConditionalCheckFailedException; with ReturnValuesOnConditionCheckFailure ALL_OLD it carries
// the item as it was.
AwsError condition_failed(const Json& request, const std::optional<Json>& old_item);

// The attributes an update expression touched, as UPDATED_OLD/UPDATED_NEW show them.
Json updated_attributes(const expr::Update& update, const Json& item);

// Translates the legacy parameters into expression trees.
expr::Condition legacy_condition(const Json& conditions, const Json& conditional_operator, bool expected_form);
expr::Update legacy_update(const Json& attribute_updates);

}  // namespace nimbus::dynamodb
