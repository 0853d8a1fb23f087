#pragma once
// Receipt handles: opaque to clients, they name the queue, the message and the receive that
// issued them, so a handle from an earlier receive of the same message is recognisable.

#include <cstdint>
#include <optional>
#include <string>

namespace nimbus::sqs {

// What a receipt handle identifies.
struct ReceiptHandle {
  std::string queue_arn;
  uint64_t seq = 0;
  uint64_t nonce = 0;
  std::string message_id;
};

std::string encode_receipt_handle(const ReceiptHandle& handle);
// nullopt for anything this service did not issue.
std::optional<ReceiptHandle> decode_receipt_handle(const std::string& text);

}  // namespace nimbus::sqs
