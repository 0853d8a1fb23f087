#pragma once
// Every error the EventBridge Schema Registry answers, as named factories (rest-json: the code is
// the x-amzn-ErrorType, the HTTP status the one the model gives each error shape). Texts marked
// "unverified" in README.md are nimbus's wording, not AWS's.

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::schemas::errors {

inline AwsError bad_request(std::string message) { return {400, "BadRequestException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {404, "NotFoundException", std::move(message)}; }
inline AwsError conflict(std::string message) { return {409, "ConflictException", std::move(message)}; }
inline AwsError forbidden(std::string message) { return {403, "ForbiddenException", std::move(message)}; }

inline AwsError registry_not_found(std::string_view name) {
  return not_found("Registry with name " + std::string(name) + " does not exist.");
}
inline AwsError registry_exists(std::string_view name) {
  return conflict("Registry with name " + std::string(name) + " already exists.");
}
inline AwsError registry_managed(std::string_view name) {
  return bad_request("Registry " + std::string(name) + " is managed by AWS and cannot be modified.");
}
inline AwsError schema_not_found(std::string_view name) {
  return not_found("Schema with name " + std::string(name) + " does not exist.");
}
inline AwsError schema_exists(std::string_view name) {
  return conflict("Schema with name " + std::string(name) + " already exists.");
}
inline AwsError version_not_found(std::string_view name, std::string_view version) {
  return not_found("Schema with name " + std::string(name) + " and version " + std::string(version) +
                   " does not exist.");
}
inline AwsError discoverer_not_found(std::string_view id) {
  return not_found("Discoverer with id " + std::string(id) + " does not exist.");
}
inline AwsError resource_not_found(std::string_view arn) {
  return not_found("Resource with arn " + std::string(arn) + " does not exist.");
}
inline AwsError invalid_source_arn(std::string_view arn) {
  return bad_request("Invalid SourceArn " + std::string(arn) + ". It must be the ARN of an event bus.");
}
inline AwsError invalid_content() { return bad_request("Invalid schema content. Content must be a JSON document."); }
inline AwsError invalid_type(std::string_view type) {
  return bad_request("Invalid schema type " + std::string(type) + ". Valid types: OpenApi3, JSONSchemaDraft4.");
}
inline AwsError invalid_event() { return bad_request("Invalid event. Each event must be a JSON object."); }
inline AwsError invalid_token() { return bad_request("Invalid NextToken."); }
inline AwsError export_refused() {
  return bad_request("Schemas of type JSONSchemaDraft4 can only be exported as JSONSchemaDraft4.");
}

}  // namespace nimbus::schemas::errors
