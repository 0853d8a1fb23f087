#pragma once
// OpenAPI 3 and Swagger 2 documents with API Gateway's extensions (x-amazon-apigateway-integration,
// -authorizer, -authtype, -binary-media-types, -api-key-source, -any-method) read into a REST API
// (ImportRestApi, PutRestApi) and written from a stage's deployment (GetExport).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway {

using Json = nlohmann::json;

struct ImportedApi {
  Json settings = Json::object();     // CreateRestApi members: name, description, version, binaryMediaTypes ...
  Json paths = Json::object();        // "/users/{id}" -> "GET" -> Method (methodIntegration, methodResponses)
  Json authorizers = Json::object();  // name -> Authorizer (no id yet)
  Json models = Json::object();       // name -> Model (no id yet)
  std::vector<std::string> warnings;
};

// Throws BadRequestException for a document API Gateway refuses (or, with fail_on_warnings, warns about).
ImportedApi import_openapi(std::string_view body, bool fail_on_warnings);

// Adds the imported parts to an API document (rest_api_service.h's record): `overwrite` replaces
// its resources, authorizers and models (PutRestApi mode=overwrite, ImportRestApi); otherwise
// they are merged in (mode=merge).
void merge_import(Json& document, const ImportedApi& imported, bool overwrite);

// The OpenAPI 3 (`oas30`) or Swagger 2 document (JSON or YAML, see openapi_yaml.h) of a deployment's snapshot, as GetExport answers
// it. `extensions`: "integrations", "authorizers", "apigateway" (both) or "" (neither).
Json export_openapi(const Json& api, const Json& snapshot, const Json& stage, bool oas30, const std::string& extensions,
                    const std::string& region);

}  // namespace nimbus::apigateway
