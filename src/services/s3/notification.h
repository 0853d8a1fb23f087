#pragma once
// Bucket notification configurations ({"QueueConfigurations": [...], "TopicConfigurations": [...],
// "LambdaFunctionConfigurations": [...], "EventBridgeConfiguration": {}}): validation, which
// destinations an object event goes to, and the event messages S3 sends. No I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/s3/s3_types.h"

namespace nimbus::s3 {

// "arn:aws:sqs:us-east-1:123456789012:queue" split at its colons.
struct Arn {
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};
std::optional<Arn> parse_arn(std::string_view text);

// One destination an event must be sent to.
struct Destination {
  std::string kind;  // "queue", "topic", "lambda"
  std::string arn;
  std::string configuration_id;
};

// Checks event names and key filter rules as S3 does and gives unnamed configurations an Id.
void validate_notification(Json& configuration);

// "s3:ObjectCreated:*" matches "ObjectCreated:Put"; other patterns match their event exactly.
bool event_matches(std::string_view pattern, std::string_view event_name);
// A configuration's Filter.Key.FilterRules (prefix / suffix) against an object key.
bool key_filter_matches(const Json& entry, std::string_view key);
// Every destination of a configuration, in configuration order.
std::vector<Destination> all_destinations(const Json& configuration);
// Every destination whose events and filter match, in configuration order.
std::vector<Destination> matching_destinations(const Json& configuration, std::string_view event_name,
                                               std::string_view key);

// What an event record says beyond the object.
struct EventContext {
  std::string region;
  int64_t time_ms = 0;
  std::string event_name;  // "ObjectCreated:Put"
  std::string principal_id;
  std::string source_ip;
  std::string request_id;
  std::string host_id;
  std::string configuration_id;
  std::string bucket_owner;  // principal id of the bucket owner
  std::string sequencer;
};

// The S3 key as event records carry it: URL-encoded, spaces as '+', '/' kept.
std::string event_key(std::string_view key);
// {"Records":[{...}]} exactly as S3 sends to SQS (members in S3's order).
nlohmann::ordered_json event_message(const EventContext& event, const ObjectSummary& object, bool versioned);
// The s3:TestEvent message S3 sends when a destination is configured.
nlohmann::ordered_json test_event_message(const std::string& bucket, int64_t time_ms, const std::string& request_id,
                        const std::string& host_id);

}  // namespace nimbus::s3
