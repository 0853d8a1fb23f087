#include <gtest/gtest.h>

#include <chrono>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

using namespace std::chrono_literals;

class ReceiveTest : public SqsTest {};

TEST_F(ReceiveTest, ReceivedMessageReappearsAfterVisibilityTimeout) {
  auto url = create_queue("vis", {{"VisibilityTimeout", "30"}});
  send(url, "hello");
  auto first = receive(url, {{"AttributeNames", {"All"}}});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["Attributes"]["ApproximateReceiveCount"], "1");
  EXPECT_TRUE(receive(url).empty());
  clock_.advance(31'000);
  auto second = receive(url, {{"AttributeNames", {"All"}}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["Attributes"]["ApproximateReceiveCount"], "2");
  EXPECT_EQ(second[0]["Attributes"]["ApproximateFirstReceiveTimestamp"],
            first[0]["Attributes"]["ApproximateFirstReceiveTimestamp"]);
  EXPECT_NE(second[0]["ReceiptHandle"], first[0]["ReceiptHandle"]);
}

TEST_F(ReceiveTest, DelayedMessageIsInvisibleUntilItsDelayPasses) {
  auto url = create_queue("delay");
  send(url, "later", {{"DelaySeconds", 10}});
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessagesDelayed"), "1");
  EXPECT_TRUE(receive(url).empty());
  clock_.advance(10'000);
  EXPECT_EQ(receive(url).size(), 1u);
}

TEST_F(ReceiveTest, LongPollReturnsAsSoonAsAMessageIsSent) {
  auto url = create_queue("poll");
  auto started = std::chrono::steady_clock::now();
  auto pending = call_async("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(pending.wait_for(0ms), std::future_status::timeout);
  send(url, "wake");
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  Json out = pending.get();
  EXPECT_EQ(out["Messages"][0]["Body"], "wake");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(ReceiveTest, LongPollEndsEmptyWhenTheClockPassesTheWaitTime) {
  auto url = create_queue("poll-empty");
  auto pending = call_async("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 20}});
  std::this_thread::sleep_for(50ms);
  clock_.advance(21'000);
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_FALSE(pending.get().contains("Messages"));
}

TEST_F(ReceiveTest, LongPollWakesWhenADelayedMessageBecomesVisible) {
  auto url = create_queue("poll-delay");
  send(url, "soon", {{"DelaySeconds", 1}});
  auto pending = call_async("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 5}});
  ASSERT_EQ(pending.wait_for(4s), std::future_status::ready);
  EXPECT_EQ(pending.get()["Messages"][0]["Body"], "soon");
}

TEST_F(ReceiveTest, MessageMovesToDeadLetterQueueAfterMaxReceiveCount) {
  create_queue("dead");
  auto url = create_queue("work", {{"VisibilityTimeout", "1"},
                                   {"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn("dead") +
                                                         R"(","maxReceiveCount":2})"}});
  Json sent = send(url, "poison");
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(receive(url).size(), 1u);
    clock_.advance(1'500);
  }
  EXPECT_TRUE(receive(url).empty());
  auto dead = receive("http://localhost:4566/000000000000/dead", {{"AttributeNames", {"All"}}});
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["MessageId"], sent["MessageId"]);
  EXPECT_EQ(dead[0]["Attributes"]["DeadLetterQueueSourceArn"], arn("work"));
}

TEST_F(ReceiveTest, DeleteWithGarbageHandleIsReceiptHandleIsInvalid) {
  auto url = create_queue("garbage");
  auto e = error("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", "nope"}});
  EXPECT_EQ(e.code, "ReceiptHandleIsInvalid");
  EXPECT_EQ(e.message, "The input receipt handle \"nope\" is not a valid receipt handle.");
}

TEST_F(ReceiveTest, DeleteWithStaleHandleOfStandardMessageSucceeds) {
  auto url = create_queue("stale", {{"VisibilityTimeout", "1"}});
  send(url, "m");
  auto first = receive(url);
  clock_.advance(2'000);
  ASSERT_EQ(receive(url).size(), 1u);
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  clock_.advance(2'000);
  EXPECT_TRUE(receive(url).empty());
}

TEST_F(ReceiveTest, ChangeVisibilityOfMessageNotInFlightIsMessageNotInflight) {
  auto url = create_queue("inflight", {{"VisibilityTimeout", "1"}});
  send(url, "m");
  auto messages = receive(url);
  clock_.advance(2'000);
  auto e = error("ChangeMessageVisibility", {{"QueueUrl", url},
                                             {"ReceiptHandle", messages[0]["ReceiptHandle"]},
                                             {"VisibilityTimeout", 10}});
  EXPECT_EQ(e.code, "MessageNotInflight");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.MessageNotInflight");
}

TEST_F(ReceiveTest, ChangeVisibilityToZeroMakesMessageVisibleAgain) {
  auto url = create_queue("zero");
  send(url, "m");
  auto messages = receive(url);
  call("ChangeMessageVisibility",
       {{"QueueUrl", url}, {"ReceiptHandle", messages[0]["ReceiptHandle"]}, {"VisibilityTimeout", 0}});
  EXPECT_EQ(receive(url).size(), 1u);
}

TEST_F(ReceiveTest, MessagesPastRetentionDisappear) {
  auto url = create_queue("retain", {{"MessageRetentionPeriod", "60"}});
  send(url, "old");
  clock_.advance(61'000);
  EXPECT_TRUE(receive(url).empty());
}

TEST_F(ReceiveTest, ReceiveParametersAreRangeChecked) {
  auto url = create_queue("ranges");
  auto too_many = error("ReceiveMessage", {{"QueueUrl", url}, {"MaxNumberOfMessages", 11}});
  EXPECT_EQ(too_many.code, "InvalidParameterValue");
  EXPECT_EQ(too_many.message,
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and "
            "10, if provided.");
  auto too_long = error("ReceiveMessage", {{"QueueUrl", url}, {"WaitTimeSeconds", 21}});
  EXPECT_EQ(too_long.code, "InvalidParameterValue");
  EXPECT_EQ(too_long.message,
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
            "provided.");
}

}  // namespace
}  // namespace nimbus::sqs::testing
