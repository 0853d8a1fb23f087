#include "protocol/validation.h"

#include <string>

namespace nimbus::protocol {
namespace {

using model::MemberDef;
using model::ServiceModel;
using model::ShapeDef;
using model::ShapeType;
using Json = nlohmann::json;

enum class Violation { Missing, Invalid };

// Raises a violation with the code `wire` uses for it.
[[noreturn]] void fail(const ServiceModel& service, Wire wire, Violation violation,
                       const std::string& path, const std::string& reason) {
  std::string missing = "The request must contain the parameter " + path + ".";
  std::string invalid = "Value for parameter " + path + " is invalid. Reason: " + reason;
  bool query_codes = wire == Wire::Query || (wire == Wire::Json && service.aws_query_compatible);
  if (query_codes) {
    if (violation == Violation::Missing) throw AwsError::missing_parameter(missing);
    throw AwsError::invalid_parameter_value(invalid);
  }
  if (wire == Wire::RestXml) {
    if (violation == Violation::Missing) throw AwsError(400, "InvalidRequest", missing);
    throw AwsError(400, "InvalidArgument", invalid);
  }
  throw AwsError(400, "ValidationException",
                 violation == Violation::Missing ? missing : invalid);
}

// Services of the plain query protocol (STS, IAM) answer as AWS's Coral framework does:
// ValidationError "1 validation error detected: Value '900' at 'durationSeconds' failed to satisfy
// constraint: Member must have value greater than or equal to 900", fields in lower camel case.
// Services whose validation errors are Coral's "1 validation error detected: ..." form: plain
// query-protocol services, and DynamoDB (whose code for them is ValidationException).
bool is_dynamodb(const ServiceModel& service) {
  return service.name == "dynamodb" || service.name == "dynamodbstreams";
}

bool coral_validation(const ServiceModel& service, Wire wire) {
  return (wire == Wire::Query && service.protocol == "query") || is_dynamodb(service);
}

std::string coral_field(const std::string& path) {
  std::string out = path;
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    start = c == '.';
  }
  return out;
}

[[noreturn]] void fail_coral(const ServiceModel& service, const Json* value, const std::string& path,
                             const std::string& constraint) {
  std::string shown = "null";
  if (value) shown = "'" + (value->is_string() ? value->get<std::string>() : value->dump()) + "'";
  throw AwsError(400, is_dynamodb(service) ? "ValidationException" : "ValidationError",
                 "1 validation error detected: Value " + shown + " at '" + coral_field(path) +
                     "' failed to satisfy constraint: " + constraint);
}

bool is_present(const Json& object, std::string_view name) {
  auto it = object.find(std::string(name));
  return it != object.end() && !it->is_null();
}

void check_required(const ServiceModel& service, Wire wire, const MemberDef& member,
                    const Json& object, const std::string& path) {
  if (member.required && !is_present(object, member.name)) {
    if (coral_validation(service, wire)) fail_coral(service, nullptr, path, "Member must not be null");
    fail(service, wire, Violation::Missing, path, "");
  }
}

void check_enum(const ServiceModel& service, Wire wire, const ShapeDef& shape, const Json& value,
                const std::string& path) {
  if (shape.enum_values.empty() || !value.is_string() || wire == Wire::RestXml) return;
  const std::string& text = value.get_ref<const std::string&>();
  std::string_view values = shape.enum_values;
  while (!values.empty()) {
    size_t newline = values.find('\n');
    if (values.substr(0, newline) == text) return;
    values = newline == std::string_view::npos ? std::string_view{} : values.substr(newline + 1);
  }
  if (coral_validation(service, wire)) {
    std::string set(shape.enum_values);
    for (size_t at = set.find('\n'); at != std::string::npos; at = set.find('\n', at)) set.replace(at, 1, ", ");
    fail_coral(service, &value, path, "Member must satisfy enum value set: [" + set + "]");
  }
  fail(service, wire, Violation::Invalid, path, "Value must be one of the allowed values.");
}

// Strings, blobs, lists and maps: a length limit. Numbers: a value limit.
void check_range(const ServiceModel& service, Wire wire, const ShapeDef& shape, const Json& value,
                 const std::string& path) {
  if (!shape.has_min && !shape.has_max) return;
  int64_t measured = 0;
  if (value.is_string() || value.is_array() || value.is_object()) {
    measured = static_cast<int64_t>(value.size());
    if (value.is_string()) measured = static_cast<int64_t>(value.get_ref<const std::string&>().size());
  } else if (value.is_number()) {
    double number = value.get<double>();
    bool low = shape.has_min && number < static_cast<double>(shape.min);
    bool high = shape.has_max && number > static_cast<double>(shape.max);
    if ((low || high) && coral_validation(service, wire)) {
      fail_coral(service, &value, path, low ? "Member must have value greater than or equal to " + std::to_string(shape.min)
                                   : "Member must have value less than or equal to " + std::to_string(shape.max));
    }
    if (low || high) fail(service, wire, Violation::Invalid, path, "Value is out of range.");
    return;
  } else {
    return;
  }
  if (coral_validation(service, wire)) {
    if (shape.has_min && measured < shape.min) {
      fail_coral(service, &value, path, "Member must have length greater than or equal to " + std::to_string(shape.min));
    }
    if (shape.has_max && measured > shape.max) {
      fail_coral(service, &value, path, "Member must have length less than or equal to " + std::to_string(shape.max));
    }
  }
  if (shape.has_min && measured < shape.min) {
    fail(service, wire, Violation::Invalid, path, "Length must be at least " + std::to_string(shape.min) + ".");
  }
  if (shape.has_max && measured > shape.max) {
    fail(service, wire, Violation::Invalid, path, "Length must be at most " + std::to_string(shape.max) + ".");
  }
}

void check_value(const ServiceModel& service, Wire wire, const ShapeDef& shape, const Json& value,
                 const std::string& path, bool check_enums);

void check_structure(const ServiceModel& service, Wire wire, const ShapeDef& shape,
                     const Json& value, const std::string& prefix) {
  if (!value.is_object()) return;
  for (const MemberDef& m : service.members_of(shape)) {
    std::string path = prefix.empty() ? std::string(m.name) : prefix + "." + std::string(m.name);
    check_required(service, wire, m, value, path);
    auto it = value.find(std::string(m.name));
    if (it != value.end() && !it->is_null()) check_value(service, wire, service.shape(m.shape), *it, path, true);
  }
}

void check_value(const ServiceModel& service, Wire wire, const ShapeDef& shape, const Json& value,
                 const std::string& path, bool check_enums) {
  check_range(service, wire, shape, value, path);
  if (check_enums) check_enum(service, wire, shape, value, path);
  if (shape.type == ShapeType::Structure) {
    check_structure(service, wire, shape, value, path);
  } else if (shape.type == ShapeType::List && value.is_array()) {
    // List items and map keys are not enum-checked: services such as SQS accept names outside
    // the modelled enum there (ReceiveMessage AttributeName.N=SentTimestamp).
    for (size_t i = 0; i < value.size(); ++i) {
      check_value(service, wire, service.shape(shape.list_member), value[i],
                  path + "." + std::to_string(i + 1), false);
    }
  } else if (shape.type == ShapeType::Map && value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      check_value(service, wire, service.shape(shape.map_value), item, path + "." + key, false);
    }
  }
}

}  // namespace

void validate_input(const ServiceModel& service, const ShapeDef& input, const Json& value, Wire wire) {
  check_structure(service, wire, input, value, "");
}

}  // namespace nimbus::protocol
