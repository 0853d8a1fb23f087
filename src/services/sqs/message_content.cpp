#include "services/sqs/message_content.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "core/crypto.h"
#include "services/sqs/sqs_errors.h"

namespace nimbus::sqs {

namespace {

constexpr size_t kMaxAttributes = 10;
constexpr size_t kMaxAttributeNameLength = 256;

bool allowed_code_point(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool valid_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxAttributeNameLength) return false;
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) {
    return false;
  }
  if (istarts_with(name, "AWS.") || istarts_with(name, "Amazon.")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// [+-]digits[.digits][e[+-]digits], at least one digit.
bool valid_number(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0 || digits > 38) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exponent = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == text.size();
}

void append_length_prefixed(std::string& out, std::string_view value) {
  uint32_t n = static_cast<uint32_t>(value.size());
  out.push_back(static_cast<char>((n >> 24) & 0xFF));
  out.push_back(static_cast<char>((n >> 16) & 0xFF));
  out.push_back(static_cast<char>((n >> 8) & 0xFF));
  out.push_back(static_cast<char>(n & 0xFF));
  out.append(value);
}

AttributeValue parse_value(const std::string& name, const Json& input, std::string_view kind) {
  if (!input.is_object() || !input.contains("DataType") || !input["DataType"].is_string() ||
      input["DataType"].get<std::string>().empty()) {
    throw errors::invalid_parameter_value("The message " + std::string(kind) + " attribute '" +
                                          name + "' must contain non-empty message attribute type.");
  }
  AttributeValue value;
  value.data_type = input["DataType"];
  std::string_view type = value.data_type;
  auto base = type.substr(0, type.find('.'));
  if ((base != "String" && base != "Number" && base != "Binary") || type.size() > 256 ||
      (type.size() > base.size() && type.size() == base.size() + 1)) {
    throw errors::invalid_parameter_value(
        "The type of message (" + std::string(kind) + ") attribute '" + name +
        "' is invalid. You must use only the following supported type prefixes: Binary, Number, "
        "String.");
  }
  const char* member = base == "Binary" ? "BinaryValue" : "StringValue";
  if (!input.contains(member) || !input[member].is_string() ||
      input[member].get<std::string>().empty()) {
    throw errors::invalid_parameter_value("Message (" + std::string(kind) + ") attribute '" +
                                          name + "' must contain a non-empty value of type '" +
                                          std::string(base) + "'.");
  }
  value.value = input[member];
  if (base == "Number" && !valid_number(value.value)) {
    throw errors::invalid_parameter_value("Can't cast the value of message (" + std::string(kind) +
                                          ") attribute '" + name + "' to a number.");
  }
  if (base != "Binary" && !valid_message_characters(value.value)) {
    throw errors::invalid_message_contents();
  }
  return value;
}

}  // namespace

bool valid_message_characters(std::string_view text, uint32_t* bad) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    if (*p >= 0x20 && *p < 0x80) {  // printable ASCII, nearly every byte of most messages
      ++p;
      continue;
    }
    if (bad) *bad = *p;
    uint32_t c = *p;
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xE0) == 0xC0) {
      c &= 0x1F, extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      c &= 0x0F, extra = 2;
    } else if ((c & 0xF8) == 0xF0) {
      c &= 0x07, extra = 3;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < extra + 1) return false;
    for (size_t i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      c = (c << 6) | (p[i] & 0x3F);
    }
    // Reject overlong encodings.
    if ((extra == 1 && c < 0x80) || (extra == 2 && c < 0x800) || (extra == 3 && c < 0x10000)) {
      return false;
    }
    if (!allowed_code_point(c)) {
      if (bad) *bad = c;
      return false;
    }
    p += extra + 1;
  }
  return true;
}

Attributes parse_message_attributes(const Json& input) {
  Attributes out;
  if (!input.is_object()) return out;
  if (input.size() > kMaxAttributes) {
    throw errors::invalid_parameter_value("Number of message attributes [" +
                                          std::to_string(input.size()) +
                                          "] exceeds the allowed maximum [10].");
  }
  for (const auto& [name, value] : input.items()) {
    if (!valid_attribute_name(name)) {
      throw errors::invalid_parameter_value(
          "The message attribute name '" + name +
          "' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and "
          "period (.) characters.");
    }
    out[name] = parse_value(name, value, "user");
  }
  return out;
}

Attributes parse_system_attributes(const Json& input) {
  Attributes out;
  if (!input.is_object()) return out;
  for (const auto& [name, value] : input.items()) {
    if (name != "AWSTraceHeader") {
      throw errors::invalid_parameter_value("Message system attribute name '" + name +
                                            "' is invalid.");
    }
    auto parsed = parse_value(name, value, "system");
    if (parsed.data_type != "String") {
      throw errors::invalid_parameter_value(
          "Message system attribute AWSTraceHeader must be of type String.");
    }
    out[name] = std::move(parsed);
  }
  return out;
}

size_t message_size(std::string_view body, const Attributes& attributes) {
  size_t size = body.size();
  for (const auto& [name, value] : attributes) {
    size += name.size() + value.data_type.size() + value.value.size();
  }
  return size;
}

std::string md5_of_attributes(const Attributes& attributes) {
  if (attributes.empty()) return {};
  std::string buffer;
  for (const auto& [name, value] : attributes) {
    append_length_prefixed(buffer, name);
    append_length_prefixed(buffer, value.data_type);
    buffer.push_back(value.is_binary() ? 2 : 1);
    append_length_prefixed(buffer, value.value);
  }
  return crypto::md5_hex(buffer);
}

Json attributes_to_json(const Attributes& attributes) {
  Json out = Json::object();
  for (const auto& [name, value] : attributes) {
    Json entry = {{"DataType", value.data_type}};
    entry[value.is_binary() ? "BinaryValue" : "StringValue"] = value.value;
    out[name] = std::move(entry);
  }
  return out;
}

std::string md5_of_body(std::string_view body) { return crypto::md5_hex(body); }

}  // namespace nimbus::sqs
