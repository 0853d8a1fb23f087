// Routes and integrations: CreateRoute, GetRoute, GetRoutes, UpdateRoute, DeleteRoute;
// CreateIntegration, GetIntegration, GetIntegrations, UpdateIntegration, DeleteIntegration.
// Every change re-deploys the API's AutoDeploy stages.

#include "services/apigateway/http_api_errors.h"
#include "services/apigateway/http_api_routing.h"
#include "services/apigateway/http_api_service.h"

namespace nimbus::apigateway {
namespace {

constexpr std::initializer_list<const char*> kRouteMembers = {
    "ApiKeyRequired", "AuthorizationScopes", "AuthorizationType", "AuthorizerId", "ModelSelectionExpression",
    "OperationName", "RequestModels", "RequestParameters", "RouteKey", "RouteResponseSelectionExpression", "Target"};

constexpr std::initializer_list<const char*> kIntegrationMembers = {
    "ConnectionId", "ConnectionType", "ContentHandlingStrategy", "CredentialsArn", "Description",
    "IntegrationMethod", "IntegrationSubtype", "IntegrationType", "IntegrationUri", "PassthroughBehavior",
    "PayloadFormatVersion", "RequestParameters", "RequestTemplates", "ResponseParameters",
    "TemplateSelectionExpression", "TimeoutInMillis", "TlsConfig"};

void copy_members(Json& to, const Json& from, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (from.contains(name) && !from[name].is_null()) to[name] = from[name];
  }
}

std::vector<Json> sorted_items(const Json& map) {
  std::vector<Json> items;
  for (const auto& item : map) items.push_back(item);
  return items;
}

bool is_http(const Json& record) { return record["Api"].value("ProtocolType", "HTTP") == "HTTP"; }

// The checks a route must pass in its API (after a create or update).
void check_route(const Json& record, const Json& route) {
  std::string key = route.value("RouteKey", "");
  if (is_http(record) && !parse_route_key(key)) throw v2errors::invalid_route_key(key);
  for (const auto& other : record["Routes"]) {
    if (other["RouteId"] != route["RouteId"] && other.value("RouteKey", "") == key) throw v2errors::route_exists(key);
  }
  std::string type = route.value("AuthorizationType", "NONE");
  if (type != "NONE" && type != "AWS_IAM" && type != "JWT" && type != "CUSTOM") {
    throw v2errors::bad_request("Invalid authorization type specified: " + type);  // unverified
  }
  if (type == "JWT" || type == "CUSTOM") {
    std::string authorizer = route.value("AuthorizerId", "");
    if (authorizer.empty() || !record["Authorizers"].contains(authorizer)) {
      throw v2errors::bad_request("Invalid authorizer identifier specified " + authorizer);  // unverified
    }
    std::string kind = record["Authorizers"][authorizer].value("AuthorizerType", "");
    if ((type == "JWT") != (kind == "JWT")) {
      throw v2errors::bad_request("AuthorizationType " + type + " does not match the authorizer's type " + kind);  // unverified
    }
  }
  std::string target = route.value("Target", "");
  if (!target.empty()) {
    if (target.rfind("integrations/", 0) != 0 || !record["Integrations"].contains(target.substr(13))) {
      throw v2errors::bad_request("Invalid target specified " + target);  // unverified
    }
  }
}

void check_integration(const Json& record, const Json& integration) {
  std::string type = integration.value("IntegrationType", "");
  bool http = is_http(record);
  if (type != "AWS_PROXY" && type != "HTTP_PROXY" && (http || (type != "AWS" && type != "HTTP" && type != "MOCK"))) {
    throw v2errors::bad_request("Invalid integration type specified: " + type);  // unverified
  }
  std::string version = integration.value("PayloadFormatVersion", "1.0");
  if (version != "1.0" && version != "2.0") {
    throw v2errors::bad_request("Invalid payload format version specified: " + version);  // unverified
  }
  if (type == "HTTP_PROXY" && version != "1.0") {
    throw v2errors::bad_request("HTTP_PROXY integrations only support payload format version 1.0");  // unverified
  }
  if ((type == "AWS_PROXY" || type == "HTTP_PROXY") && integration.value("IntegrationUri", "").empty() &&
      integration.value("IntegrationSubtype", "").empty()) {
    throw v2errors::bad_request("IntegrationUri is required for integration type " + type);  // unverified
  }
  if (type == "HTTP_PROXY" && integration.value("IntegrationMethod", "").empty()) {
    throw v2errors::bad_request("IntegrationMethod is required for integration type HTTP_PROXY");  // unverified
  }
}

}  // namespace

awaitable<Json> HttpApiService::create_route(RequestContext& context, const Json& in) {
  Edit edit = [&](Json& record) {
    std::string id = http_api_id(7);
    Json route = {{"RouteId", id}, {"ApiKeyRequired", false}, {"AuthorizationType", "NONE"}};
    copy_members(route, in, kRouteMembers);
    check_route(record, route);
    record["Routes"][id] = route;
    return route;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::get_route(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::string id = in.value("RouteId", "");
  if (!record["Routes"].contains(id)) throw v2errors::route_not_found(id);
  co_return record["Routes"][id];
}

awaitable<Json> HttpApiService::get_routes(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  co_return http_api_page(sorted_items(record["Routes"]), in);
}

awaitable<Json> HttpApiService::update_route(RequestContext& context, const Json& in) {
  std::string id = in.value("RouteId", "");
  Edit edit = [&](Json& record) {
    if (!record["Routes"].contains(id)) throw v2errors::route_not_found(id);
    Json route = record["Routes"][id];
    copy_members(route, in, kRouteMembers);
    if (route.value("AuthorizationType", "NONE") == "NONE" || route.value("AuthorizationType", "") == "AWS_IAM") {
      route.erase("AuthorizerId");
    }
    check_route(record, route);
    record["Routes"][id] = route;
    return route;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::delete_route(RequestContext& context, const Json& in) {
  std::string id = in.value("RouteId", "");
  Edit edit = [&](Json& record) {
    if (!record["Routes"].contains(id)) throw v2errors::route_not_found(id);
    record["Routes"].erase(id);
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::create_integration(RequestContext& context, const Json& in) {
  Edit edit = [&](Json& record) {
    std::string id = http_api_id(7);
    Json integration = {{"IntegrationId", id}, {"ConnectionType", "INTERNET"}};
    copy_members(integration, in, kIntegrationMembers);
    std::string type = integration.value("IntegrationType", "");
    if (!integration.contains("PayloadFormatVersion")) integration["PayloadFormatVersion"] = "1.0";
    if (type == "AWS_PROXY" && !integration.contains("IntegrationMethod")) integration["IntegrationMethod"] = "POST";
    if (!integration.contains("TimeoutInMillis")) integration["TimeoutInMillis"] = is_http(record) ? 30000 : 29000;
    check_integration(record, integration);
    record["Integrations"][id] = integration;
    return integration;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::get_integration(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::string id = in.value("IntegrationId", "");
  if (!record["Integrations"].contains(id)) throw v2errors::integration_not_found(id);
  co_return record["Integrations"][id];
}

awaitable<Json> HttpApiService::get_integrations(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  co_return http_api_page(sorted_items(record["Integrations"]), in);
}

awaitable<Json> HttpApiService::update_integration(RequestContext& context, const Json& in) {
  std::string id = in.value("IntegrationId", "");
  Edit edit = [&](Json& record) {
    if (!record["Integrations"].contains(id)) throw v2errors::integration_not_found(id);
    Json integration = record["Integrations"][id];
    copy_members(integration, in, kIntegrationMembers);
    check_integration(record, integration);
    record["Integrations"][id] = integration;
    return integration;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::delete_integration(RequestContext& context, const Json& in) {
  std::string id = in.value("IntegrationId", "");
  Edit edit = [&](Json& record) {
    if (!record["Integrations"].contains(id)) throw v2errors::integration_not_found(id);
    record["Integrations"].erase(id);
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

}  // namespace nimbus::apigateway
