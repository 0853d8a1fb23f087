#pragma once
// Lambda's errors, with the codes and texts AWS answers.

#include <string>

#include "core/aws_error.h"

namespace nimbus::lambda::errors {

inline AwsError function_not_found(const std::string& arn) {
  return {404, "ResourceNotFoundException", "Function not found: " + arn};
}
inline AwsError resource_not_found(std::string message) {
  return {404, "ResourceNotFoundException", std::move(message)};
}
inline AwsError conflict(std::string message) { return {409, "ResourceConflictException", std::move(message)}; }
inline AwsError invalid_parameter(std::string message) {
  return {400, "InvalidParameterValueException", std::move(message)};
}
inline AwsError validation(std::string message) { return {400, "ValidationException", std::move(message)}; }
inline AwsError precondition_failed(std::string message) {
  return {412, "PreconditionFailedException", std::move(message)};
}
inline AwsError too_many_requests(std::string reason) {
  AwsError error(429, "TooManyRequestsException", "Rate Exceeded.");
  error.extra.push_back({"Reason", std::move(reason)});
  return error;
}
inline AwsError request_too_large(std::string message) {
  return {413, "RequestTooLargeException", std::move(message)};
}
inline AwsError service_error(std::string message) {
  return {500, "ServiceException", std::move(message), {}, false};
}

}  // namespace nimbus::lambda::errors
