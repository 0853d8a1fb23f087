#pragma once
// The application/vnd.amazon.eventstream framing AWS uses for streamed responses (Lambda's
// InvokeWithResponseStream, S3 SelectObjectContent): each message is a prelude (total length,
// headers length, CRC32 of those 8 bytes), headers (name, type 7 = string, value), the payload,
// and a CRC32 of everything before it. Values only: no coroutine or I/O types.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/model.h"

namespace nimbus::protocol {

using EventHeaders = std::vector<std::pair<std::string, std::string>>;

// One message, string-valued headers only.
std::string encode_event_message(const EventHeaders& headers, std::string_view payload);

// The body for an event-stream payload member: `events` is an array of {"<EventName>": {members}}
// (members shaped by the model; the member marked eventpayload, if any, is the raw payload, the
// others a JSON document). Unknown event names throw AwsError::internal().
std::string encode_event_stream(const model::ServiceModel& service, const model::ShapeDef& stream_shape,
                                const nlohmann::json& events);

// Reads back the messages of a body (tests, fuzzing): headers and payload of each; nullopt-free —
// stops at the first malformed message and reports how many bytes it consumed.
struct DecodedEvent {
  EventHeaders headers;
  std::string payload;
};
size_t decode_event_messages(std::string_view body, std::vector<DecodedEvent>& out);

}  // namespace nimbus::protocol
