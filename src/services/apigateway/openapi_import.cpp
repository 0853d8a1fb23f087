#include <algorithm>
#include <map>

#include "services/apigateway/ascii.h"
#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/openapi.h"
#include "services/apigateway/openapi_yaml.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kOperations[] = {"get", "put", "post", "delete", "patch", "head", "options",
                                            "x-amazon-apigateway-any-method"};


enum class Kind { String, Number, StringMap, StringList, Object };

// `value` as the API Gateway member of `kind` takes it; a scalar where text belongs becomes its
// text. Throws BadRequestException ("Invalid OpenAPI input.") for anything else.
Json typed(const Json& value, Kind kind) {
  auto invalid = [] { return errors::bad_request("Invalid OpenAPI input."); };
  auto text = [&](const Json& item) -> Json {
    if (item.is_string()) return item;
    if (item.is_number() || item.is_boolean()) return item.dump();
    throw invalid();
  };
  switch (kind) {
    case Kind::String:
      return text(value);
    case Kind::Number:
      if (!value.is_number()) throw invalid();
      return value;
    case Kind::StringMap: {
      if (!value.is_object()) throw invalid();
      Json out = Json::object();
      for (const auto& [key, item] : value.items()) out[key] = text(item);
      return out;
    }
    case Kind::StringList: {
      if (!value.is_array()) throw invalid();
      Json out = Json::array();
      for (const auto& item : value) out.push_back(text(item));
      return out;
    }
    case Kind::Object:
      if (!value.is_object()) throw invalid();
      return value;
  }
  throw invalid();
}

// Copies the listed members of `from` that are present (and not null) into `to`, typed.
void copy_members(Json& to, const Json& from, std::initializer_list<std::pair<const char*, Kind>> members) {
  for (const auto& [member, kind] : members) {
    if (from.contains(member) && !from[member].is_null()) to[member] = typed(from[member], kind);
  }
}

// x-amazon-apigateway-integration -> Integration.
Json integration_of(const Json& extension) {
  if (!extension.is_object()) throw errors::bad_request("Invalid OpenAPI input.");
  Json integration = {{"type", upper(typed(extension.value("type", Json("mock")), Kind::String).get<std::string>())},
                      {"passthroughBehavior", upper(typed(extension.value("passthroughBehavior", Json("when_no_match")),
                                                          Kind::String).get<std::string>())},
                      {"timeoutInMillis", typed(extension.value("timeoutInMillis", Json(29000)), Kind::Number)},
                      {"cacheKeyParameters", typed(extension.value("cacheKeyParameters", Json::array()), Kind::StringList)}};
  if (extension.contains("httpMethod")) {
    integration["httpMethod"] = upper(typed(extension["httpMethod"], Kind::String).get<std::string>());
  }
  copy_members(integration, extension,
               {{"uri", Kind::String}, {"credentials", Kind::String}, {"requestParameters", Kind::StringMap},
                {"requestTemplates", Kind::StringMap}, {"contentHandling", Kind::String},
                {"connectionType", Kind::String}, {"connectionId", Kind::String}, {"cacheNamespace", Kind::String},
                {"tlsConfig", Kind::Object}});
  if (integration["type"] != "MOCK" && !integration.contains("connectionType")) integration["connectionType"] = "INTERNET";
  if (extension.contains("responses") && extension["responses"].is_object()) {
    for (const auto& [pattern, response] : extension["responses"].items()) {
      if (!response.is_object()) throw errors::bad_request("Invalid OpenAPI input.");
      std::string code = typed(response.value("statusCode", Json("200")), Kind::String);
      Json out = {{"statusCode", code}};
      if (pattern != "default") out["selectionPattern"] = pattern;
      copy_members(out, response, {{"responseParameters", Kind::StringMap}, {"responseTemplates", Kind::StringMap},
                                   {"contentHandling", Kind::String}});
      integration["integrationResponses"][code] = out;
    }
  }
  return integration;
}

struct SecurityScheme {
  std::string authorization;  // AWS_IAM, CUSTOM, COGNITO_USER_POOLS, or "" for API keys
  bool api_key = false;
};

}  // namespace

// The importer proper, over a parsed document; may throw Json::exception for a mistyped member.
static ImportedApi import_document(const Json& spec, bool fail_on_warnings);

ImportedApi import_openapi(std::string_view body, bool fail_on_warnings) {
  // JSON, or else YAML (JSON is YAML too, but its own parser is exact about numbers).
  Json spec = Json::parse(body, nullptr, false);
  if (spec.is_discarded()) spec = yaml_to_json(body).value_or(Json());
  if (!spec.is_object()) throw errors::bad_request("Invalid OpenAPI input.");
  try {
    (void)spec.dump();  // YAML lets through text that is not UTF-8, which nothing after can store
  } catch (const Json::type_error&) {
    throw errors::bad_request("Invalid OpenAPI input.");
  }
  try {
    return import_document(spec, fail_on_warnings);
  } catch (const Json::exception&) {
    // A member of the wrong type (a string where an object belongs, ...).
    throw errors::bad_request("Invalid OpenAPI input.");
  }
}

static ImportedApi import_document(const Json& spec, bool fail_on_warnings) {
  bool oas3 = spec.contains("openapi");
  if (!oas3 && spec.value("swagger", "") != "2.0") {
    throw errors::bad_request("Invalid OpenAPI input: the document must declare 'openapi: 3.x' or 'swagger: 2.0'");
  }
  ImportedApi imported;
  const Json info = spec.value("info", Json::object());
  std::string title = info.contains("title") ? typed(info["title"], Kind::String).get<std::string>() : "";
  if (title.empty()) throw errors::bad_request("Invalid OpenAPI input: info.title (the API's name) is required");
  imported.settings["name"] = title;
  copy_members(imported.settings, info, {{"description", Kind::String}, {"version", Kind::String}});
  if (spec.contains("x-amazon-apigateway-binary-media-types")) {
    imported.settings["binaryMediaTypes"] = typed(spec["x-amazon-apigateway-binary-media-types"], Kind::StringList);
  }
  if (spec.contains("x-amazon-apigateway-api-key-source")) {
    imported.settings["apiKeySource"] = typed(spec["x-amazon-apigateway-api-key-source"], Kind::String);
  }
  if (spec.contains("x-amazon-apigateway-policy")) imported.settings["policy"] = spec["x-amazon-apigateway-policy"].dump();

  // Security schemes: IAM, Lambda / Cognito authorizers, API keys.
  const Json schemes = oas3 ? spec.value("components", Json::object()).value("securitySchemes", Json::object())
                            : spec.value("securityDefinitions", Json::object());
  std::map<std::string, SecurityScheme> security;
  for (const auto& [name, scheme] : schemes.items()) {
    std::string auth_type = scheme.value("x-amazon-apigateway-authtype", "");
    if (scheme.contains("x-amazon-apigateway-authorizer")) {
      const Json& extension = scheme["x-amazon-apigateway-authorizer"];
      std::string type = upper(extension.value("type", "token"));
      Json authorizer = {{"name", name}, {"type", type},
                         {"authorizerResultTtlInSeconds",
                          typed(extension.value("authorizerResultTtlInSeconds", Json(300)), Kind::Number)}};
      copy_members(authorizer, extension,
                   {{"authorizerUri", Kind::String}, {"authorizerCredentials", Kind::String},
                    {"identitySource", Kind::String}, {"identityValidationExpression", Kind::String},
                    {"providerARNs", Kind::StringList}});
      if (type == "TOKEN" && !authorizer.contains("identitySource")) {
        authorizer["identitySource"] = "method.request.header." + scheme.value("name", "Authorization");
      }
      if (!auth_type.empty()) authorizer["authType"] = auth_type;
      imported.authorizers[name] = authorizer;
      security[name] = {type == "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM", false};
    } else if (auth_type == "awsSigv4") {
      security[name] = {"AWS_IAM", false};
    } else if (scheme.value("type", "") == "apiKey" && scheme.value("in", "") == "header" &&
               upper(scheme.value("name", "")) == "X-API-KEY") {
      security[name] = {"", true};
    } else {
      imported.warnings.push_back("Unsupported security definition type '" + scheme.value("type", "") + "' for '" + name +
                                  "', ignoring.");
    }
  }
  const Json models = oas3 ? spec.value("components", Json::object()).value("schemas", Json::object())
                           : spec.value("definitions", Json::object());
  for (const auto& [name, schema] : models.items()) {
    imported.models[name] = {{"name", name}, {"contentType", "application/json"}, {"schema", schema.dump()}};
  }

  Json global_security = spec.value("security", Json::array());
  for (const auto& [path, item] : member_object(spec, "paths").items()) {
    if (path.empty() || path.front() != '/') {
      throw errors::bad_request("Invalid OpenAPI input: path '" + path + "' must start with '/'");
    }
    for (auto operation_name : kOperations) {
      std::string key(operation_name);
      if (!item.contains(key)) continue;
      const Json& operation = item[key];
      std::string http_method = operation_name == "x-amazon-apigateway-any-method" ? "ANY" : upper(operation_name);
      Json method = {{"httpMethod", http_method}, {"authorizationType", "NONE"}, {"apiKeyRequired", false}};
      if (operation.contains("operationId")) method["operationName"] = typed(operation["operationId"], Kind::String);
      for (const auto& requirement : operation.value("security", global_security)) {
        for (const auto& [scheme_name, scopes] : requirement.items()) {
          auto found = security.find(scheme_name);
          if (found == security.end()) continue;
          if (found->second.api_key) {
            method["apiKeyRequired"] = true;
          } else {
            method["authorizationType"] = found->second.authorization;
            if (found->second.authorization != "AWS_IAM") method["authorizerName"] = scheme_name;
            if (scopes.is_array() && !scopes.empty()) method["authorizationScopes"] = typed(scopes, Kind::StringList);
          }
        }
      }
      Json parameters = item.value("parameters", Json::array());
      for (const auto& parameter : operation.value("parameters", Json::array())) parameters.push_back(parameter);
      for (const auto& parameter : parameters) {
        std::string where = parameter.value("in", "");
        std::string location = where == "query" ? "querystring" : where;
        if (location != "path" && location != "querystring" && location != "header") continue;
        method["requestParameters"]["method.request." + location + "." + parameter.value("name", "")] =
            parameter.value("required", false);
      }
      for (const auto& [code, response] : member_object(operation, "responses").items()) {
        if (code == "default") continue;
        Json method_response = {{"statusCode", code}};
        for (const auto& [header, _] : member_object(response, "headers").items()) {
          method_response["responseParameters"]["method.response.header." + header] = false;
        }
        method["methodResponses"][code] = method_response;
      }
      if (operation.contains("x-amazon-apigateway-integration")) {
        method["methodIntegration"] = integration_of(operation["x-amazon-apigateway-integration"]);
      } else {
        imported.warnings.push_back("No integration defined for method " + http_method + " " + path);
      }
      imported.paths[path][http_method] = method;
    }
  }
  if (fail_on_warnings && !imported.warnings.empty()) {
    throw errors::bad_request("Warnings found during import:\n\t" + imported.warnings.front());
  }
  return imported;
}

void merge_import(Json& document, const ImportedApi& imported, bool overwrite) {
  Json& resources = document["resources"];
  std::string root = document["api"]["rootResourceId"];
  if (overwrite) {
    Json root_resource = resources[root];
    root_resource.erase("resourceMethods");
    resources = Json::object();
    resources[root] = root_resource;
    document["authorizers"] = Json::object();
    for (const auto& [name, _] : imported.models.items()) document["models"].erase(name);
  }
  // The title renames the API; merge adds the document's binary media types to the API's,
  // overwrite replaces them.
  for (const char* member : {"name", "description", "version", "apiKeySource", "policy"}) {
    if (imported.settings.contains(member)) document["api"][member] = imported.settings[member];
  }
  if (imported.settings.contains("binaryMediaTypes")) {
    Json& types = document["api"]["binaryMediaTypes"];
    if (overwrite || !types.is_array()) types = Json::array();
    for (const auto& type : imported.settings["binaryMediaTypes"]) {
      if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
    }
  }
  std::map<std::string, std::string> authorizer_ids;
  for (const auto& [id, authorizer] : document["authorizers"].items()) authorizer_ids[authorizer.value("name", "")] = id;
  for (const auto& [name, authorizer] : imported.authorizers.items()) {
    std::string id = authorizer_ids.count(name) ? authorizer_ids[name] : random_id(6);
    Json stored = authorizer;
    stored["id"] = id;
    document["authorizers"][id] = stored;
    authorizer_ids[name] = id;
  }
  for (const auto& [name, model] : imported.models.items()) {
    Json stored = model;
    stored["id"] = document["models"].contains(name) ? document["models"][name].value("id", random_id(6)) : random_id(6);
    document["models"][name] = stored;
  }
  std::map<std::string, std::string> by_path;
  for (const auto& [id, resource] : resources.items()) by_path[resource.value("path", "")] = id;
  for (const auto& [path, methods] : imported.paths.items()) {
    // Create the resources along the path.
    std::string parent = root;
    std::string current = "";
    size_t start = 1;
    while (start <= path.size() && path != "/") {
      auto slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      std::string part = path.substr(start, slash - start);
      start = slash + 1;
      if (part.empty()) continue;
      current += "/" + part;
      auto found = by_path.find(current);
      if (found == by_path.end()) {
        std::string id = random_id(6);
        resources[id] = {{"id", id}, {"parentId", parent}, {"pathPart", part}, {"path", current}};
        found = by_path.emplace(current, id).first;
      }
      parent = found->second;
    }
    for (const auto& [http_method, method] : methods.items()) {
      Json stored = method;
      if (stored.contains("authorizerName")) {
        stored["authorizerId"] = authorizer_ids[stored["authorizerName"].get<std::string>()];
        stored.erase("authorizerName");
      }
      if (stored.contains("methodIntegration") && !stored["methodIntegration"].contains("cacheNamespace")) {
        stored["methodIntegration"]["cacheNamespace"] = parent;
      }
      resources[parent]["resourceMethods"][http_method] = stored;
    }
  }
}

}  // namespace nimbus::apigateway
