#include "services/apigateway/openapi_yaml.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <regex>

namespace nimbus::apigateway {
namespace {

using Json = nlohmann::json;

// Deep documents (aliases of aliases) are refused rather than followed without bound.
constexpr int kMaxDepth = 128;

// A plain scalar typed by YAML 1.2's core schema.
Json plain_scalar(const std::string& text) {
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.empty()) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.size() < 40 && std::regex_match(text, kInteger)) {
    try {
      return std::stoll(text);
    } catch (const std::out_of_range&) {
      return text;
    }
  }
  if (text.size() < 60 && std::regex_match(text, kFloat)) {
    double value = std::strtod(text.c_str(), nullptr);
    if (std::isfinite(value)) return value;
  }
  return text;
}

Json convert(const YAML::Node& node, int depth) {
  if (depth > kMaxDepth) throw YAML::Exception(YAML::Mark::null_mark(), "nesting too deep");
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // Quoted ("!" tag) and explicitly tagged scalars stay strings.
      return node.Tag() == "?" ? plain_scalar(node.Scalar()) : Json(node.Scalar());
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(convert(item, depth + 1));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node) {
        const auto& key = entry.first;
        std::string name = key.IsScalar() ? key.Scalar() : YAML::Dump(key);
        out[name] = convert(entry.second, depth + 1);
      }
      return out;
    }
  }
  return nullptr;
}

void emit(YAML::Emitter& out, const Json& value) {
  if (value.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
  } else if (value.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : value) emit(out, item);
    out << YAML::EndSeq;
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    // Quote what would read back as another type.
    if (!plain_scalar(text).is_string()) {
      out << YAML::DoubleQuoted << text;
    } else {
      out << text;
    }
  } else if (value.is_boolean()) {
    out << (value.get<bool>() ? "true" : "false");
  } else if (value.is_null()) {
    out << YAML::Null;
  } else {
    out << value.dump();
  }
}

// yaml-cpp parses recursively: a document nested deeper than any OpenAPI document would be is
// refused before it can exhaust the stack. Conservative: brackets inside quotes count too.
bool shallow_enough(std::string_view text) {
  constexpr int kMaxFlowDepth = 64;
  constexpr size_t kMaxIndent = 256;
  int flow = 0;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    auto line = text.substr(line_start, line_end - line_start);
    // Indentation plus compact nested sequences ("- - - x") on the line.
    size_t depth = 0;
    while (depth < line.size() && (line[depth] == ' ' || line[depth] == '-' || line[depth] == '\t' ||
                                   line[depth] == '?' || line[depth] == ':')) {
      ++depth;
    }
    if (depth > kMaxIndent) return false;
    for (char c : line) {
      if (c == '[' || c == '{') ++flow;
      if ((c == ']' || c == '}') && flow > 0) --flow;
      if (flow > kMaxFlowDepth) return false;
    }
    line_start = line_end + 1;
  }
  return true;
}

}  // namespace

std::optional<Json> yaml_to_json(std::string_view text) {
  if (!shallow_enough(text)) return std::nullopt;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return std::nullopt;
    return convert(root, 0);
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

std::string json_to_yaml(const Json& document) {
  YAML::Emitter out;
  emit(out, document);
  return std::string(out.c_str()) + "\n";
}

}  // namespace nimbus::apigateway
