#include "services/dynamodb/expr/placeholders.h"

#include "services/dynamodb/expr/expression_error.h"

namespace nimbus::dynamodb::expr {
namespace {

// Placeholder keys are '#' or ':' and then at least one of [A-Za-z0-9_].
bool valid_key(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string unused_keys(const Json& map, const std::set<std::string, std::less<>>& used) {
  std::string keys;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!used.contains(it.key())) keys += (keys.empty() ? "" : ", ") + it.key();
  }
  return keys;
}

}  // namespace

Placeholders::Placeholders(Json names, Json values) {
  if (!names.is_null()) {
    if (!names.is_object() || names.empty())
      throw ExpressionError{"ExpressionAttributeNames must not be empty"};
    for (auto it = names.begin(); it != names.end(); ++it) {
      if (!valid_key(it.key(), '#')) {
        throw ExpressionError{
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + it.key() +
            "\""};
      }
      if (!it.value().is_string())
        throw ExpressionError{"ExpressionAttributeNames contains invalid value for key " +
                              it.key()};
    }
    names_ = std::move(names);
  }
  if (!values.is_null()) {
    if (!values.is_object() || values.empty())
      throw ExpressionError{"ExpressionAttributeValues must not be empty"};
    for (auto it = values.begin(); it != values.end(); ++it) {
      if (!valid_key(it.key(), ':')) {
        throw ExpressionError{
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + it.key() +
            "\""};
      }
    }
    for (auto it = values.begin(); it != values.end(); ++it) {
      try {
        validate_value(it.value());
      } catch (const ExpressionError& e) {
        throw ExpressionError{"ExpressionAttributeValues contains invalid value: " + e.message +
                              " for key " + it.key()};
      }
    }
    values_ = std::move(values);
  }
}

std::optional<std::string> Placeholders::name(std::string_view placeholder) {
  auto it = names_.find(std::string(placeholder));
  if (it == names_.end()) return std::nullopt;
  used_names_.emplace(placeholder);
  return it->get<std::string>();
}

const Json* Placeholders::value(std::string_view placeholder) {
  auto it = values_.find(std::string(placeholder));
  if (it == values_.end()) return nullptr;
  used_values_.emplace(placeholder);
  return &*it;
}

void Placeholders::check_all_used() const {
  std::string names = unused_keys(names_, used_names_);
  if (!names.empty())
    throw ExpressionError{
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + names + "}"};
  std::string values = unused_keys(values_, used_values_);
  if (!values.empty())
    throw ExpressionError{
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {" + values +
        "}"};
}

}  // namespace nimbus::dynamodb::expr
