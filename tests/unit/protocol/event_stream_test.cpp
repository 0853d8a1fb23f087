#include "protocol/event_stream.h"

#include <gtest/gtest.h>

namespace nimbus::protocol {
namespace {

TEST(EventStream, AMessageRoundTripsWithItsHeadersAndPayload) {
  auto message = encode_event_message({{":event-type", "PayloadChunk"}, {":message-type", "event"}}, "hello");
  std::vector<DecodedEvent> events;
  EXPECT_EQ(decode_event_messages(message, events), message.size());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].payload, "hello");
  EXPECT_EQ(events[0].headers[0], (std::pair<std::string, std::string>{":event-type", "PayloadChunk"}));
}

TEST(EventStream, ThePreludeCarriesTotalAndHeaderLengths) {
  auto message = encode_event_message({{"a", "b"}}, "xyz");
  // 12 prelude + (1 + 1 + 1 + 2 + 1) headers + 3 payload + 4 CRC
  EXPECT_EQ(message.size(), 25u);
  EXPECT_EQ(static_cast<unsigned char>(message[3]), 25);
  EXPECT_EQ(static_cast<unsigned char>(message[7]), 6);
}

TEST(EventStream, ACorruptedMessageStopsDecoding) {
  auto first = encode_event_message({{":event-type", "A"}}, "1");
  auto second = encode_event_message({{":event-type", "B"}}, "2");
  std::string body = first + second;
  body[first.size() + 14] ^= 0x01;  // a byte of the second message's headers
  std::vector<DecodedEvent> events;
  EXPECT_EQ(decode_event_messages(body, events), first.size());
  EXPECT_EQ(events.size(), 1u);
}

TEST(EventStream, LambdasResponseStreamEventsUseTheModel) {
  const auto& lambda = model::lambda_model();
  const model::ShapeDef* stream = nullptr;
  for (const auto& operation : lambda.operations) {
    if (operation.name != "InvokeWithResponseStream") continue;
    for (const auto& member : lambda.members_of(lambda.shape(operation.output))) {
      if (member.name == "EventStream") stream = &lambda.shape(member.shape);
    }
  }
  ASSERT_NE(stream, nullptr);
  ASSERT_TRUE(stream->event_stream);
  nlohmann::json events = nlohmann::json::array(
      {{{"PayloadChunk", {{"Payload", "raw bytes"}}}}, {{"InvokeComplete", {{"ErrorCode", "Oops"}}}}});
  std::vector<DecodedEvent> decoded;
  auto body = encode_event_stream(lambda, *stream, events);
  EXPECT_EQ(decode_event_messages(body, decoded), body.size());
  ASSERT_EQ(decoded.size(), 2u);
  EXPECT_EQ(decoded[0].payload, "raw bytes");
  EXPECT_EQ(decoded[0].headers[1].second, "application/octet-stream");
  EXPECT_EQ(nlohmann::json::parse(decoded[1].payload), (nlohmann::json{{"ErrorCode", "Oops"}}));
  EXPECT_EQ(decoded[1].headers[0].second, "InvokeComplete");
}

}  // namespace
}  // namespace nimbus::protocol
