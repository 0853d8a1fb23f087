#include "services/lambda/telemetry_frames.h"

namespace nimbus::lambda {

namespace {

uint32_t read_u32(std::string_view bytes, size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void add_event(std::vector<LogEvent>& out, int64_t timestamp_ms, std::string_view text) {
  std::string message(text);
  if (message.empty() || message.back() != '\n') message += '\n';
  out.push_back({timestamp_ms, std::move(message)});
}

}  // namespace

size_t parse_telemetry_frames(std::string_view buffer, std::vector<LogEvent>& out) {
  size_t offset = 0;
  while (buffer.size() - offset >= 4) {
    std::string_view rest = buffer.substr(offset);
    if ((read_u32(rest, 0) >> 16) != 0xA55A) {  // not a frame: plain text from here on
      add_event(out, 0, rest);
      return buffer.size();
    }
    if (rest.size() < 8) break;
    uint32_t length = read_u32(rest, 4);
    if (length > kMaxTelemetryPayload) {  // too long to hold: its payload so far, as text
      if (rest.size() > kTelemetryHeaderBytes) add_event(out, 0, rest.substr(kTelemetryHeaderBytes));
      return buffer.size();
    }
    if (rest.size() < kTelemetryHeaderBytes + length) break;
    uint64_t micros = (uint64_t(read_u32(rest, 8)) << 32) | read_u32(rest, 12);
    add_event(out, static_cast<int64_t>(micros / 1000), rest.substr(kTelemetryHeaderBytes, length));
    offset += kTelemetryHeaderBytes + length;
  }
  return offset;
}

}  // namespace nimbus::lambda
