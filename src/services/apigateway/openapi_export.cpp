#include <ctime>

#include "services/apigateway/ascii.h"
#include "services/apigateway/rest_common.h"
#include "services/apigateway/openapi.h"

namespace nimbus::apigateway {
namespace {


std::string iso_date(double seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

Json integration_extension(const Json& integration) {
  Json extension = {{"type", lower(integration.value("type", "MOCK"))}};
  for (const char* member : {"uri", "credentials", "requestParameters", "requestTemplates", "contentHandling",
                             "connectionType", "connectionId", "timeoutInMillis", "cacheNamespace", "tlsConfig"}) {
    if (integration.contains(member)) extension[member] = integration[member];
  }
  if (integration.contains("httpMethod")) extension["httpMethod"] = integration["httpMethod"];
  extension["passthroughBehavior"] = lower(integration.value("passthroughBehavior", "WHEN_NO_MATCH"));
  for (const auto& [code, response] : member_object(integration, "integrationResponses").items()) {
    Json out = {{"statusCode", code}};
    for (const char* member : {"responseParameters", "responseTemplates", "contentHandling"}) {
      if (response.contains(member)) out[member] = response[member];
    }
    extension["responses"][response.value("selectionPattern", "default")] = out;
  }
  return extension;
}

}  // namespace

Json export_openapi(const Json& api, const Json& snapshot, const Json& stage, bool oas30, const std::string& extensions,
                    const std::string& region) {
  bool with_integrations = extensions.find("integrations") != std::string::npos || extensions == "apigateway";
  bool with_authorizers = extensions.find("authorizers") != std::string::npos || extensions == "apigateway";
  std::string stage_name = stage.value("stageName", "");
  std::string host = api.value("id", "") + ".execute-api." + region + ".amazonaws.com";
  Json spec = Json::object();
  if (oas30) {
    spec["openapi"] = "3.0.1";
  } else {
    spec["swagger"] = "2.0";
  }
  Json info = {{"title", api.value("name", "")},
               {"version", api.contains("version") ? api["version"].get<std::string>()
                                                   : iso_date(api.value("createdDate", 0.0))}};
  if (api.contains("description")) info["description"] = api["description"];
  spec["info"] = info;
  if (oas30) {
    spec["servers"] = Json::array({{{"url", "https://" + host + "/{basePath}"},
                                    {"variables", {{"basePath", {{"default", stage_name}}}}}}});
  } else {
    spec["host"] = host;
    spec["basePath"] = "/" + stage_name;
    spec["schemes"] = Json::array({"https"});
  }
  Json schemes = Json::object();
  const Json authorizers = snapshot.value("authorizers", Json::object());
  Json paths = Json::object();
  for (const auto& [id, resource] : member_object(snapshot, "resources").items()) {
    const Json methods = resource.value("resourceMethods", Json::object());
    if (methods.empty()) continue;
    Json item = Json::object();
    for (const auto& [http_method, method] : methods.items()) {
      Json operation = Json::object();
      if (method.contains("operationName")) operation["operationId"] = method["operationName"];
      for (const auto& [name, required] : member_object(method, "requestParameters").items()) {
        // "method.request.<path|querystring|header>.<name>"
        if (name.rfind("method.request.", 0) != 0) continue;
        std::string rest = name.substr(std::string("method.request.").size());
        auto dot = rest.find('.');
        if (dot == std::string::npos) continue;
        std::string location = rest.substr(0, dot);
        Json parameter = {{"name", rest.substr(dot + 1)}, {"in", location == "querystring" ? "query" : location},
                          {"required", required.is_boolean() ? required.get<bool>() : false}};
        if (location == "path") parameter["required"] = true;
        if (oas30) {
          parameter["schema"] = {{"type", "string"}};
        } else {
          parameter["type"] = "string";
        }
        operation["parameters"].push_back(parameter);
      }
      Json responses = Json::object();
      for (const auto& [code, response] : member_object(method, "methodResponses").items()) {
        Json out = {{"description", code + " response"}};
        for (const auto& [parameter, _] : member_object(response, "responseParameters").items()) {
          if (parameter.rfind("method.response.header.", 0) != 0) continue;
          std::string header = parameter.substr(std::string("method.response.header.").size());
          out["headers"][header] = oas30 ? Json{{"schema", {{"type", "string"}}}} : Json{{"type", "string"}};
        }
        responses[code] = out;
      }
      if (!responses.empty()) operation["responses"] = responses;
      std::string auth = method.value("authorizationType", "NONE");
      if (auth == "AWS_IAM") {
        operation["security"] = Json::array({{{"sigv4", Json::array()}}});
        if (with_authorizers) {
          schemes["sigv4"] = {{"type", "apiKey"}, {"name", "Authorization"}, {"in", "header"},
                              {"x-amazon-apigateway-authtype", "awsSigv4"}};
        }
      } else if ((auth == "CUSTOM" || auth == "COGNITO_USER_POOLS") && authorizers.contains(method.value("authorizerId", ""))) {
        const Json& authorizer = authorizers[method["authorizerId"].get<std::string>()];
        std::string name = authorizer.value("name", "");
        operation["security"] = Json::array({{{name, method.value("authorizationScopes", Json::array())}}});
        if (with_authorizers) {
          Json extension = {{"type", lower(authorizer.value("type", "TOKEN"))}};
          for (const char* member : {"authorizerUri", "authorizerCredentials", "identitySource",
                                     "identityValidationExpression", "providerARNs", "authorizerResultTtlInSeconds"}) {
            if (authorizer.contains(member)) extension[member] = authorizer[member];
          }
          std::string header = authorizer.value("identitySource", "method.request.header.Authorization");
          auto dot = header.rfind('.');
          schemes[name] = {{"type", "apiKey"}, {"name", dot == std::string::npos ? header : header.substr(dot + 1)},
                           {"in", "header"}, {"x-amazon-apigateway-authtype", authorizer.value("authType", auth == "CUSTOM" ? "custom" : "cognito_user_pools")},
                           {"x-amazon-apigateway-authorizer", extension}};
        }
      }
      if (method.value("apiKeyRequired", false)) {
        operation["security"].push_back({{"api_key", Json::array()}});
        schemes["api_key"] = {{"type", "apiKey"}, {"name", "x-api-key"}, {"in", "header"}};
      }
      if (with_integrations && method.contains("methodIntegration")) {
        operation["x-amazon-apigateway-integration"] = integration_extension(method["methodIntegration"]);
      }
      std::string key = http_method == "ANY" ? "x-amazon-apigateway-any-method" : lower(http_method);
      item[key] = operation;
    }
    paths[resource.value("path", "/")] = item;
  }
  spec["paths"] = paths;
  if (!schemes.empty()) {
    if (oas30) {
      spec["components"]["securitySchemes"] = schemes;
    } else {
      spec["securityDefinitions"] = schemes;
    }
  }
  const Json api_settings = snapshot.value("api", Json::object());
  if (with_integrations && api_settings.contains("binaryMediaTypes")) {
    spec["x-amazon-apigateway-binary-media-types"] = api_settings["binaryMediaTypes"];
  }
  return spec;
}

}  // namespace nimbus::apigateway
