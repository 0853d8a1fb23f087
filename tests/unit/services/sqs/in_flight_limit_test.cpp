#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

// The in-flight quota, shrunk from AWS's 120,000 to 3 so tests can reach it.
class InFlightLimitTest : public SqsTest {
 protected:
  InFlightLimitTest() { restart_with({.max_in_flight_standard = 3, .max_in_flight_fifo = 3}); }

  void send_many(const std::string& url, int count, Json extra = Json::object()) {
    for (int i = 0; i < count; ++i) {
      if (extra.contains("MessageGroupId")) extra["MessageDeduplicationId"] = "d" + std::to_string(i);
      send(url, "m" + std::to_string(i), extra);
    }
  }
};

TEST_F(InFlightLimitTest, StandardShortPollAtTheLimitIsOverLimit) {
  auto url = create_queue("std");
  send_many(url, 5);
  EXPECT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u) << "capped to the room left";
  auto e = error("ReceiveMessage", {{"QueueUrl", url}});
  EXPECT_EQ(e.code, "OverLimit");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.wire_query_code(), "OverLimit");
}

TEST_F(InFlightLimitTest, StandardLongPollAtTheLimitReturnsNothing) {
  auto url = create_queue("std-long");
  send_many(url, 4);
  ASSERT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);
  EXPECT_TRUE(receive(url, {{"WaitTimeSeconds", 1}}).empty());
}

TEST_F(InFlightLimitTest, DeletingOrExpiringVisibilityMakesRoom) {
  auto url = create_queue("room", {{"VisibilityTimeout", "10"}});
  send_many(url, 5);
  auto received = receive(url, {{"MaxNumberOfMessages", 3}});
  ASSERT_EQ(received.size(), 3u);
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", received[0]["ReceiptHandle"]}});
  EXPECT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 1u);
  EXPECT_EQ(error("ReceiveMessage", {{"QueueUrl", url}}).code, "OverLimit");
  clock_.advance(10'000);
  EXPECT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);
}

TEST_F(InFlightLimitTest, FifoAtTheLimitReturnsNoMoreMessagesWithoutError) {
  auto url = create_queue("lim.fifo", {{"FifoQueue", "true"}});
  for (int group = 0; group < 5; ++group) {
    send(url, "m", {{"MessageGroupId", "g" + std::to_string(group)},
                    {"MessageDeduplicationId", "d" + std::to_string(group)}});
  }
  EXPECT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);
  EXPECT_TRUE(receive(url, {{"MaxNumberOfMessages", 10}}).empty());
}

TEST_F(InFlightLimitTest, InFlightMessagesStillCountAfterARestart) {
  auto url = create_queue("durable");
  send_many(url, 4);
  ASSERT_EQ(receive(url, {{"MaxNumberOfMessages", 10}}).size(), 3u);
  restart();
  EXPECT_EQ(error("ReceiveMessage", {{"QueueUrl", url}}).code, "OverLimit");
}

}  // namespace
}  // namespace nimbus::sqs::testing
