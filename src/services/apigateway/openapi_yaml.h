#pragma once
// OpenAPI documents in YAML, through yaml-cpp: read into the JSON the importer walks, and written
// from the JSON the exporter builds (GetExport with Accept: application/yaml).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::apigateway {

// The document as JSON (YAML 1.2's core schema: plain true/false/null/numbers are typed, quoted
// scalars stay strings); nullopt when it is not YAML or not a mapping at its root.
std::optional<nlohmann::json> yaml_to_json(std::string_view text);

std::string json_to_yaml(const nlohmann::json& document);

}  // namespace nimbus::apigateway
