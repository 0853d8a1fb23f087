#pragma once
// Every error CloudWatch Logs answers, as named factories, worded as AWS words them (awsJson 1.1:
// `code` is the __type suffix).

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::logs::errors {

inline AwsError invalid_parameter(std::string message) {
  return {400, "InvalidParameterException", std::move(message)};
}
// Coral's validation text, which CloudWatch Logs answers as InvalidParameterException:
// "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: ...".
inline AwsError constraint(std::string_view value, std::string_view field, std::string_view rule) {
  return invalid_parameter("1 validation error detected: Value '" + std::string(value) + "' at '" +
                           std::string(field) + "' failed to satisfy constraint: " + std::string(rule));
}
inline AwsError missing(std::string_view field) {
  return invalid_parameter("1 validation error detected: Value null at '" + std::string(field) +
                           "' failed to satisfy constraint: Member must not be null");
}
inline AwsError group_exists() {
  return {400, "ResourceAlreadyExistsException", "The specified log group already exists"};
}
inline AwsError stream_exists() {
  return {400, "ResourceAlreadyExistsException", "The specified log stream already exists"};
}
inline AwsError group_not_found() {
  return {400, "ResourceNotFoundException", "The specified log group does not exist."};
}
inline AwsError stream_not_found() {
  return {400, "ResourceNotFoundException", "The specified log stream does not exist."};
}
inline AwsError resource_not_found(std::string message) {
  return {400, "ResourceNotFoundException", std::move(message)};
}
inline AwsError not_chronological() {
  return invalid_parameter("Log events in a single PutLogEvents request must be in chronological order.");
}
inline AwsError span_over_24_hours() {
  return invalid_parameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.");
}
inline AwsError upload_too_large(int64_t bytes, int64_t limit) {
  return invalid_parameter("Upload too large: " + std::to_string(bytes) + " bytes exceeds limit of " +
                           std::to_string(limit));
}
inline AwsError event_too_large(int64_t bytes, int64_t limit) {
  return invalid_parameter("Log event too large: " + std::to_string(bytes) + " bytes exceeds limit of " +
                           std::to_string(limit));
}
inline AwsError invalid_token() { return invalid_parameter("The specified nextToken is invalid."); }
inline AwsError invalid_filter_pattern(std::string_view reason) {
  return invalid_parameter("Invalid filter pattern: " + std::string(reason));
}
inline AwsError order_by_with_prefix() {
  return invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
}
inline AwsError too_many_tags(std::string_view resource) {
  return {400, "TooManyTagsException", "A resource can have no more than 50 tags.", {}, true};
}
inline AwsError limit_exceeded(std::string message) {
  return {400, "LimitExceededException", std::move(message)};
}

}  // namespace nimbus::logs::errors
