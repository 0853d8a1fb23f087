#pragma once
// Amazon SQS: all 23 operations of the 2012-11-05 API over durable, in-memory-served state.

#include <memory>

#include "core/clock.h"
#include "services/service.h"
#include "storage/store.h"

namespace nimbus::sqs {

std::unique_ptr<Service> make_sqs_service(storage::Store& store, Clock& clock);

}  // namespace nimbus::sqs
