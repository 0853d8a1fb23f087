#pragma once
// Where an asynchronous invocation's outcome goes, as Lambda sends it: the invocation record
// ({"version":"1.0","requestContext":{...condition...},"requestPayload":...,"responsePayload":...})
// to an on-success / on-failure destination (SQS queue, function, SNS topic, EventBridge bus), and
// the original event to the function's dead-letter queue (SQS or SNS) with RequestID/ErrorCode/
// ErrorMessage attributes.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "delivery/delivery.h"

namespace nimbus::lambda {

using Json = nlohmann::json;

struct AsyncOutcome {
  std::string request_id;
  std::string function_arn;      // qualified: "...:function:f:$LATEST"
  std::string executed_version;
  std::string condition;         // "Success", "RetriesExhausted", "EventAgeExceeded"
  int attempts = 1;
  std::string request_payload;   // the event, JSON text
  std::string response_payload;  // the function's answer or error document, JSON text ("" = none)
  bool function_error = false;
  int64_t timestamp_ms = 0;
};

// The invocation record AWS sends to destinations.
Json invocation_record(const AsyncOutcome& outcome);

// The call that hands `record` to the destination `arn`; nullopt for an ARN Lambda cannot send to.
std::optional<delivery::Target> destination_target(const std::string& arn, const Json& record, bool success);

// The call that puts the failed event on a dead-letter queue or topic.
std::optional<delivery::Target> dead_letter_target(const std::string& arn, const AsyncOutcome& outcome,
                                                   const std::string& error_message);

}  // namespace nimbus::lambda
