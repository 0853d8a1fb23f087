#pragma once
// Every error SQS returns, as named factories: `code` is the JSON-protocol name, `query_code` the
// query-era code AWS still reports (x-amzn-query-error / query <Code>). Messages follow AWS's wording
// on each protocol (`query_message` where the query protocol's differs).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/aws_error.h"

namespace nimbus::sqs::errors {

inline AwsError queue_does_not_exist() {
  AwsError error{400, "QueueDoesNotExist", "The specified queue does not exist.",
                 "AWS.SimpleQueueService.NonExistentQueue"};
  error.query_message = "The specified queue does not exist for this wsdl version.";
  return error;
}
inline AwsError queue_name_exists(std::string_view attribute) {
  return {400, "QueueNameExists",
          "A queue already exists with the same name and a different value for attribute " +
              std::string(attribute),
          "QueueAlreadyExists"};
}
inline AwsError queue_deleted_recently() {
  return {400, "QueueDeletedRecently",
          "You must wait 60 seconds after deleting a queue before you can create another with "
          "the same name.",
          "AWS.SimpleQueueService.QueueDeletedRecently"};
}
inline AwsError invalid_parameter_value(std::string message) {
  return {400, "InvalidParameterValue", std::move(message)};
}
// "Value X for parameter P is invalid. Reason: R."
inline AwsError invalid_parameter(std::string_view parameter, std::string_view value,
                                  std::string_view reason) {
  return invalid_parameter_value("Value " + std::string(value) + " for parameter " +
                                 std::string(parameter) + " is invalid. Reason: " +
                                 std::string(reason));
}
// A message over the queue's MaximumMessageSize. AWS words a SendMessageBatch entry's failure
// "cannot be validated" where SendMessage says "are invalid".
inline AwsError message_too_long(int64_t max_size, bool batch_entry) {
  return invalid_parameter_value(std::string("One or more parameters ") +
                                 (batch_entry ? "cannot be validated" : "are invalid") +
                                 ". Reason: Message must be shorter than " +
                                 std::to_string(max_size) + " bytes.");
}
inline AwsError invalid_attribute_name(std::string_view name) {
  return {400, "InvalidAttributeName", "Unknown Attribute " + std::string(name) + "."};
}
// CreateQueue of a standard queue given DeduplicationScope or FifoThroughputLimit.
inline AwsError fifo_only_attribute(std::string_view name) {
  return {400, "InvalidAttributeName",
          "You can specify the " + std::string(name) + " only when FifoQueue is set to true."};
}
inline AwsError invalid_attribute_value(std::string_view name) {
  return {400, "InvalidAttributeValue",
          "Invalid value for the parameter " + std::string(name) + "."};
}
// SetQueueAttributes FifoQueue=false on a FIFO queue.
inline AwsError queue_type_change() {
  return {400, "InvalidAttributeValue",
          "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."};
}
inline AwsError missing_parameter(std::string_view name) {
  return {400, "MissingParameter",
          "The request must contain the parameter " + std::string(name) + "."};
}
inline AwsError receipt_handle_is_invalid(std::string_view handle) {
  return {400, "ReceiptHandleIsInvalid",
          "The input receipt handle \"" + std::string(handle) + "\" is not a valid receipt handle."};
}
inline AwsError receipt_handle_expired(std::string_view handle) {
  return invalid_parameter("ReceiptHandle", handle, "The receipt handle has expired.");
}
inline AwsError message_not_available(std::string_view handle) {
  return invalid_parameter("ReceiptHandle", handle,
                           "Message does not exist or is not available for visibility timeout "
                           "change.");
}
inline AwsError message_not_inflight() {
  return {400, "MessageNotInflight", "Message is not in flight.",
          "AWS.SimpleQueueService.MessageNotInflight"};
}
inline AwsError purge_queue_in_progress(std::string_view queue_name) {
  return {403, "PurgeQueueInProgress",
          "Only one PurgeQueue operation on " + std::string(queue_name) +
              " is allowed every 60 seconds.",
          "AWS.SimpleQueueService.PurgeQueueInProgress"};
}
inline AwsError too_many_entries_in_batch_request(size_t sent) {
  return {400, "TooManyEntriesInBatchRequest",
          "Maximum number of entries per request are 10. You have sent " + std::to_string(sent) +
              ".",
          "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"};
}
// `entry_type` is the request entry shape, e.g. "SendMessageBatchRequestEntry".
inline AwsError empty_batch_request(std::string_view entry_type) {
  return {400, "EmptyBatchRequest",
          "There should be at least one " + std::string(entry_type) + " in the request.",
          "AWS.SimpleQueueService.EmptyBatchRequest"};
}
inline AwsError batch_entry_ids_not_distinct(std::string_view id) {
  return {400, "BatchEntryIdsNotDistinct", "Id " + std::string(id) + " repeated.",
          "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"};
}
inline AwsError invalid_batch_entry_id() {
  return {400, "InvalidBatchEntryId",
          "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It "
          "can be at most 80 letters long.",
          "AWS.SimpleQueueService.InvalidBatchEntryId"};
}
inline AwsError batch_request_too_long(size_t limit, size_t sent) {
  return {400, "BatchRequestTooLong",
          "Batch requests cannot be longer than " + std::to_string(limit) + " bytes. You have sent " +
              std::to_string(sent) + " bytes.",
          "AWS.SimpleQueueService.BatchRequestTooLong"};
}
// A message body with a character outside the allowed set, `character` as AWS prints it ('#x7').
inline AwsError invalid_message_body_character(uint32_t character) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "%X", static_cast<unsigned>(character));
  return {400, "InvalidMessageContents",
          "Invalid binary character '#x" + std::string(hex) +
              "' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | "
              "[#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]."};
}
// A message attribute value with such a character (AWS's text here unconfirmed).
inline AwsError invalid_message_contents() {
  return {400, "InvalidMessageContents",
          "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
          "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"};
}
inline AwsError unsupported_operation(std::string message) {
  return {400, "UnsupportedOperation", std::move(message),
          "AWS.SimpleQueueService.UnsupportedOperation"};
}
inline AwsError resource_not_found(std::string message) {
  return {404, "ResourceNotFoundException", std::move(message)};
}
inline AwsError over_limit(std::string message) {
  return {403, "OverLimit", std::move(message)};
}
// ReceiveMessage on a standard queue that has `limit` messages in flight (AWS's text unknown).
inline AwsError over_limit(int64_t limit) {
  return over_limit("The maximum number of in flight messages (" + std::to_string(limit) +
                    ") is reached.");
}
inline AwsError invalid_id_format() {
  return {400, "InvalidIdFormat", "The specified receipt handle isn't valid for the current version."};
}

}  // namespace nimbus::sqs::errors
