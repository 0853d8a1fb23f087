#pragma once
// What one service hands another: a Delivery is one operation call (service, operation, input)
// in the destination's account and region, made on behalf of a source service, with the retry
// policy that source promises. The outbox (outbox.h) stores and carries it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace nimbus::delivery {

using Json = nlohmann::json;

// One operation of one service, called as a client would (Service::invoke).
struct Target {
  std::string service;    // "sqs"
  std::string operation;  // "SendMessage"
  std::string account;
  std::string region;
  Json input;
};

// How long and how often a failed delivery is tried again: exponential backoff from
// `first_delay_ms`, doubling to `max_delay_ms`, with jitter, on nimbus's clock.
struct RetryPolicy {
  int max_attempts = 0;  // 0: as many as `max_age_ms` allows
  int64_t max_age_ms = 24LL * 3600 * 1000;
  int64_t first_delay_ms = 100;
  int64_t max_delay_ms = 60'000;
  // Whether a destination or permission that is missing now is waited for (S3, Lambda), or the
  // delivery is given up at once (EventBridge sends such events straight to the target's DLQ).
  bool retry_missing = true;
};

struct Delivery {
  // Who hands it over: the source service ("s3"), and the resource and account the event comes
  // from (aws:SourceArn / aws:SourceAccount for the destination's resource policy).
  std::string source;
  std::string source_arn;
  std::string source_account;
  // The destination (usually its ARN): deliveries of one lane share order and limits, and a
  // dead destination holds up only its own lane.
  std::string lane;
  // Delivered one at a time in the order staged (FIFO queues, stream shards); otherwise a lane
  // carries several at once and a failed one does not hold back the next.
  bool ordered = false;
  Target target;
  RetryPolicy retry;
  // Made in place of another that was given up: when it fails too, it is dropped.
  bool dead_letter = false;
  // What the source needs back if the delivery is given up (EventBridge: the rule, target and
  // dead-letter queue), stored with it and handed to the source's dead-letter handler.
  Json source_context;
};

// Where a delivery that could not be made went, and why (GET /_nimbus/deliveries).
struct Failure {
  std::string code;     // the destination's error code, or "MaximumAgeExceeded" ...
  std::string message;
  int attempts = 0;
};

std::string encode_delivery(const Delivery& delivery, int64_t created_ms);
// nullopt for a record it cannot read (logged and skipped by the outbox).
std::optional<std::pair<Delivery, int64_t>> decode_delivery(std::string_view record);
Json describe_target(const Target& target);

}  // namespace nimbus::delivery
