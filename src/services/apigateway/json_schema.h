#pragma once
// Request body validation against an API's models: the JSON Schema draft 4 keywords API Gateway
// models use (type, enum, required, properties, additionalProperties, items, min/max items and
// lengths, pattern, minimum/maximum with exclusive forms, allOf/anyOf/oneOf/not, $ref to the
// schema's own definitions or to another model of the API). Pure; nothing here allocates without
// bound (references and nesting are limited).

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nimbus::apigateway {

// Resolves a $ref that names another model ("https://apigateway.amazonaws.com/restapis/<id>/models/
// <name>", or "#/definitions/<name>" outside the schema's own) to its schema, or nullopt.
using ModelLookup = std::function<std::optional<nlohmann::json>(const std::string& ref)>;

// Why `value` does not satisfy `schema` ("instance type (string) does not match any allowed primitive
// type (allowed: [\"object\"])"-style texts), or nullopt when it does.
std::optional<std::string> schema_violation(const nlohmann::json& schema, const nlohmann::json& value,
                                            const ModelLookup& models);

}  // namespace nimbus::apigateway
