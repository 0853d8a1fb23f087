#pragma once
// The errors API Gateway's management APIs answer (rest-json: the code travels as
// x-amzn-ErrorType, the body is {"message": ...}), with AWS's texts.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::apigateway::errors {

inline AwsError bad_request(std::string message) { return {400, "BadRequestException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {404, "NotFoundException", std::move(message)}; }
inline AwsError conflict(std::string message) { return {409, "ConflictException", std::move(message)}; }

inline AwsError api_not_found(std::string_view account, std::string_view id) {
  return not_found("Invalid API identifier specified " + std::string(account) + ":" + std::string(id));
}
inline AwsError resource_not_found() { return not_found("Invalid Resource identifier specified"); }
inline AwsError method_not_found() { return not_found("Invalid Method identifier specified"); }
inline AwsError integration_not_found() { return not_found("Invalid Integration identifier specified"); }
inline AwsError response_not_found() { return not_found("Invalid Response status code specified"); }
inline AwsError stage_not_found() { return not_found("Invalid Stage identifier specified"); }
inline AwsError deployment_not_found() { return not_found("Invalid Deployment identifier specified"); }
inline AwsError authorizer_not_found() { return not_found("Invalid Authorizer identifier specified"); }
inline AwsError validator_not_found() { return not_found("Invalid Request Validator identifier specified"); }
inline AwsError model_not_found(std::string_view name) {
  return not_found("Invalid model name specified: " + std::string(name));
}
inline AwsError gateway_response_not_found() { return not_found("Invalid Gateway Response identifier specified"); }
inline AwsError api_key_not_found() { return not_found("Invalid API Key identifier specified"); }
inline AwsError usage_plan_not_found(std::string_view) { return not_found("Invalid Usage Plan ID specified"); }
inline AwsError gateway_response_not_defined() { return not_found("Gateway response type not defined on api"); }

}  // namespace nimbus::apigateway::errors
