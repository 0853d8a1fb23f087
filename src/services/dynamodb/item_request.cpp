#include "services/dynamodb/item_request.h"

#include <cmath>

#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/expr/expression.h"

namespace nimbus::dynamodb {
namespace {

expr::Operand path_operand(const std::string& attribute) {
  expr::Operand operand;
  operand.kind = expr::Operand::Kind::Path;
  operand.path = {expr::PathElement{false, attribute, 0}};
  return operand;
}

expr::Operand value_operand(const Json& value) {
  expr::Operand operand;
  operand.kind = expr::Operand::Kind::Value;
  operand.value = value;
  Json copy = value;
  expr::validate_value(copy);
  operand.value = std::move(copy);
  return operand;
}

expr::Condition function(const char* name, std::vector<expr::Operand> operands) {
  expr::Condition condition;
  condition.kind = expr::Condition::Kind::Function;
  condition.function = name;
  condition.operands = std::move(operands);
  return condition;
}

expr::Condition compare(expr::Comparator comparator, const std::string& attribute, const Json& value) {
  expr::Condition condition;
  condition.kind = expr::Condition::Kind::Compare;
  condition.comparator = comparator;
  condition.operands = {path_operand(attribute), value_operand(value)};
  return condition;
}

expr::Condition negate(expr::Condition inner) {
  expr::Condition condition;
  condition.kind = expr::Condition::Kind::Not;
  condition.children.push_back(std::move(inner));
  return condition;
}

size_t expected_values(const std::string& op) {
  if (op == "NULL" || op == "NOT_NULL") return 0;
  if (op == "BETWEEN") return 2;
  if (op == "IN") return SIZE_MAX;
  return 1;
}

// One legacy condition: {ComparisonOperator, AttributeValueList} (or Expected's Value/Exists).
expr::Condition legacy_term(const std::string& attribute, const Json& spec, bool expected_form) {
  if (expected_form && !spec.contains("ComparisonOperator")) {
    bool exists = spec.value("Exists", true);
    if (!exists) {
      if (spec.contains("Value")) {
        throw errors::validation("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: " + attribute);
      }
      return function("attribute_not_exists", {path_operand(attribute)});
    }
    if (!spec.contains("Value")) {
      throw errors::validation("One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: " + attribute);
    }
    return compare(expr::Comparator::Eq, attribute, spec["Value"]);
  }
  std::string op = spec.value("ComparisonOperator", "");
  Json values = spec.value("AttributeValueList", Json::array());
  if (expected_form && spec.contains("Value")) values = Json::array({spec["Value"]});
  size_t wanted = expected_values(op);
  if ((wanted == SIZE_MAX && values.empty()) || (wanted != SIZE_MAX && values.size() != wanted)) {
    throw errors::validation("One or more parameter values were invalid: Invalid number of argument(s) for the " + op +
                             " ComparisonOperator");
  }
  if (op == "EQ") return compare(expr::Comparator::Eq, attribute, values[0]);
  if (op == "NE") return compare(expr::Comparator::Ne, attribute, values[0]);
  if (op == "LT") return compare(expr::Comparator::Lt, attribute, values[0]);
  if (op == "LE") return compare(expr::Comparator::Le, attribute, values[0]);
  if (op == "GT") return compare(expr::Comparator::Gt, attribute, values[0]);
  if (op == "GE") return compare(expr::Comparator::Ge, attribute, values[0]);
  if (op == "NULL") return function("attribute_not_exists", {path_operand(attribute)});
  if (op == "NOT_NULL") return function("attribute_exists", {path_operand(attribute)});
  if (op == "CONTAINS") return function("contains", {path_operand(attribute), value_operand(values[0])});
  if (op == "NOT_CONTAINS") return negate(function("contains", {path_operand(attribute), value_operand(values[0])}));
  if (op == "BEGINS_WITH") return function("begins_with", {path_operand(attribute), value_operand(values[0])});
  expr::Condition condition;
  condition.operands.push_back(path_operand(attribute));
  for (const auto& value : values) condition.operands.push_back(value_operand(value));
  if (op == "IN") {
    condition.kind = expr::Condition::Kind::In;
  } else if (op == "BETWEEN") {
    condition.kind = expr::Condition::Kind::Between;
  } else {
    throw errors::validation("1 validation error detected: Value '" + op +
                             "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set");
  }
  return condition;
}

}  // namespace

void require_expressions(const Json& request, std::initializer_list<const char*> value_expressions,
                         std::initializer_list<const char*> name_only_expressions) {
  bool any_value_expression = false;
  for (const char* member : value_expressions) any_value_expression = any_value_expression || request.contains(member);
  bool any_expression = any_value_expression;
  for (const char* member : name_only_expressions) any_expression = any_expression || request.contains(member);
  if (request.contains("ExpressionAttributeValues") && !any_value_expression) {
    std::string missing;
    size_t index = 0, count = value_expressions.size();
    for (const char* member : value_expressions) {
      missing += (index == 0 ? "" : index + 1 == count ? " and " : ", ") + std::string(member);
      ++index;
    }
    throw errors::validation("ExpressionAttributeValues can only be specified when using expressions: " + missing +
                             (count == 1 ? " is null" : " are null"));
  }
  if (request.contains("ExpressionAttributeNames") && !any_expression) {
    throw errors::validation("ExpressionAttributeNames can only be specified when using expressions");
  }
}

Json member_or_null(const Json& request, const char* name) {
  auto it = request.find(name);
  return it == request.end() ? Json(nullptr) : *it;
}

RequestExpressions::RequestExpressions(const Json& request)
    : placeholders(member_or_null(request, "ExpressionAttributeNames"), member_or_null(request, "ExpressionAttributeValues")) {}

void RequestExpressions::parse_condition(const Json& request) {
  if (request.contains("ConditionExpression")) {
    if (request.contains("Expected")) {
      throw errors::validation(
          "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
          "{Expected} Expression parameters: {ConditionExpression}");
    }
    condition = expr::parse_condition(request["ConditionExpression"].get<std::string>(), placeholders);
  } else if (request.contains("Expected") && !request["Expected"].empty()) {
    condition = legacy_condition(request["Expected"], member_or_null(request, "ConditionalOperator"), true);
  }
}

void RequestExpressions::parse_filter(const Json& request) {
  if (request.contains("FilterExpression")) {
    condition = expr::parse_filter(request["FilterExpression"].get<std::string>(), placeholders);
    return;
  }
  for (const char* legacy : {"QueryFilter", "ScanFilter"}) {
    if (request.contains(legacy) && !request[legacy].empty()) {
      condition = legacy_condition(request[legacy], member_or_null(request, "ConditionalOperator"), false);
    }
  }
}

void RequestExpressions::parse_projection(const Json& request) {
  if (request.contains("ProjectionExpression")) {
    if (request.contains("AttributesToGet")) {
      throw errors::validation(
          "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
          "{AttributesToGet} Expression parameters: {ProjectionExpression}");
    }
    projection = expr::parse_projection(request["ProjectionExpression"].get<std::string>(), placeholders);
  } else if (request.contains("AttributesToGet")) {
    expr::Projection legacy;
    for (const auto& name : request["AttributesToGet"]) {
      legacy.paths.push_back({expr::PathElement{false, name.get<std::string>(), 0}});
    }
    projection = std::move(legacy);
  }
}

Json projected(const std::optional<expr::Projection>& projection, const Json& item) {
  return projection ? expr::project(*projection, item) : item;
}

double read_units(size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

Json consumed_capacity(const std::string& table, const Capacity& capacity, const Json& mode) {
  std::string wanted = mode.is_string() ? mode.get<std::string>() : "NONE";
  if (wanted == "NONE") return nullptr;
  Json out = {{"TableName", table}, {"CapacityUnits", capacity.total()}};
  if (wanted == "INDEXES") {
    out["Table"] = {{"CapacityUnits", capacity.table}};
    if (!capacity.local_indexes.empty()) {
      out["LocalSecondaryIndexes"] = Json::object();
      for (const auto& [name, units] : capacity.local_indexes) out["LocalSecondaryIndexes"][name] = {{"CapacityUnits", units}};
    }
    if (!capacity.global_indexes.empty()) {
      out["GlobalSecondaryIndexes"] = Json::object();
      for (const auto& [name, units] : capacity.global_indexes) out["GlobalSecondaryIndexes"][name] = {{"CapacityUnits", units}};
    }
  }
  return out;
}

std::string return_values(const Json& request, std::initializer_list<const char*> allowed, const char* operation) {
  std::string value = request.value("ReturnValues", "NONE");
  for (const char* option : allowed) {
    if (value == option) return value;
  }
  if (std::string_view(operation) == "UpdateItem") throw errors::validation("ReturnValues is not valid: " + value);
  throw errors::validation("Return values set to invalid value");
}

AwsError condition_failed(const Json& request, const std::optional<Json>& old_item) {
  AwsError error = errors::conditional_check_failed();
  if (old_item && request.value("ReturnValuesOnConditionCheckFailure", "NONE") == "ALL_OLD") {
    error.json_members.emplace_back("Item", old_item->dump());
  }
  return error;
}

Json updated_attributes(const expr::Update& update, const Json& item) {
  expr::Projection touched;
  for (const auto& action : update.actions) touched.paths.push_back(action.path);
  return expr::project(touched, item);
}

expr::Condition legacy_condition(const Json& conditions, const Json& conditional_operator, bool expected_form) {
  std::string op = conditional_operator.is_string() ? conditional_operator.get<std::string>() : "AND";
  std::optional<expr::Condition> combined;
  for (const auto& [attribute, spec] : conditions.items()) {
    expr::Condition term = legacy_term(attribute, spec, expected_form);
    if (!combined) {
      combined = std::move(term);
      continue;
    }
    expr::Condition joined;
    joined.kind = op == "OR" ? expr::Condition::Kind::Or : expr::Condition::Kind::And;
    joined.children.push_back(std::move(*combined));
    joined.children.push_back(std::move(term));
    combined = std::move(joined);
  }
  return *combined;
}

expr::Update legacy_update(const Json& attribute_updates) {
  expr::Update update;
  for (const auto& [attribute, spec] : attribute_updates.items()) {
    std::string action = spec.value("Action", "PUT");
    expr::UpdateAction out;
    out.path = {expr::PathElement{false, attribute, 0}};
    if (action == "PUT") {
      if (!spec.contains("Value")) {
        throw errors::validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
      }
      out.kind = expr::UpdateAction::Kind::Set;
      out.value = value_operand(spec["Value"]);
    } else if (action == "DELETE") {
      out.kind = spec.contains("Value") ? expr::UpdateAction::Kind::Delete : expr::UpdateAction::Kind::Remove;
      if (spec.contains("Value")) out.value = value_operand(spec["Value"]);
    } else {
      if (!spec.contains("Value")) {
        throw errors::validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
      }
      out.kind = expr::UpdateAction::Kind::Add;
      out.value = value_operand(spec["Value"]);
    }
    update.actions.push_back(std::move(out));
  }
  return update;
}

}  // namespace nimbus::dynamodb
