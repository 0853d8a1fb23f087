#pragma once
// Shared by the fuzz targets: splitting the input and running a decoder that may only throw
// AwsError (anything else escapes and libFuzzer reports it as a crash).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "protocol/protocol.h"

namespace nimbus::fuzz {

// "first line\nrest" -> {"first line", "rest"}.
inline std::pair<std::string_view, std::string_view> split_first_line(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, {}};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

// Decodes and, on success, encodes the decoded input back as if it were the output.
inline void decode_and_encode(const model::ServiceModel& service, protocol::Wire wire,
                              const HttpRequest& request) {
  try {
    protocol::OperationCall call = protocol::decode_request(service, wire, request);
    protocol::encode_response(service, wire, *call.operation, call.input, "fuzz", 11, true);
  } catch (const AwsError& error) {
    protocol::encode_error(&service, wire, error, "fuzz", 11, true);
  }
}

}  // namespace nimbus::fuzz
