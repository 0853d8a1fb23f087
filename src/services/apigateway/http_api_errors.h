#pragma once
// Every error the HTTP APIs' management API (apigatewayv2, rest-json) answers, as named
// factories: the code is the x-amzn-ErrorType, the status the model's. Texts marked unverified in
// README.md ("## HTTP APIs") are nimbus's wording, not AWS's.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::apigateway::v2errors {

inline AwsError bad_request(std::string message) { return {400, "BadRequestException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {404, "NotFoundException", std::move(message)}; }
inline AwsError conflict(std::string message) { return {409, "ConflictException", std::move(message)}; }

inline AwsError api_not_found(std::string_view account, std::string_view api_id) {
  return not_found("Invalid API identifier specified " + std::string(account) + ":" + std::string(api_id));
}
inline AwsError route_not_found(std::string_view id) {
  return not_found("Invalid Route identifier specified " + std::string(id));
}
inline AwsError integration_not_found(std::string_view id) {
  return not_found("Invalid Integration identifier specified " + std::string(id));
}
inline AwsError authorizer_not_found(std::string_view id) {
  return not_found("Invalid Authorizer identifier specified " + std::string(id));
}
inline AwsError deployment_not_found(std::string_view id) {
  return not_found("Invalid Deployment identifier specified " + std::string(id));
}
inline AwsError stage_not_found() { return not_found("Invalid stage identifier specified"); }
inline AwsError stage_exists(std::string_view name) {
  return conflict("Stage already exists: " + std::string(name));  // unverified
}
inline AwsError route_exists(std::string_view key) {
  return conflict("Route with key " + std::string(key) + " already exists for this API");  // unverified
}
inline AwsError resource_not_found(std::string_view arn) {
  return not_found("Invalid resource identifier specified " + std::string(arn));  // unverified
}
inline AwsError invalid_route_key(std::string_view key) {
  return bad_request("Unable to create route: route key '" + std::string(key) +
                     "' is not valid. A route key must be $default or '<METHOD> /<path>'.");  // unverified
}

}  // namespace nimbus::apigateway::v2errors
