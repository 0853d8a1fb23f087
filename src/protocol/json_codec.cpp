// The awsJson 1.0/1.1 protocol (SQS via AWS SDK JS v3 / newer boto3): X-Amz-Target picks the
// operation, bodies are JSON keyed by member name, errors carry __type (+ x-amzn-query-error).
#include <cmath>

#include "core/crypto.h"
#include "protocol/codecs.h"
#include "protocol/validation.h"
#include "protocol/wire_values.h"

namespace nimbus::protocol::detail {
namespace {

using model::MemberDef;
using model::ServiceModel;
using model::ShapeDef;
using model::ShapeType;

// The token name AWS' JSON deserializer reports for a value of the wrong type.
std::string token_name(const Json& value) {
  if (value.is_string()) return "STRING_VALUE";
  if (value.is_boolean()) return "BOOLEAN_VALUE";
  if (value.is_number()) return "NUMBER_VALUE";
  if (value.is_array()) return "START_ARRAY";
  return "START_OBJECT";
}

[[noreturn]] void type_mismatch(const Json& value, std::string_view expected) {
  throw AwsError::serialization(token_name(value) + " can not be converted to " + std::string(expected));
}

Json decode_value(const ServiceModel& service, const ShapeDef& shape, const Json& value, bool by_location_name);

Json decode_scalar(const ShapeDef& shape, const Json& value) {
  switch (shape.type) {
    case ShapeType::String:
      if (!value.is_string()) type_mismatch(value, "a String");
      return value;
    case ShapeType::Boolean:
      if (!value.is_boolean()) type_mismatch(value, "a Boolean");
      return value;
    case ShapeType::Integer:
    case ShapeType::Long:
      if (!value.is_number_integer()) type_mismatch(value, shape.type == ShapeType::Long ? "a Long" : "an Integer");
      if (shape.type == ShapeType::Integer &&
          (value.is_number_unsigned() ? value.get<uint64_t>() > INT32_MAX
                                      : (value.get<int64_t>() < INT32_MIN || value.get<int64_t>() > INT32_MAX))) {
        type_mismatch(value, "an Integer");
      }
      return value;
    case ShapeType::Float:
    case ShapeType::Double:
      if (!value.is_number()) type_mismatch(value, "a Double");
      return value;
    case ShapeType::Timestamp:
      if (!value.is_number()) type_mismatch(value, "a Timestamp");
      return value;
    case ShapeType::Blob: {
      if (!value.is_string()) type_mismatch(value, "a Blob");
      auto raw = crypto::base64_decode(value.get_ref<const std::string&>());
      if (!raw) throw AwsError::serialization("Base64 encoded value is not valid.");
      return *raw;
    }
    default:
      return value;
  }
}

Json decode_value(const ServiceModel& service, const ShapeDef& shape, const Json& value, bool by_location_name) {
  switch (shape.type) {
    case ShapeType::Structure:
      if (!value.is_object()) type_mismatch(value, "a Structure");
      return json_body_to_value(service, shape, value, by_location_name);
    case ShapeType::List: {
      if (!value.is_array()) type_mismatch(value, "a List");
      Json out = Json::array();
      for (const Json& item : value) {
        out.push_back(item.is_null() ? Json(nullptr) : decode_value(service, service.shape(shape.list_member), item, by_location_name));
      }
      return out;
    }
    case ShapeType::Map: {
      if (!value.is_object()) type_mismatch(value, "a Map");
      Json out = Json::object();
      for (const auto& [key, item] : value.items()) {
        if (!item.is_null()) out[key] = decode_value(service, service.shape(shape.map_value), item, by_location_name);
      }
      return out;
    }
    default:
      return decode_scalar(shape, value);
  }
}

Json encode_value(const ServiceModel& service, const ShapeDef& shape, const Json& value,
                  std::string_view timestamp_format, bool by_location_name) {
  switch (shape.type) {
    case ShapeType::Structure:
      return value.is_object() ? value_to_json_body(service, shape, value, by_location_name) : Json::object();
    case ShapeType::List: {
      Json out = Json::array();
      if (!value.is_array()) return out;
      for (const Json& item : value) out.push_back(encode_value(service, service.shape(shape.list_member), item, {}, by_location_name));
      return out;
    }
    case ShapeType::Map: {
      Json out = Json::object();
      if (!value.is_object()) return out;
      for (const auto& [key, item] : value.items()) {
        out[key] = encode_value(service, service.shape(shape.map_value), item, {}, by_location_name);
      }
      return out;
    }
    case ShapeType::Blob:
      return value.is_string() ? Json(crypto::base64_encode(value.get_ref<const std::string&>())) : value;
    case ShapeType::Timestamp: {
      // The member's timestampFormat, else the shape's (the schemas model puts iso8601 on its
      // timestamp shapes), else the protocol's epoch seconds.
      auto format = timestamp_format.empty() ? shape.timestamp_format : timestamp_format;
      return value.is_number() ? wire::format_timestamp(value.get<double>(), format, "unixTimestamp") : value;
    }
    default:
      return value;
  }
}

std::string header_value(const HttpRequest& request, std::string_view name) {
  auto it = request.find(name);
  return it == request.end() ? std::string{} : std::string(it->value());
}

}  // namespace

Json json_body_to_value(const ServiceModel& service, const ShapeDef& structure, const Json& body,
                        bool by_location_name) {
  Json out = Json::object();
  for (const MemberDef& m : service.members_of(structure)) {
    if (!m.location.empty()) continue;
    auto it = body.find(std::string(by_location_name ? m.wire_name() : m.name));
    if (it == body.end() || it->is_null()) continue;
    out[std::string(m.name)] = decode_value(service, service.shape(m.shape), *it, by_location_name);
  }
  return out;
}

Json value_to_json_body(const ServiceModel& service, const ShapeDef& structure, const Json& value,
                        bool by_location_name) {
  Json out = Json::object();
  for (const MemberDef& m : service.members_of(structure)) {
    if (!m.location.empty()) continue;
    auto it = value.find(std::string(m.name));
    if (it == value.end() || it->is_null()) continue;
    out[std::string(by_location_name ? m.wire_name() : m.name)] =
        encode_value(service, service.shape(m.shape), *it, m.timestamp_format, by_location_name);
  }
  return out;
}

OperationCall decode_json(const ServiceModel& service, const HttpRequest& request) {
  std::string target = header_value(request, "X-Amz-Target");
  size_t dot = target.rfind('.');
  std::string_view prefix = dot == std::string::npos ? std::string_view{} : std::string_view(target).substr(0, dot);
  std::string_view name = dot == std::string::npos ? std::string_view(target) : std::string_view(target).substr(dot + 1);
  const model::OperationDef* operation = prefix == service.target_prefix ? service.find_operation(name) : nullptr;
  if (operation == nullptr) {
    throw AwsError::unknown_operation("The requested operation " + target + " is not supported.");
  }
  std::string_view text = request.body();
  Json body = text.find_first_not_of(" \t\r\n") == std::string_view::npos
                  ? Json::object()
                  : Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw AwsError::serialization("Malformed JSON request body.");
  if (!body.is_object()) type_mismatch(body, "a Structure");
  OperationCall call{operation, Json::object()};
  if (operation->input != model::kNoShape) {
    const ShapeDef& input = service.shape(operation->input);
    call.input = json_body_to_value(service, input, body, false);
    validate_input(service, input, call.input, Wire::Json);
  }
  return call;
}

HttpResponse encode_json(const ServiceModel& service, const model::OperationDef& operation,
                         const Json& output, std::string_view request_id) {
  Json body = Json::object();
  if (operation.output != model::kNoShape && output.is_object()) {
    body = value_to_json_body(service, service.shape(operation.output), output, false);
  }
  HttpResponse response{http::status::ok, 11};
  response.body() = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string content_type = "application/x-amz-json-" +
                             std::string(service.json_version.empty() ? "1.0" : service.json_version);
  finish_response(response, content_type, request_id);
  add_body_crc32(service, response);
  return response;
}

}  // namespace nimbus::protocol::detail
