#pragma once
// Amazon SQS: all 23 operations of the 2012-11-05 API over durable, in-memory-served state.

#include <cstdint>
#include <memory>

#include "core/clock.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::sqs {

// Service quotas that tests need small; the defaults are AWS's.
struct SqsLimits {
  // In-flight (received, not deleted, still invisible) messages per queue. AWS: ~120,000 for
  // standard queues (then short-poll ReceiveMessage fails with OverLimit) and 120,000 for FIFO
  // queues since 2024 (then ReceiveMessage returns no more messages, no error).
  int64_t max_in_flight_standard = 120'000;
  int64_t max_in_flight_fifo = 120'000;
};

std::unique_ptr<Service> make_sqs_service(storage::Store& store, Clock& clock,
                                          SqsLimits limits = {});

}  // namespace nimbus::sqs
