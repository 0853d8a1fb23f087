#pragma once
// The telemetry log frames a runtime client writes to its telemetry pipe (runtimes/README.md):
// a 16-byte header (uint32 BE type, 0xA55Axxxx: Text 0x...03 / JSON 0x...02 with the level in
// bits 2-4; uint32 BE payload length; uint64 BE time in microseconds since the epoch), then the
// payload. One frame is one log event; a payload gets a trailing newline when it has none.
//
// Safety: the caller keeps the unconsumed bytes until more arrive, so the parser never lets that
// hold more than one header plus kMaxTelemetryPayload. Bytes that cannot start a frame (a type
// whose high 16 bits are not 0xA55A, or a length over kMaxTelemetryPayload) end the framing of
// what the caller has: the rest becomes one plain-text event (without the header of a too-long
// frame) with timestamp_ms 0 ("now", for the caller to stamp) and everything is consumed, so the
// caller starts afresh with the next read (a too-long frame's remaining payload arrives as text).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::lambda {

struct LogEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

inline constexpr size_t kTelemetryHeaderBytes = 16;
inline constexpr uint32_t kMaxTelemetryPayload = 1024 * 1024;

// Appends the events of the complete frames at the start of `buffer` to `out` and returns the
// bytes they took (the rest is an incomplete frame to keep), or buffer.size() after bytes that
// are not a frame (see above).
size_t parse_telemetry_frames(std::string_view buffer, std::vector<LogEvent>& out);

}  // namespace nimbus::lambda
