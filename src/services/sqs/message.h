#pragma once
// One SQS message as the service keeps it in memory and in the store.

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

namespace nimbus::sqs {

// A message (user) or system attribute value; binary values hold raw bytes.
struct AttributeValue {
  std::string data_type;  // "String", "Number", "Binary", optionally ".custom" suffixed
  std::string value;      // StringValue, or the raw bytes of BinaryValue

  bool is_binary() const { return data_type.rfind("Binary", 0) == 0; }
  bool operator==(const AttributeValue&) const = default;
};

// Sorted by name, the order the MD5 digests are computed in.
using Attributes = std::map<std::string, AttributeValue>;

// A message: immutable content set at send, plus the receive state that changes per receive.
struct Message {
  uint64_t seq = 0;  // per-queue order; also the FIFO SequenceNumber
  std::string id;
  std::string body;
  Attributes attributes;
  std::string trace_header;  // AWSTraceHeader system attribute
  std::string md5_body;
  std::string md5_attributes;  // "" when there are no attributes
  std::string md5_system_attributes;
  std::string sender_id;
  int64_t sent_ms = 0;
  std::string group_id;
  std::string dedup_id;
  std::string dead_letter_source_arn;
  std::string sequence_number;  // FIFO only

  // Receive state.
  int64_t visible_at_ms = 0;
  int64_t first_receive_ms = 0;  // 0 = never received
  int64_t last_receive_ms = 0;
  int64_t receive_count = 0;
  uint64_t receipt_nonce = 0;  // bumped per receive; older receipt handles are stale
  // Whether a `state/` record exists in the store. A message whose receive state is what loading
  // derives from its content (visible at send time, never received) has none: one key per send.
  bool state_stored = false;

  bool in_flight(int64_t now_ms) const { return receive_count > 0 && visible_at_ms > now_ms; }
};

// A FIFO SequenceNumber: 20 decimal digits, increasing per queue.
inline std::string format_sequence_number(uint64_t seq) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%020llu", static_cast<unsigned long long>(seq));
  return buffer;
}

}  // namespace nimbus::sqs
