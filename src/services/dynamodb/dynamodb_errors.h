#pragma once
// Every error DynamoDB answers, as named factories (json 1.0: the code is the __type suffix).
// Texts are DynamoDB's as its clients and tests match on them; README.md lists the unverified ones.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::dynamodb::errors {

inline AwsError validation(std::string message) { return {400, "ValidationException", std::move(message)}; }
// "One or more parameter values were invalid: ..."
inline AwsError invalid_parameter(std::string_view detail) {
  return validation("One or more parameter values were invalid: " + std::string(detail));
}
inline AwsError resource_not_found(std::string message = "Requested resource not found") {
  return {400, "ResourceNotFoundException", std::move(message)};
}
inline AwsError table_not_found(std::string_view table) {
  return resource_not_found("Requested resource not found: Table: " + std::string(table) + " not found");
}
inline AwsError resource_in_use(std::string message) { return {400, "ResourceInUseException", std::move(message)}; }
inline AwsError conditional_check_failed() {
  return {400, "ConditionalCheckFailedException", "The conditional request failed"};
}
inline AwsError limit_exceeded(std::string message) { return {400, "LimitExceededException", std::move(message)}; }
inline AwsError key_mismatch() { return validation("The provided key element does not match the schema"); }
inline AwsError idempotent_parameter_mismatch() {
  return {400, "IdempotentParameterMismatchException",
          "The request uses the same client token as a previous, but non-identical request."};
}
inline AwsError item_too_large() { return validation("Item size has exceeded the maximum allowed size"); }

}  // namespace nimbus::dynamodb::errors
