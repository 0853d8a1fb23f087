#include "protocol/wire_values.h"

#include <charconv>
#include <cmath>

#include "core/crypto.h"
#include "core/text.h"

namespace nimbus::protocol::wire {
namespace {

std::string format_double(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

nlohmann::json format_timestamp(double seconds, std::string_view format, std::string_view fallback) {
  std::string_view chosen = format.empty() ? fallback : format;
  if (chosen == "unixTimestamp") {
    if (seconds == std::floor(seconds)) return static_cast<int64_t>(seconds);
    return seconds;
  }
  if (chosen == "rfc822") return text::format_http_date(seconds);
  return text::format_iso8601(seconds);
}

bool is_scalar(model::ShapeType type) {
  using model::ShapeType;
  return type != ShapeType::Structure && type != ShapeType::List && type != ShapeType::Map;
}

std::optional<nlohmann::json> scalar_from_text(const model::ShapeDef& shape, std::string_view text,
                                               bool raw_blob) {
  using model::ShapeType;
  switch (shape.type) {
    case ShapeType::Integer:
    case ShapeType::Long: {
      auto value = text::parse_integer(text);
      if (!value) return std::nullopt;
      if (shape.type == ShapeType::Integer && (*value < INT32_MIN || *value > INT32_MAX)) {
        return std::nullopt;
      }
      return nlohmann::json(*value);
    }
    case ShapeType::Float:
    case ShapeType::Double: {
      auto value = text::parse_double(text);
      if (!value) return std::nullopt;
      return nlohmann::json(*value);
    }
    case ShapeType::Boolean: {
      auto value = text::parse_boolean(text);
      if (!value) return std::nullopt;
      return nlohmann::json(*value);
    }
    case ShapeType::Blob: {
      if (raw_blob) return nlohmann::json(std::string(text));
      auto value = crypto::base64_decode(text);
      if (!value) return std::nullopt;
      return nlohmann::json(std::move(*value));
    }
    case ShapeType::Timestamp: {
      auto value = text::parse_timestamp(text);
      if (!value) return std::nullopt;
      if (*value == std::floor(*value)) return nlohmann::json(static_cast<int64_t>(*value));
      return nlohmann::json(*value);
    }
    default:
      return nlohmann::json(std::string(text));
  }
}

std::string scalar_to_text(const model::ShapeDef& shape, const nlohmann::json& value,
                           std::string_view timestamp_format) {
  using model::ShapeType;
  switch (shape.type) {
    case ShapeType::Boolean:
      return value.is_boolean() ? (value.get<bool>() ? "true" : "false") : value.dump();
    case ShapeType::Blob:
      return value.is_string() ? crypto::base64_encode(value.get_ref<const std::string&>()) : "";
    case ShapeType::Timestamp: {
      if (!value.is_number()) return value.is_string() ? value.get<std::string>() : "";
      auto text = format_timestamp(value.get<double>(), timestamp_format, "iso8601");
      return text.is_string() ? text.get<std::string>() : text.dump();
    }
    case ShapeType::Float:
    case ShapeType::Double:
      return value.is_number_float() ? format_double(value.get<double>()) : value.dump();
    default:
      if (value.is_string()) return value.get<std::string>();
      return value.dump();
  }
}

}  // namespace nimbus::protocol::wire
