// Methods of a resource, their method responses, integrations and integration responses.

#include "services/apigateway/ascii.h"
#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kMethodPaths[] = {
    "/authorizationType", "/authorizerId", "/apiKeyRequired", "/operationName", "/requestValidatorId",
    "/requestParameters/*", "/requestModels/*", "/authorizationScopes/*"};
constexpr std::string_view kIntegrationPaths[] = {
    "/uri", "/httpMethod", "/type", "/credentials", "/passthroughBehavior", "/contentHandling", "/timeoutInMillis",
    "/connectionType", "/connectionId", "/cacheNamespace", "/requestParameters/*", "/requestTemplates/*",
    "/cacheKeyParameters/*", "/tlsConfig/insecureSkipVerification"};
constexpr std::string_view kMethodResponsePaths[] = {"/responseParameters/*", "/responseModels/*"};
constexpr std::string_view kIntegrationResponsePaths[] = {"/selectionPattern", "/contentHandling",
                                                          "/responseParameters/*", "/responseTemplates/*"};


void check_http_method(const std::string& method) {
  static constexpr std::string_view kMethods[] = {"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"};
  for (auto known : kMethods) {
    if (known == method) return;
  }
  throw errors::bad_request("Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
}

void check_authorization(const Json& document, const Json& method) {
  std::string type = method.value("authorizationType", "NONE");
  if (type != "NONE" && type != "AWS_IAM" && type != "CUSTOM" && type != "COGNITO_USER_POOLS") {
    throw errors::bad_request("Invalid authorization type specified. Valid options are NONE,AWS_IAM,CUSTOM,COGNITO_USER_POOLS");
  }
  if (type == "CUSTOM" || type == "COGNITO_USER_POOLS") {
    std::string id = method.value("authorizerId", "");
    if (id.empty() || !document["authorizers"].contains(id)) {
      throw errors::bad_request("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or "
                                "COGNITO_USER_POOLS requires a valid authorizer.");
    }
  }
  // The request validator and the request models must exist (400s, as API Gateway answers).
  std::string validator = method.value("requestValidatorId", "");
  if (!validator.empty() && !document["requestValidators"].contains(validator)) {
    throw errors::bad_request("Invalid Request Validator identifier specified");
  }
  for (const auto& [type, model] : member_object(method, "requestModels").items()) {
    if (model.is_string() && !document["models"].contains(model.get<std::string>())) {
      throw errors::bad_request("Invalid model identifier specified: " + model.get<std::string>());
    }
  }
}

void check_integration(const Json& integration) {
  std::string type = integration.value("type", "");
  if (type != "AWS" && type != "AWS_PROXY" && type != "HTTP" && type != "HTTP_PROXY" && type != "MOCK") {
    throw errors::bad_request("Invalid integration type specified. Valid options are AWS,AWS_PROXY,HTTP,HTTP_PROXY,MOCK");
  }
  if (type == "MOCK") return;
  if (integration.value("httpMethod", "").empty()) {
    throw errors::bad_request("Enumeration value for HttpMethod must be non-empty");
  }
  std::string uri = integration.value("uri", "");
  if (uri.empty()) throw errors::bad_request("Invalid integration URI specified");
  if (type == "HTTP" || type == "HTTP_PROXY") {
    if (uri.rfind("http://", 0) != 0 && uri.rfind("https://", 0) != 0) {
      throw errors::bad_request("Invalid HTTP endpoint specified for URI");
    }
  } else if (uri.rfind("arn:aws:apigateway:", 0) != 0) {
    throw errors::bad_request("AWS ARN for integration must contain path or action");
  } else if (type == "AWS_PROXY" && uri.find(":lambda:path/") == std::string::npos &&
             uri.find(":firehose:") == std::string::npos) {
    throw errors::bad_request("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose "
                              "stream invocations.");
  }
}

// A method's requestParameters and a method response's responseParameters map names to
// booleans (required or not); PATCH values arrive as strings.
void boolean_values(Json& object, const char* member) {
  if (!object.contains(member) || !object[member].is_object()) return;
  for (auto& [name, value] : object[member].items()) {
    if (!value.is_string()) continue;
    std::string text = value.get<std::string>();
    if (text != "true" && text != "false") {
      throw errors::bad_request("Invalid boolean value '" + text + "' for " + name);
    }
    value = text == "true";
  }
}

}  // namespace

// The method record `in` names (restApiId, resourceId, httpMethod) inside `document`.
static Json& method_of(Json& document, const Json& in) {
  std::string resource_id = in.value("resourceId", "");
  if (!document["resources"].contains(resource_id)) throw errors::resource_not_found();
  Json& methods = document["resources"][resource_id]["resourceMethods"];
  std::string method = upper(in.value("httpMethod", ""));
  if (!methods.is_object() || !methods.contains(method)) throw errors::method_not_found();
  return methods[method];
}

static Json& integration_of(Json& document, const Json& in) {
  Json& method = method_of(document, in);
  if (!method.contains("methodIntegration")) throw errors::integration_not_found();
  return method["methodIntegration"];
}

awaitable<Json> RestApiService::put_method(RequestContext& context, const Json& in) {
  std::string method_name = upper(in.value("httpMethod", ""));
  check_http_method(method_name);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string resource_id = in.value("resourceId", "");
    if (!document["resources"].contains(resource_id)) throw errors::resource_not_found();
    Json& methods = document["resources"][resource_id]["resourceMethods"];
    if (methods.is_null()) methods = Json::object();
    if (methods.contains(method_name)) throw errors::conflict("Method already exists for this resource");
    Json method = {{"httpMethod", method_name},
                   {"authorizationType", in.value("authorizationType", "NONE")},
                   {"apiKeyRequired", in.value("apiKeyRequired", false)}};
    for (const char* member : {"authorizerId", "operationName", "requestParameters", "requestModels",
                               "requestValidatorId", "authorizationScopes"}) {
      if (in.contains(member)) method[member] = in[member];
    }
    check_authorization(document, method);
    methods[method_name] = method;
    return method;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_method(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  co_return method_of(document, in);
}

awaitable<Json> RestApiService::update_method(RequestContext& context, const Json& in) {
  std::vector<std::string_view> allowed(std::begin(kMethodPaths), std::end(kMethodPaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& method = method_of(document, in);
    apply_patch(method, in.value("patchOperations", Json::array()), allowed);
    boolean_values(method, "requestParameters");
    check_authorization(document, method);
    return method;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_method(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    method_of(document, in);
    document["resources"][in.value("resourceId", "")]["resourceMethods"].erase(upper(in.value("httpMethod", "")));
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::put_method_response(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& method = method_of(document, in);
    std::string code = in.value("statusCode", "");
    Json response = {{"statusCode", code}};
    for (const char* member : {"responseParameters", "responseModels"}) {
      if (in.contains(member)) response[member] = in[member];
    }
    method["methodResponses"][code] = response;
    return response;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_method_response(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  Json& method = method_of(document, in);
  std::string code = in.value("statusCode", "");
  if (!method.contains("methodResponses") || !method["methodResponses"].contains(code)) throw errors::response_not_found();
  co_return method["methodResponses"][code];
}

awaitable<Json> RestApiService::update_method_response(RequestContext& context, const Json& in) {
  std::vector<std::string_view> allowed(std::begin(kMethodResponsePaths), std::end(kMethodResponsePaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& method = method_of(document, in);
    std::string code = in.value("statusCode", "");
    if (!method.contains("methodResponses") || !method["methodResponses"].contains(code)) {
      throw errors::response_not_found();
    }
    apply_patch(method["methodResponses"][code], in.value("patchOperations", Json::array()), allowed);
    boolean_values(method["methodResponses"][code], "responseParameters");
    return method["methodResponses"][code];
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_method_response(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& method = method_of(document, in);
    std::string code = in.value("statusCode", "");
    if (!method.contains("methodResponses") || !method["methodResponses"].contains(code)) {
      throw errors::response_not_found();
    }
    method["methodResponses"].erase(code);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::put_integration(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& method = method_of(document, in);
    Json integration = {{"type", in.value("type", "")},
                        {"passthroughBehavior", in.value("passthroughBehavior", "WHEN_NO_MATCH")},
                        {"timeoutInMillis", in.value("timeoutInMillis", 29000)},
                        {"cacheNamespace", in.value("cacheNamespace", in.value("resourceId", ""))},
                        {"cacheKeyParameters", in.value("cacheKeyParameters", Json::array())}};
    if (in.contains("integrationHttpMethod")) integration["httpMethod"] = upper(in["integrationHttpMethod"].get<std::string>());
    for (const char* member : {"uri", "connectionType", "connectionId", "credentials", "requestParameters",
                               "requestTemplates", "contentHandling", "tlsConfig"}) {
      if (in.contains(member)) integration[member] = in[member];
    }
    if (integration.value("type", "") != "MOCK" && !integration.contains("connectionType")) {
      integration["connectionType"] = "INTERNET";
    }
    int64_t timeout = integration["timeoutInMillis"];
    if (timeout < 50 || timeout > 29000) {
      throw errors::bad_request("Timeout should be between 50 ms and 29000 ms");
    }
    check_integration(integration);
    method["methodIntegration"] = integration;
    return integration;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_integration(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  co_return integration_of(document, in);
}

awaitable<Json> RestApiService::update_integration(RequestContext& context, const Json& in) {
  std::vector<std::string_view> allowed(std::begin(kIntegrationPaths), std::end(kIntegrationPaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& integration = integration_of(document, in);
    apply_patch(integration, in.value("patchOperations", Json::array()), allowed);
    check_integration(integration);
    return integration;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_integration(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    integration_of(document, in);
    method_of(document, in).erase("methodIntegration");
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::put_integration_response(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& integration = integration_of(document, in);
    std::string code = in.value("statusCode", "");
    Json& method = method_of(document, in);
    if (!method.contains("methodResponses") || !method["methodResponses"].contains(code)) {
      throw errors::bad_request("Invalid mapping expression specified: Validation Result: warnings : [], errors : "
                                "[No method response exists for method.]");
    }
    Json response = {{"statusCode", code}};
    for (const char* member : {"selectionPattern", "responseParameters", "responseTemplates", "contentHandling"}) {
      if (in.contains(member)) response[member] = in[member];
    }
    integration["integrationResponses"][code] = response;
    return response;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_integration_response(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  Json& integration = integration_of(document, in);
  std::string code = in.value("statusCode", "");
  if (!integration.contains("integrationResponses") || !integration["integrationResponses"].contains(code)) {
    throw errors::response_not_found();
  }
  co_return integration["integrationResponses"][code];
}

awaitable<Json> RestApiService::update_integration_response(RequestContext& context, const Json& in) {
  std::vector<std::string_view> allowed(std::begin(kIntegrationResponsePaths), std::end(kIntegrationResponsePaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& integration = integration_of(document, in);
    std::string code = in.value("statusCode", "");
    if (!integration.contains("integrationResponses") || !integration["integrationResponses"].contains(code)) {
      throw errors::response_not_found();
    }
    apply_patch(integration["integrationResponses"][code], in.value("patchOperations", Json::array()), allowed);
    return integration["integrationResponses"][code];
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_integration_response(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json& integration = integration_of(document, in);
    std::string code = in.value("statusCode", "");
    if (!integration.contains("integrationResponses") || !integration["integrationResponses"].contains(code)) {
      throw errors::response_not_found();
    }
    integration["integrationResponses"].erase(code);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

}  // namespace nimbus::apigateway
