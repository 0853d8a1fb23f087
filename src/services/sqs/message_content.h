#pragma once
// Message content rules: allowed characters, message/system attribute validation, size
// accounting, and the MD5 digests AWS returns (and SDKs verify).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "services/sqs/message.h"

namespace nimbus::sqs {

using Json = nlohmann::json;

// True when `text` is UTF-8 of #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
// Otherwise `bad` (when given) gets the first character outside that set (for malformed UTF-8,
// the first byte that does not decode).
bool valid_message_characters(std::string_view text, uint32_t* bad = nullptr);

// Validates a SendMessage MessageAttributes map (name -> {DataType, StringValue|BinaryValue}).
// Throws InvalidParameterValue / InvalidMessageContents.
Attributes parse_message_attributes(const Json& input);

// Validates MessageSystemAttributes (only AWSTraceHeader exists) and returns them.
Attributes parse_system_attributes(const Json& input);

// Bytes counted against MaximumMessageSize: body plus attribute names, types and values.
size_t message_size(std::string_view body, const Attributes& attributes);

// MD5 hex of the attributes, encoded as AWS does; "" for no attributes.
std::string md5_of_attributes(const Attributes& attributes);

// The attributes as an output MessageAttributes map.
Json attributes_to_json(const Attributes& attributes);

// The body's MD5 hex.
std::string md5_of_body(std::string_view body);

}  // namespace nimbus::sqs
