#pragma once
// Every error Athena's API answers, as named factories (json 1.1: the code is __type). A query
// that fails does not answer an error: it ends FAILED with an AthenaError (query_failure.h).

#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::athena::errors {

inline AwsError invalid_request(std::string message) { return {400, "InvalidRequestException", std::move(message)}; }
inline AwsError not_found(std::string message) { return {400, "ResourceNotFoundException", std::move(message)}; }
inline AwsError internal(std::string message) { return {500, "InternalServerException", std::move(message)}; }

inline AwsError query_not_found(std::string_view id) {
  return invalid_request("QueryExecution " + std::string(id) + " was not found");
}
inline AwsError workgroup_not_found(std::string_view name) {
  return invalid_request("WorkGroup " + std::string(name) + " is not found.");
}
inline AwsError no_output_location() {
  return invalid_request(
      "No output location provided. An output location is required either through the Workgroup result "
      "configuration setting or as an API input.");
}

}  // namespace nimbus::athena::errors
