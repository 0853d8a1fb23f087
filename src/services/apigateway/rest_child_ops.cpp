// An API's authorizers, models, request validators and gateway responses.

#include "services/apigateway/apigateway_errors.h"
#include "services/apigateway/gateway_responses.h"
#include "services/apigateway/rest_api_service.h"
#include "services/apigateway/rest_common.h"

namespace nimbus::apigateway {
namespace {

constexpr std::string_view kAuthorizerPaths[] = {
    "/name", "/type", "/authType", "/authorizerUri", "/authorizerCredentials", "/identitySource",
    "/identityValidationExpression", "/authorizerResultTtlInSeconds", "/providerARNs/*"};

void check_authorizer(const Json& authorizer) {
  std::string type = authorizer.value("type", "");
  if (type != "TOKEN" && type != "REQUEST" && type != "COGNITO_USER_POOLS") {
    throw errors::bad_request("Invalid authorizer type specified. Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS");
  }
  if (type == "COGNITO_USER_POOLS") {
    if (authorizer.value("providerARNs", Json::array()).empty()) {
      throw errors::bad_request("ProviderARNs need to be specified for authorizer of type COGNITO_USER_POOLS");
    }
  } else if (authorizer.value("authorizerUri", "").empty()) {
    throw errors::bad_request("Authorizer URI needs to be specified for authorizer of type " + type);
  }
  if (type == "TOKEN" && authorizer.value("identitySource", "").rfind("method.request.header.", 0) != 0) {
    throw errors::bad_request("Invalid identity source specified: the identity source of a TOKEN authorizer must be "
                              "method.request.header.<name>");
  }
  int64_t ttl = authorizer.value("authorizerResultTtlInSeconds", 300);
  if (ttl < 0 || ttl > 3600) throw errors::bad_request("Invalid authorizer TTL specified. Must be between 0 and 3600.");
}

// The items of one of the API's maps, in key order, for paging.
std::vector<Json> items_of(const Json& map) {
  std::vector<Json> items;
  for (const auto& [key, value] : map.items()) items.push_back(value);
  return items;
}

}  // namespace

awaitable<Json> RestApiService::create_authorizer(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string name = in.value("name", "");
    if (name.empty()) throw errors::bad_request("Authorizer name must be specified");
    for (const auto& [id, other] : document["authorizers"].items()) {
      if (other.value("name", "") == name) throw errors::conflict("Authorizer name must be unique. Authorizer " + name + " already exists in this RestApi.");
    }
    std::string id = random_id(6);
    Json authorizer = {{"id", id}, {"name", name}, {"type", in.value("type", "")}};
    for (const char* member : {"providerARNs", "authType", "authorizerUri", "authorizerCredentials", "identitySource",
                               "identityValidationExpression", "authorizerResultTtlInSeconds"}) {
      if (in.contains(member)) authorizer[member] = in[member];
    }
    if (!authorizer.contains("authorizerResultTtlInSeconds")) authorizer["authorizerResultTtlInSeconds"] = 300;
    check_authorizer(authorizer);
    document["authorizers"][id] = authorizer;
    return authorizer;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_authorizer(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string id = in.value("authorizerId", "");
  if (!document["authorizers"].contains(id)) throw errors::authorizer_not_found();
  co_return document["authorizers"][id];
}

awaitable<Json> RestApiService::get_authorizers(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  co_return page(items_of(document["authorizers"]), in);
}

awaitable<Json> RestApiService::update_authorizer(RequestContext& context, const Json& in) {
  std::string id = in.value("authorizerId", "");
  std::vector<std::string_view> allowed(std::begin(kAuthorizerPaths), std::end(kAuthorizerPaths));
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["authorizers"].contains(id)) throw errors::authorizer_not_found();
    Json& authorizer = document["authorizers"][id];
    apply_patch(authorizer, in.value("patchOperations", Json::array()), allowed);
    check_authorizer(authorizer);
    return authorizer;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_authorizer(RequestContext& context, const Json& in) {
  std::string id = in.value("authorizerId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["authorizers"].contains(id)) throw errors::authorizer_not_found();
    for (const auto& [rid, resource] : document["resources"].items()) {
      for (const auto& [name, method] : member_object(resource, "resourceMethods").items()) {
        if (method.value("authorizerId", "") == id) {
          throw errors::conflict("Cannot delete authorizer '" + document["authorizers"][id].value("name", "") +
                                 "', is referenced in method: " + name + " " + resource.value("path", ""));
        }
      }
    }
    document["authorizers"].erase(id);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::create_model(RequestContext& context, const Json& in) {
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string name = in.value("name", "");
    if (name.empty()) throw errors::bad_request("Model name must be non-empty");
    bool ok = true;
    for (char c : name) ok = ok && std::isalnum(static_cast<unsigned char>(c));
    if (!ok) throw errors::bad_request("Model name must be alphanumeric");
    if (document["models"].contains(name)) throw errors::conflict("Model name already exists for this REST API");
    std::string content_type = in.value("contentType", "");
    if (content_type.empty()) throw errors::bad_request("Content type must be specified");
    Json model = {{"id", random_id(6)}, {"name", name}, {"contentType", content_type}};
    if (in.contains("description")) model["description"] = in["description"];
    if (in.contains("schema")) {
      if (!Json::accept(in["schema"].get<std::string>())) {
        throw errors::bad_request("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model "
                                  "schema specified]");
      }
      model["schema"] = in["schema"];
    }
    document["models"][name] = model;
    return model;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_model(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string name = in.value("modelName", "");
  if (!document["models"].contains(name)) throw errors::model_not_found(name);
  co_return document["models"][name];
}

awaitable<Json> RestApiService::get_models(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  co_return page(items_of(document["models"]), in);
}

awaitable<Json> RestApiService::update_model(RequestContext& context, const Json& in) {
  std::string name = in.value("modelName", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["models"].contains(name)) throw errors::model_not_found(name);
    replace_only(in.value("patchOperations", Json::array()));
    apply_patch(document["models"][name], in.value("patchOperations", Json::array()), {"/description", "/schema"});
    return document["models"][name];
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_model(RequestContext& context, const Json& in) {
  std::string name = in.value("modelName", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["models"].contains(name)) throw errors::model_not_found(name);
    // A model a method's request uses cannot go ("//ANY": the root's ANY method).
    for (const auto& [rid, resource] : document["resources"].items()) {
      for (const auto& [method_name, method] : member_object(resource, "resourceMethods").items()) {
        for (const auto& [type, model] : member_object(method, "requestModels").items()) {
          if (model == name) {
            throw errors::conflict("Cannot delete model '" + name + "', is referenced in method request: " +
                                   resource.value("path", "") + "/" + method_name);
          }
        }
      }
    }
    document["models"].erase(name);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::create_request_validator(RequestContext& context, const Json& in) {
  // API Gateway answers a 400 (not its usual 404) for an unknown API here.
  if (!apis_.get(api_key(context, in.value("restApiId", "")))) {
    throw errors::bad_request("Invalid REST API identifier specified");
  }
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    std::string id = random_id(6);
    Json validator = {{"id", id},
                      {"name", in.value("name", "")},
                      {"validateRequestBody", in.value("validateRequestBody", false)},
                      {"validateRequestParameters", in.value("validateRequestParameters", false)}};
    document["requestValidators"][id] = validator;
    return validator;
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_request_validator(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::string id = in.value("requestValidatorId", "");
  if (!document["requestValidators"].contains(id)) throw errors::validator_not_found();
  co_return document["requestValidators"][id];
}

awaitable<Json> RestApiService::get_request_validators(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  co_return page(items_of(document["requestValidators"]), in);
}

awaitable<Json> RestApiService::update_request_validator(RequestContext& context, const Json& in) {
  std::string id = in.value("requestValidatorId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["requestValidators"].contains(id)) throw errors::validator_not_found();
    replace_only(in.value("patchOperations", Json::array()));
    apply_patch(document["requestValidators"][id], in.value("patchOperations", Json::array()),
                {"/name", "/validateRequestParameters", "/validateRequestBody"});
    if (document["requestValidators"][id].value("name", "").empty()) {
      throw errors::bad_request("Request Validator name cannot be blank");
    }
    return document["requestValidators"][id];
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_request_validator(RequestContext& context, const Json& in) {
  std::string id = in.value("requestValidatorId", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["requestValidators"].contains(id)) throw errors::validator_not_found();
    document["requestValidators"].erase(id);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::put_gateway_response(RequestContext& context, const Json& in) {
  std::string type = in.value("responseType", "");
  const auto* known = find_gateway_response_type(type);
  if (!known) throw errors::bad_request("Invalid response type specified: " + type);
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json response = {{"responseType", type},
                     {"responseParameters", in.value("responseParameters", Json::object())},
                     {"responseTemplates", in.value("responseTemplates", Json::object())}};
    if (in.contains("statusCode")) response["statusCode"] = in["statusCode"];
    document["gatewayResponses"][type] = response;
    return gateway_response(document["gatewayResponses"], type);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::get_gateway_response(RequestContext& context, const Json& in) {
  std::string type = in.value("responseType", "");
  Json document = api_document(context, in.value("restApiId", ""));
  if (!find_gateway_response_type(type)) throw errors::gateway_response_not_found();
  co_return gateway_response(document["gatewayResponses"], type);
}

awaitable<Json> RestApiService::get_gateway_responses(RequestContext& context, const Json& in) {
  Json document = api_document(context, in.value("restApiId", ""));
  std::vector<Json> items;
  for (const auto& known : gateway_response_types()) items.push_back(gateway_response(document["gatewayResponses"], known.type));
  co_return page(items, in);
}

awaitable<Json> RestApiService::update_gateway_response(RequestContext& context, const Json& in) {
  std::string type = in.value("responseType", "");
  if (!find_gateway_response_type(type)) throw errors::gateway_response_not_found();
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    Json response = gateway_response(document["gatewayResponses"], type);
    response.erase("defaultResponse");
    apply_patch(response, in.value("patchOperations", Json::array()),
                {"/statusCode", "/responseParameters/*", "/responseTemplates/*"});
    document["gatewayResponses"][type] = response;
    return gateway_response(document["gatewayResponses"], type);
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

awaitable<Json> RestApiService::delete_gateway_response(RequestContext& context, const Json& in) {
  std::string type = in.value("responseType", "");
  auto changed = edit_api(context, in.value("restApiId", ""), [&](Json& document) {
    if (!document["gatewayResponses"].contains(type)) throw errors::gateway_response_not_defined();
    document["gatewayResponses"].erase(type);
    return Json::object();
  });
  co_await changed.commit->wait();
  co_return std::move(changed.result);
}

}  // namespace nimbus::apigateway
