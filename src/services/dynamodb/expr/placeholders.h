#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "services/dynamodb/expr/value.h"

namespace nimbus::dynamodb::expr {

// A request's ExpressionAttributeNames and ExpressionAttributeValues, shared by all the expressions
// of that request: parsing records which ones are used, and check_all_used() then refuses the rest
// as DynamoDB does.
class Placeholders {
 public:
  // `names` / `values` are the request members (JSON objects), or null when absent. Validates keys
  // and values (numbers normalized); throws ExpressionError with DynamoDB's text.
  Placeholders(Json names, Json values);

  // The name or value behind a placeholder, marked used; nullopt / nullptr when not defined.
  std::optional<std::string> name(std::string_view placeholder);
  const Json* value(std::string_view placeholder);

  // "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}", then the
  // same for values.
  void check_all_used() const;

 private:
  Json names_ = Json::object();
  Json values_ = Json::object();
  std::set<std::string, std::less<>> used_names_;
  std::set<std::string, std::less<>> used_values_;
};

}  // namespace nimbus::dynamodb::expr
