#pragma once
// The one error type of nimbus: what a handler throws when a request must fail the AWS way.
// Protocol writers (src/protocol/) turn it into bytes; nothing else writes errors to the wire.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace nimbus {

struct AwsError : std::exception {
  int http_status = 400;
  // The error code as the service's current protocol names it (JSON `__type` suffix,
  // rest-xml/query <Code>), e.g. "QueueDoesNotExist", "NoSuchKey".
  std::string code;
  std::string message;
  // For awsQueryCompatible services (SQS): the query-era code ("AWS.SimpleQueueService.NonExistentQueue")
  // written in <Code> on the query protocol and in the x-amzn-query-error header on JSON. Empty = code.
  std::string query_code;
  // For awsQueryCompatible services: the message on the query protocol when AWS words it
  // differently there (SQS: "...does not exist for this wsdl version."). Empty = message.
  std::string query_message;
  bool sender_fault = true;
  // Extra XML elements some S3 errors carry (<Resource>, <BucketName>, <Key>...), written in order.
  std::vector<std::pair<std::string, std::string>> extra;
  // Members a JSON-protocol error shape adds beside the message, each as JSON text (DynamoDB's
  // CancellationReasons array, a failed condition's Item), written in order.
  std::vector<std::pair<std::string, std::string>> json_members;
  // HTTP headers the error response carries (S3: x-amz-delete-marker on a 404 for a delete marker).
  std::vector<std::pair<std::string, std::string>> headers;

  AwsError(int status, std::string code_, std::string message_, std::string query_code_ = {},
           bool sender = true)
      : http_status(status),
        code(std::move(code_)),
        message(std::move(message_)),
        query_code(std::move(query_code_)),
        sender_fault(sender) {}

  const char* what() const noexcept override { return message.c_str(); }
  const std::string& wire_query_code() const { return query_code.empty() ? code : query_code; }
  const std::string& wire_query_message() const { return query_message.empty() ? message : query_message; }

  // Common errors shared by every AWS service (see "Common Errors" in each API reference).
  static AwsError validation(std::string message) {
    return {400, "ValidationError", std::move(message)};
  }
  static AwsError invalid_parameter_value(std::string message) {
    return {400, "InvalidParameterValue", std::move(message)};
  }
  static AwsError missing_parameter(std::string message) {
    return {400, "MissingParameter", std::move(message)};
  }
  static AwsError invalid_action(std::string message) {
    return {400, "InvalidAction", std::move(message)};
  }
  static AwsError unknown_operation(std::string message) {
    return {400, "UnknownOperationException", std::move(message)};
  }
  static AwsError serialization(std::string message) {
    return {400, "SerializationException", std::move(message)};
  }
  static AwsError malformed_query_string(std::string message) {
    return {400, "MalformedQueryString", std::move(message)};
  }
  static AwsError payload_too_large(std::string message) {
    return {413, "RequestEntityTooLarge", std::move(message)};
  }
  static AwsError internal() {
    return {500, "InternalFailure", "We encountered an internal error. Please try again.", {},
            false};
  }
};

}  // namespace nimbus
