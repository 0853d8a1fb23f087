#include "services/apigateway/gateway_responses.h"

namespace nimbus::apigateway {

const std::vector<GatewayResponseType>& gateway_response_types() {
  static const std::vector<GatewayResponseType> types = {
      {"ACCESS_DENIED", 403, "AccessDeniedException"},
      {"API_CONFIGURATION_ERROR", 500, "ApiConfigurationException"},
      {"AUTHORIZER_CONFIGURATION_ERROR", 500, "AuthorizerConfigurationException"},
      {"AUTHORIZER_FAILURE", 500, "AuthorizerFailureException"},
      {"BAD_REQUEST_BODY", 400, "BadRequestException"},
      {"BAD_REQUEST_PARAMETERS", 400, "BadRequestException"},
      {"DEFAULT_4XX", std::nullopt, ""},
      {"DEFAULT_5XX", std::nullopt, ""},
      {"EXPIRED_TOKEN", 403, "ExpiredTokenException"},
      {"INTEGRATION_FAILURE", 504, "InternalServerErrorException"},
      {"INTEGRATION_TIMEOUT", 504, "InternalServerErrorException"},
      {"INVALID_API_KEY", 403, "ForbiddenException"},
      {"INVALID_SIGNATURE", 403, "InvalidSignatureException"},
      {"MISSING_AUTHENTICATION_TOKEN", 403, "MissingAuthenticationTokenException"},
      {"QUOTA_EXCEEDED", 429, "LimitExceededException"},
      {"REQUEST_TOO_LARGE", 413, "RequestTooLargeException"},
      {"RESOURCE_NOT_FOUND", 404, "NotFoundException"},
      {"THROTTLED", 429, "TooManyRequestsException"},
      {"UNAUTHORIZED", 401, "UnauthorizedException"},
      {"UNSUPPORTED_MEDIA_TYPE", 415, "UnsupportedMediaTypeException"},
      {"WAF_FILTERED", 403, "WAFFilteredException"},
  };
  return types;
}

const GatewayResponseType* find_gateway_response_type(std::string_view type) {
  for (const auto& known : gateway_response_types()) {
    if (known.type == type) return &known;
  }
  return nullptr;
}

Json gateway_response(const Json& overrides, std::string_view type) {
  std::string key(type);
  if (overrides.contains(key)) {
    Json own = overrides[key];
    own["defaultResponse"] = false;
    return own;
  }
  const auto* known = find_gateway_response_type(type);
  Json response = {{"responseType", key},
                   {"defaultResponse", true},
                   {"responseParameters", Json::object()},
                   {"responseTemplates", {{"application/json", "{\"message\":$context.error.messageString}"}}}};
  if (known && known->status) response["statusCode"] = std::to_string(*known->status);
  // A type without its own override takes the DEFAULT_4XX / DEFAULT_5XX one of its class.
  if (known && known->status) {
    std::string family = *known->status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
    if (overrides.contains(family)) {
      const Json& shared = overrides[family];
      if (shared.contains("responseParameters")) response["responseParameters"] = shared["responseParameters"];
      if (shared.contains("responseTemplates")) response["responseTemplates"] = shared["responseTemplates"];
    }
  }
  return response;
}

}  // namespace nimbus::apigateway
