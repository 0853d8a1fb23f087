#pragma once
// Reading decoded handler input (see src/protocol/protocol.h) with SQS's error conventions.

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "services/sqs/sqs_errors.h"

namespace nimbus::sqs::input {

using Json = nlohmann::json;

inline std::optional<std::string> opt_string(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

inline std::string required_string(const Json& in, const char* name) {
  auto value = opt_string(in, name);
  if (!value) throw errors::missing_parameter(name);
  return *value;
}

// Integers may arrive as numbers or (from lenient clients) numeric strings.
inline std::optional<int64_t> opt_int(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  std::string text = it->is_string() ? it->get<std::string>() : it->dump();
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw errors::invalid_parameter_value("Value " + text + " for parameter " + name +
                                          " is invalid. Reason: must be an integer.");
  }
  return value;
}

inline std::vector<std::string> string_list(const Json& in, const char* name) {
  std::vector<std::string> out;
  auto it = in.find(name);
  if (it == in.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

inline const Json& object_or_empty(const Json& in, const char* name) {
  static const Json empty = Json::object();
  auto it = in.find(name);
  return it != in.end() && it->is_object() ? *it : empty;
}

}  // namespace nimbus::sqs::input
