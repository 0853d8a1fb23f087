#pragma once
// What one fire of a schedule hands its target: one durable delivery (src/delivery) calling the
// target's service as a client would — SQS SendMessage (FIFO: the target's MessageGroupId, the
// execution id as deduplication id), Lambda Invoke (InvocationType Event), EventBridge PutEvents
// (Source and DetailType from EventBridgeParameters, Detail = Input), SNS Publish, Step Functions
// StartExecution. The payload is the target's Input ("{}" when absent) with Scheduler's context
// attributes filled in. Retries follow the target's RetryPolicy (default 185 retries within 24
// hours); given up, the payload goes to the DeadLetterConfig queue with the X-Amz-Scheduler-*
// message attributes Scheduler documents.
//
// Universal targets (arn:aws:scheduler:::aws-sdk:<service>:<action>) and templated targets of
// services nimbus does not serve become deliveries the outbox records as not served.

#include <cstdint>
#include <optional>
#include <string>

#include "delivery/delivery.h"
#include "services/scheduler/scheduler_rules.h"

namespace nimbus::scheduler {

// One invocation of a schedule.
struct Fire {
  std::string execution_id;
  int64_t scheduled_ms = 0;  // the fire time by the expression (before the flexible window)
};

// The target payload: Input (or "{}") with <aws.scheduler.schedule-arn>,
// <aws.scheduler.scheduled-time>, <aws.scheduler.execution-id> and <aws.scheduler.attempt-number>
// replaced.
std::string target_payload(const Json& schedule, const Fire& fire);

// The delivery of one fire of `schedule` (a record with Arn, GroupName and Target).
delivery::Delivery fire_delivery(const Json& schedule, const Fire& fire);

// The outbox's dead-letter handler for Scheduler deliveries (Outbox::on_exhausted("scheduler")):
// SendMessage to the schedule's DeadLetterConfig queue, or nullopt (dropped) without one.
std::optional<delivery::Delivery> dead_letter_for(const delivery::Delivery& given_up, const delivery::Failure& failure);

}  // namespace nimbus::scheduler
