#pragma once
// How the outbox combines deliveries of SendMessage to one queue into SendMessageBatch calls
// (delivery::Outbox::combine): ten entries and the batch size limit at most, each settled by its
// own Successful/Failed entry.

#include "delivery/outbox.h"

namespace nimbus::sqs {

delivery::Combining send_message_combining();

}  // namespace nimbus::sqs
