// Authorizers: CreateAuthorizer, GetAuthorizer, GetAuthorizers, UpdateAuthorizer,
// DeleteAuthorizer (JWT with an issuer and audiences; REQUEST Lambda authorizers with payload
// format 1.0 / 2.0, simple responses and result caching), ResetAuthorizersCache.

#include "services/apigateway/http_api_errors.h"
#include "services/apigateway/http_api_service.h"

namespace nimbus::apigateway {
namespace {

constexpr std::initializer_list<const char*> kAuthorizerMembers = {
    "AuthorizerCredentialsArn", "AuthorizerPayloadFormatVersion", "AuthorizerResultTtlInSeconds",
    "AuthorizerType", "AuthorizerUri", "EnableSimpleResponses", "IdentitySource",
    "IdentityValidationExpression", "JwtConfiguration", "Name"};

void copy_members(Json& to, const Json& from, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (from.contains(name) && !from[name].is_null()) to[name] = from[name];
  }
}

void check_authorizer(const Json& record, const Json& authorizer) {
  bool http = record["Api"].value("ProtocolType", "HTTP") == "HTTP";
  std::string type = authorizer.value("AuthorizerType", "");
  if (type != "REQUEST" && !(http && type == "JWT")) {
    throw v2errors::bad_request("Invalid authorizer type specified: " + type);  // unverified
  }
  if (authorizer.value("Name", "").empty()) throw v2errors::bad_request("Authorizer name must not be empty");
  if (type == "JWT") {
    const Json jwt = authorizer.value("JwtConfiguration", Json::object());
    if (jwt.value("Issuer", "").empty()) {
      throw v2errors::bad_request("JwtConfiguration.Issuer is required for JWT authorizers");  // unverified
    }
    if (authorizer.value("IdentitySource", Json::array()).size() != 1) {
      throw v2errors::bad_request("JWT authorizers need exactly one identity source");  // unverified
    }
    return;
  }
  if (authorizer.value("AuthorizerUri", "").empty()) {
    throw v2errors::bad_request("AuthorizerUri is required for REQUEST authorizers");  // unverified
  }
  if (http) {
    std::string version = authorizer.value("AuthorizerPayloadFormatVersion", "");
    if (version != "1.0" && version != "2.0") {
      throw v2errors::bad_request("AuthorizerPayloadFormatVersion must be 1.0 or 2.0 for REQUEST authorizers");  // unverified
    }
    if (authorizer.value("EnableSimpleResponses", false) && version != "2.0") {
      throw v2errors::bad_request("Simple responses are only supported with payload format version 2.0");  // unverified
    }
  }
  int64_t ttl = authorizer.value("AuthorizerResultTtlInSeconds", int64_t{0});
  if (ttl < 0 || ttl > 3600) {
    throw v2errors::bad_request("AuthorizerResultTtlInSeconds must be between 0 and 3600");  // unverified
  }
  if (ttl > 0 && authorizer.value("IdentitySource", Json::array()).empty()) {
    throw v2errors::bad_request("IdentitySource is required when authorizer caching is enabled");  // unverified
  }
}

}  // namespace

awaitable<Json> HttpApiService::create_authorizer(RequestContext& context, const Json& in) {
  Edit edit = [&](Json& record) {
    std::string id = http_api_id(6);
    Json authorizer = {{"AuthorizerId", id}};
    copy_members(authorizer, in, kAuthorizerMembers);
    if (authorizer.value("AuthorizerType", "") == "REQUEST") {
      if (!authorizer.contains("AuthorizerResultTtlInSeconds")) authorizer["AuthorizerResultTtlInSeconds"] = 0;
      if (!authorizer.contains("EnableSimpleResponses") &&
          authorizer.value("AuthorizerPayloadFormatVersion", "") == "2.0") {
        authorizer["EnableSimpleResponses"] = false;
      }
    }
    check_authorizer(record, authorizer);
    record["Authorizers"][id] = authorizer;
    return authorizer;
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::get_authorizer(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::string id = in.value("AuthorizerId", "");
  if (!record["Authorizers"].contains(id)) throw v2errors::authorizer_not_found(id);
  co_return record["Authorizers"][id];
}

awaitable<Json> HttpApiService::get_authorizers(RequestContext& context, const Json& in) {
  Json record = api_record(context, in.value("ApiId", ""));
  std::vector<Json> items;
  for (const auto& authorizer : record["Authorizers"]) items.push_back(authorizer);
  co_return http_api_page(items, in);
}

awaitable<Json> HttpApiService::update_authorizer(RequestContext& context, const Json& in) {
  std::string id = in.value("AuthorizerId", "");
  Edit edit = [&](Json& record) {
    if (!record["Authorizers"].contains(id)) throw v2errors::authorizer_not_found(id);
    Json authorizer = record["Authorizers"][id];
    copy_members(authorizer, in, kAuthorizerMembers);
    check_authorizer(record, authorizer);
    record["Authorizers"][id] = authorizer;
    return authorizer;
  };
  Json out = co_await change_api(context, in.value("ApiId", ""), edit, true);
  {
    std::lock_guard lock(authorizer_cache_mutex_);
    std::erase_if(authorizer_cache_, [&](const auto& entry) {
      return entry.first.rfind(in.value("ApiId", "") + "/" + id + "/", 0) == 0;
    });
  }
  co_return out;
}

awaitable<Json> HttpApiService::delete_authorizer(RequestContext& context, const Json& in) {
  std::string id = in.value("AuthorizerId", "");
  Edit edit = [&](Json& record) {
    if (!record["Authorizers"].contains(id)) throw v2errors::authorizer_not_found(id);
    for (const auto& route : record["Routes"]) {
      if (route.value("AuthorizerId", "") == id) {
        throw v2errors::conflict("Cannot delete authorizer " + id + ", it is used by route " +
                                 route.value("RouteId", ""));  // unverified
      }
    }
    record["Authorizers"].erase(id);
    return Json::object();
  };
  co_return co_await change_api(context, in.value("ApiId", ""), edit, true);
}

awaitable<Json> HttpApiService::reset_authorizers_cache(RequestContext& context, const Json& in) {
  std::string api_id = in.value("ApiId", "");
  Json record = api_record(context, api_id);
  if (!record["Stages"].contains(in.value("StageName", ""))) throw v2errors::stage_not_found();
  std::lock_guard lock(authorizer_cache_mutex_);
  std::erase_if(authorizer_cache_, [&](const auto& entry) { return entry.first.rfind(api_id + "/", 0) == 0; });
  co_return Json::object();
}

}  // namespace nimbus::apigateway
