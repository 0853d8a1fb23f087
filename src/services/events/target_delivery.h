#pragma once
// How an event reaches a rule's target: one durable delivery (src/delivery) per matched
// (event, target), calling the target's service as a client would — SQS SendMessage (FIFO:
// the target's MessageGroupId, the event id as deduplication id), Lambda Invoke (Event),
// EventBridge PutEvents (another bus, same or other account/region), CloudWatch Logs (through
// the internal _DeliverToLogGroup, which creates the stream and puts the event), schema
// discoverers (the schemas service's internal _DiscoverEvent), API destinations (the internal
// _InvokeApiDestination, which makes the HTTP call), SNS Publish.
// Retries follow the target's RetryPolicy (default 185 attempts within 24 hours, exponential
// backoff with jitter); a missing target or permission is not retried. Given up, the event goes
// to the target's DeadLetterConfig queue with RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE.

#include <optional>
#include <string>

#include "delivery/delivery.h"
#include "services/events/rule_router.h"

namespace nimbus::events {

inline constexpr std::string_view kDeliverToLogGroup = "_DeliverToLogGroup";
inline constexpr std::string_view kInvokeApiDestination = "_InvokeApiDestination";

// The delivery of `event` (its JSON text `event_text`) to `target` of `rule`, with the target's
// input shaping applied; nullopt when the target receives nothing for this event (an InputPath
// that matches nothing, a template that does not fill in to JSON).
std::optional<delivery::Delivery> target_delivery(const RoutedRule& rule, const Json& target, const Json& event,
                                                  const std::string& event_text, int64_t ingestion_ms);

// The outbox's dead-letter handler for EventBridge deliveries (Outbox::on_exhausted("events")).
std::optional<delivery::Delivery> dead_letter_for(const delivery::Delivery& given_up, const delivery::Failure& failure);

// The DLQ attribute ERROR_CODE for a destination's error.
std::string dead_letter_error_code(const delivery::Failure& failure);

}  // namespace nimbus::events
