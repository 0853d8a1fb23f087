// Telemetry frames: framing across reads, text/JSON types, newlines, and bytes that are not frames.
#include <gtest/gtest.h>

#include "services/lambda/telemetry_frames.h"

namespace nimbus::lambda {
namespace {

std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string frame(uint32_t type, std::string_view payload, uint64_t micros = 1'700'000'000'123'456) {
  return be32(type) + be32(static_cast<uint32_t>(payload.size())) + be32(uint32_t(micros >> 32)) +
         be32(uint32_t(micros)) + std::string(payload);
}

// Feeds `stream` in pieces of `piece` bytes as on_telemetry does: keeps what was not consumed.
std::vector<LogEvent> feed(std::string_view stream, size_t piece, std::string* left = nullptr) {
  std::vector<LogEvent> events;
  std::string buffer;
  for (size_t at = 0; at < stream.size(); at += piece) {
    buffer.append(stream.substr(at, piece));
    buffer.erase(0, parse_telemetry_frames(buffer, events));
  }
  if (left) *left = buffer;
  return events;
}

TEST(TelemetryFrames, OneTextFrameBecomesOneEventWithItsMillisecondTimestamp) {
  std::vector<LogEvent> events;
  std::string bytes = frame(0xA55A0003, "hello\n");
  EXPECT_EQ(parse_telemetry_frames(bytes, events), bytes.size());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "hello\n");
  EXPECT_EQ(events[0].timestamp_ms, 1'700'000'000'123);
}

TEST(TelemetryFrames, PayloadWithoutTrailingNewlineGetsOne) {
  std::vector<LogEvent> events;
  std::string bytes = frame(0xA55A0003, "no newline") + frame(0xA55A0003, "");
  parse_telemetry_frames(bytes, events);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message, "no newline\n");
  EXPECT_EQ(events[1].message, "\n");
}

TEST(TelemetryFrames, JsonAndLevelledTypesAreFramesLikeText) {
  std::vector<LogEvent> events;
  std::string bytes = frame(0xA55A0002, R"({"level":"INFO","message":"hi"})") + frame(0xA55A000F, "console.log\n") +
                      frame(0xA55A0017, "console.error\n") + frame(0xA55A001A, R"({"level":"ERROR"})");
  EXPECT_EQ(parse_telemetry_frames(bytes, events), bytes.size());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].message, "{\"level\":\"INFO\",\"message\":\"hi\"}\n");
  EXPECT_EQ(events[1].message, "console.log\n");
  EXPECT_EQ(events[2].message, "console.error\n");
  EXPECT_EQ(events[3].message, "{\"level\":\"ERROR\"}\n");
}

TEST(TelemetryFrames, MultiLineMessageStaysOneEvent) {
  std::vector<LogEvent> events;
  parse_telemetry_frames(frame(0xA55A0017, "Traceback\n  line 1\n  line 2\n"), events);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "Traceback\n  line 1\n  line 2\n");
}

TEST(TelemetryFrames, IncompleteFrameIsLeftForTheNextRead) {
  std::string bytes = frame(0xA55A0003, "first\n") + frame(0xA55A0003, "second\n");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<LogEvent> events;
    size_t consumed = parse_telemetry_frames(std::string_view(bytes).substr(0, cut), events);
    size_t first = kTelemetryHeaderBytes + 6;
    EXPECT_EQ(consumed, cut >= first ? first : 0u) << cut;
    EXPECT_EQ(events.size(), cut >= first ? 1u : 0u) << cut;
  }
}

TEST(TelemetryFrames, FramesSplitAcrossReadsOfAnySizeComeOutWhole) {
  std::string stream;
  for (int i = 0; i < 20; ++i) stream += frame(0xA55A0003 | ((i % 7) << 2), "line " + std::to_string(i) + "\n", 1000 * i);
  for (size_t piece : {1u, 2u, 3u, 7u, 15u, 16u, 17u, 100u, 10000u}) {
    std::string left;
    auto events = feed(stream, piece, &left);
    ASSERT_EQ(events.size(), 20u) << piece;
    EXPECT_TRUE(left.empty());
    for (int i = 0; i < 20; ++i) {
      EXPECT_EQ(events[i].message, "line " + std::to_string(i) + "\n");
      EXPECT_EQ(events[i].timestamp_ms, i);
    }
  }
}

TEST(TelemetryFrames, BytesThatAreNotAFrameBecomeOnePlainTextEventAndAreAllConsumed) {
  std::vector<LogEvent> events;
  std::string bytes = frame(0xA55A0003, "ok\n") + "plain text written to the pipe";
  EXPECT_EQ(parse_telemetry_frames(bytes, events), bytes.size());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].message, "ok\n");
  EXPECT_EQ(events[1].message, "plain text written to the pipe\n");
  EXPECT_EQ(events[1].timestamp_ms, 0);  // the caller stamps it
}

TEST(TelemetryFrames, WrongMagicIsDecidedOnFourBytes) {
  std::vector<LogEvent> events;
  EXPECT_EQ(parse_telemetry_frames("abc", events), 0u);  // could still be anything
  EXPECT_EQ(parse_telemetry_frames("abcd", events), 4u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "abcd\n");
  events.clear();
  std::string bytes = frame(0xA55B0003, "x");
  EXPECT_EQ(parse_telemetry_frames(bytes, events), bytes.size());
  ASSERT_EQ(events.size(), 1u);
}

TEST(TelemetryFrames, AbsurdLengthIsNotWaitedForItsPayloadBecomesText) {
  std::vector<LogEvent> events;
  std::string header = be32(0xA55A0003) + be32(0xFFFFFFF0u) + be32(0) + be32(0);
  EXPECT_EQ(parse_telemetry_frames(header.substr(0, 8), events), 8u);  // decided on the length alone
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(parse_telemetry_frames(header + "start of a huge message", events), header.size() + 23);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message, "start of a huge message\n");
  EXPECT_EQ(events[0].timestamp_ms, 0);
}

TEST(TelemetryFrames, LengthAtTheLimitIsWaitedForAndOneMoreIsNot) {
  std::vector<LogEvent> events;
  std::string at_limit = be32(0xA55A0003) + be32(kMaxTelemetryPayload) + be32(0) + be32(0) + "partial";
  EXPECT_EQ(parse_telemetry_frames(at_limit, events), 0u);
  std::string over = be32(0xA55A0003) + be32(kMaxTelemetryPayload + 1) + be32(0) + be32(0) + "partial";
  EXPECT_EQ(parse_telemetry_frames(over, events), over.size());
  std::string full = frame(0xA55A0003, std::string(kMaxTelemetryPayload, 'x'));
  events.clear();
  EXPECT_EQ(parse_telemetry_frames(full, events), full.size());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].message.size(), kMaxTelemetryPayload + 1);
}

TEST(TelemetryFrames, HeldBytesStayBoundedWhateverArrives) {
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += char(i * 131 + 7);
  std::string left;
  feed(garbage, 1000, &left);
  EXPECT_LE(left.size(), kTelemetryHeaderBytes + kMaxTelemetryPayload);
}

}  // namespace
}  // namespace nimbus::lambda
