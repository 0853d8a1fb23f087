#pragma once
// When a failed delivery is tried again, and whether it is worth trying again at all.

#include <cstdint>

#include "core/aws_error.h"
#include "delivery/delivery.h"

namespace nimbus::delivery {

// The wait after `failures` failed attempts (>= 1): first_delay * 2^(failures-1), capped at
// max_delay, then jittered into [half, whole] by `unit_random` in [0, 1) so that deliveries
// failing together do not retry together.
int64_t retry_delay_ms(const RetryPolicy& policy, int failures, double unit_random);

// Errors that can go away without the delivery changing: the destination's faults (5xx),
// throttling, and (with `retry_missing`) a destination or permission that is missing now but may
// be created (a queue deleted and made again). Other client errors (a malformed input) never will.
bool worth_retrying(const AwsError& error, bool retry_missing = true);

// Errors that say the destination itself is failing (its faults, throttling, timeouts): what
// opens a lane's circuit breaker. A missing resource or permission does not: the call was
// answered, and the delivery should go through as soon as it is created.
bool destination_failing(const AwsError& error);

}  // namespace nimbus::delivery
