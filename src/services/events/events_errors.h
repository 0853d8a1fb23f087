#pragma once
// EventBridge's errors, named and worded as EventBridge answers them.

#include <string>

#include "core/aws_error.h"

namespace nimbus::events::errors {

inline AwsError validation(std::string message) { return {400, "ValidationException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {400, "ResourceNotFoundException", std::move(message)}; }
inline AwsError already_exists(std::string message) {
  return {400, "ResourceAlreadyExistsException", std::move(message)};
}
inline AwsError limit_exceeded(std::string message) { return {400, "LimitExceededException", std::move(message)}; }
inline AwsError invalid_pattern(std::string reason) {
  return {400, "InvalidEventPatternException", "Event pattern is not valid. Reason: " + std::move(reason)};
}
inline AwsError bus_not_found(const std::string& bus) { return not_found("Event bus " + bus + " does not exist."); }
inline AwsError rule_not_found(const std::string& rule, const std::string& bus) {
  return not_found("Rule " + rule + " does not exist on EventBus " + bus + ".");
}
inline AwsError invalid_arn(const std::string& arn) {
  return validation("Parameter " + arn + " is not valid. Reason: Provided Arn is not in correct format.");
}
inline AwsError concurrent_modification(std::string message) {
  return {400, "ConcurrentModificationException", std::move(message)};
}

}  // namespace nimbus::events::errors
