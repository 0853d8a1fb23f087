#include "services/schemas/schema_export.h"

#include <stdexcept>
#include <string>

namespace nimbus::schemas {
namespace {

constexpr std::string_view kComponents = "#/components/schemas/";

Json convert(const Json& node) {
  if (node.is_array()) {
    Json out = Json::array();
    for (const auto& element : node) out.push_back(convert(element));
    return out;
  }
  if (!node.is_object()) return node;
  Json out = Json::object();
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "$ref" && it.value().is_string()) {
      std::string ref = it.value().get<std::string>();
      if (ref.rfind(kComponents, 0) == 0) ref = "#/definitions/" + ref.substr(kComponents.size());
      out["$ref"] = ref;
    } else if (it.key() == "nullable") {
      continue;
    } else {
      out[it.key()] = convert(it.value());
    }
  }
  if (node.value("nullable", false) && out.contains("type") && out["type"].is_string()) {
    out["type"] = Json::array({out["type"], "null"});
  }
  return out;
}

}  // namespace

Json openapi_to_draft4(const Json& openapi) {
  if (!openapi.is_object() || !openapi.contains("components") || !openapi["components"].is_object() ||
      !openapi["components"].contains("schemas") || !openapi["components"]["schemas"].is_object() ||
      openapi["components"]["schemas"].empty()) {
    throw std::invalid_argument("the document has no components.schemas");
  }
  const Json& components = openapi["components"]["schemas"];
  std::string title;
  if (openapi.contains("info") && openapi["info"].is_object()) title = openapi["info"].value("title", "");
  std::string root = components.contains("AWSEvent") ? "AWSEvent"
                     : components.contains(title)    ? title
                                                     : components.begin().key();
  Json out = convert(components[root]);
  Json definitions = Json::object();
  for (auto it = components.begin(); it != components.end(); ++it) {
    if (it.key() != root) definitions[it.key()] = convert(it.value());
  }
  if (!definitions.empty()) out["definitions"] = std::move(definitions);
  out["$schema"] = kDraft4;
  out["title"] = title.empty() ? root : title;
  return out;
}

}  // namespace nimbus::schemas
