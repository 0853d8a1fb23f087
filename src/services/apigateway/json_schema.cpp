#include "services/apigateway/json_schema.h"

#include <regex>

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxPatternText = 16 * 1024;

std::string type_of(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "boolean";
  if (value.is_number_integer() || value.is_number_unsigned()) return "integer";
  if (value.is_number()) return value.get<double>() == static_cast<double>(static_cast<long long>(value.get<double>()))
                                    ? "integer" : "number";
  if (value.is_string()) return "string";
  if (value.is_array()) return "array";
  return "object";
}

bool has_type(const Json& value, const std::string& type) {
  std::string actual = type_of(value);
  return actual == type || (type == "number" && actual == "integer");
}

size_t utf8_length(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

struct Validator {
  const Json& root;
  const ModelLookup& models;
  int depth = 0;

  std::optional<Json> resolve(const std::string& ref) const {
    static constexpr std::string_view kLocal = "#/definitions/";
    if (ref.rfind(kLocal, 0) == 0) {
      const auto& definitions = root.contains("definitions") ? root["definitions"] : Json::object();
      std::string name = ref.substr(kLocal.size());
      if (definitions.is_object() && definitions.contains(name)) return definitions[name];
    }
    return models ? models(ref) : std::nullopt;
  }

  std::optional<std::string> check(const Json& schema, const Json& value, const std::string& where) {
    if (++depth > kMaxDepth) return "schema nested too deeply at " + where;
    auto result = check_here(schema, value, where);
    --depth;
    return result;
  }

  std::optional<std::string> check_here(const Json& schema, const Json& value, const std::string& where) {
    if (!schema.is_object()) return std::nullopt;
    if (schema.contains("$ref") && schema["$ref"].is_string()) {
      auto target = resolve(schema["$ref"].get<std::string>());
      if (!target) return "unresolvable reference " + schema["$ref"].get<std::string>();
      return check(*target, value, where);
    }
    if (schema.contains("type")) {
      const Json& type = schema["type"];
      bool ok = false;
      if (type.is_string()) ok = has_type(value, type.get<std::string>());
      if (type.is_array()) {
        for (const auto& option : type) ok = ok || (option.is_string() && has_type(value, option.get<std::string>()));
      }
      if (!ok) {
        return "instance type (" + type_of(value) + ") does not match any allowed primitive type (allowed: " +
               (type.is_array() ? type.dump() : "[" + type.dump() + "]") + ") at " + where;
      }
    }
    if (schema.contains("enum") && schema["enum"].is_array()) {
      bool found = false;
      for (const auto& option : schema["enum"]) found = found || option == value;
      if (!found) return "instance value (" + value.dump() + ") not found in enum at " + where;
    }
    if (value.is_object()) {
      for (const auto& name : schema.value("required", Json::array())) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          return "object has missing required properties ([" + name.dump() + "]) at " + where;
        }
      }
      const Json properties = schema.value("properties", Json::object());
      for (const auto& [name, item] : value.items()) {
        std::string at = where + "/" + name;
        if (properties.is_object() && properties.contains(name)) {
          if (auto why = check(properties[name], item, at)) return why;
        } else if (schema.contains("additionalProperties")) {
          const Json& additional = schema["additionalProperties"];
          if (additional.is_boolean() && !additional.get<bool>()) {
            return "object instance has properties which are not allowed by the schema: [\"" + name + "\"] at " + where;
          }
          if (auto why = check(additional, item, at)) return why;
        }
      }
    }
    if (value.is_array()) {
      if (schema.contains("minItems") && schema["minItems"].is_number() && value.size() < schema["minItems"].get<double>()) {
        return "array is too short at " + where;
      }
      if (schema.contains("maxItems") && schema["maxItems"].is_number() && value.size() > schema["maxItems"].get<double>()) {
        return "array is too long at " + where;
      }
      if (schema.contains("items") && schema["items"].is_object()) {
        for (size_t i = 0; i < value.size(); ++i) {
          if (auto why = check(schema["items"], value[i], where + "/" + std::to_string(i))) return why;
        }
      }
    }
    if (value.is_string()) {
      size_t length = utf8_length(value.get_ref<const std::string&>());
      if (schema.contains("minLength") && schema["minLength"].is_number() && length < schema["minLength"].get<double>()) {
        return "string is too short at " + where;
      }
      if (schema.contains("maxLength") && schema["maxLength"].is_number() && length > schema["maxLength"].get<double>()) {
        return "string is too long at " + where;
      }
      if (schema.contains("pattern") && schema["pattern"].is_string()) {
        // libstdc++'s matcher recurses per character: longer texts are refused, not matched.
        if (value.get_ref<const std::string&>().size() > kMaxPatternText) {
          return "string is too long to match pattern " + schema["pattern"].get<std::string>() + " at " + where;
        }
        try {
          if (!std::regex_search(value.get_ref<const std::string&>(), std::regex(schema["pattern"].get<std::string>()))) {
            return "string does not match pattern " + schema["pattern"].get<std::string>() + " at " + where;
          }
        } catch (const std::regex_error&) {
          return "the schema's pattern is not a regular expression at " + where;
        }
      }
    }
    if (value.is_number()) {
      double number = value.get<double>();
      if (schema.contains("minimum") && schema["minimum"].is_number()) {
        double minimum = schema["minimum"].get<double>();
        bool exclusive = schema.value("exclusiveMinimum", false);
        if (number < minimum || (exclusive && number == minimum)) return "numeric instance is lower than the minimum at " + where;
      }
      if (schema.contains("maximum") && schema["maximum"].is_number()) {
        double maximum = schema["maximum"].get<double>();
        bool exclusive = schema.value("exclusiveMaximum", false);
        if (number > maximum || (exclusive && number == maximum)) return "numeric instance is greater than the maximum at " + where;
      }
    }
    if (schema.contains("allOf") && schema["allOf"].is_array()) {
      for (const auto& part : schema["allOf"]) {
        if (auto why = check(part, value, where)) return why;
      }
    }
    if (schema.contains("anyOf") && schema["anyOf"].is_array()) {
      bool any = false;
      for (const auto& part : schema["anyOf"]) any = any || !check(part, value, where);
      if (!any) return "instance failed to match at least one required schema among " +
                       std::to_string(schema["anyOf"].size()) + " at " + where;
    }
    if (schema.contains("oneOf") && schema["oneOf"].is_array()) {
      size_t matched = 0;
      for (const auto& part : schema["oneOf"]) matched += !check(part, value, where);
      if (matched != 1) return "instance failed to match exactly one schema (matched " + std::to_string(matched) +
                               " out of " + std::to_string(schema["oneOf"].size()) + ") at " + where;
    }
    if (schema.contains("not") && schema["not"].is_object() && !check(schema["not"], value, where)) {
      return "instance matched a schema which it should not have at " + where;
    }
    return std::nullopt;
  }
};

}  // namespace

std::optional<std::string> schema_violation(const Json& schema, const Json& value, const ModelLookup& models) {
  Validator validator{schema, models};
  return validator.check(schema, value, "/");
}

}  // namespace nimbus::apigateway
