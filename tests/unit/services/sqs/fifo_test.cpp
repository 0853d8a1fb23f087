#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

class FifoTest : public SqsTest {
 protected:
  std::string fifo_queue(const std::string& name, Json attributes = Json::object()) {
    attributes["FifoQueue"] = "true";
    return create_queue(name, attributes);
  }
  Json send_fifo(const std::string& url, const std::string& body, const std::string& group,
                 const std::string& dedup) {
    return send(url, body, {{"MessageGroupId", group}, {"MessageDeduplicationId", dedup}});
  }
};

TEST_F(FifoTest, MessagesOfAGroupArriveInOrderTogether) {
  auto url = fifo_queue("order.fifo");
  for (int i = 0; i < 5; ++i) send_fifo(url, "m" + std::to_string(i), "g", "d" + std::to_string(i));
  auto messages = receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(messages.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(messages[i]["Body"], "m" + std::to_string(i));
}

TEST_F(FifoTest, GroupWithMessageInFlightIsBlockedButOtherGroupsAreNot) {
  auto url = fifo_queue("block.fifo");
  send_fifo(url, "a1", "a", "1");
  send_fifo(url, "a2", "a", "2");
  send_fifo(url, "b1", "b", "3");
  auto first = receive(url);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["Body"], "a1");
  auto second = receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["Body"], "b1");
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", first[0]["ReceiptHandle"]}});
  auto third = receive(url);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0]["Body"], "a2");
}

TEST_F(FifoTest, DuplicateWithinFiveMinutesReturnsOriginalAndEnqueuesNothing) {
  auto url = fifo_queue("dedup.fifo");
  Json first = send_fifo(url, "x", "g", "same");
  Json again = send_fifo(url, "x", "g", "same");
  EXPECT_EQ(again["MessageId"], first["MessageId"]);
  EXPECT_EQ(again["SequenceNumber"], first["SequenceNumber"]);
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessages"), "1");
  clock_.advance(5 * 60 * 1000 + 1000);
  Json later = send_fifo(url, "x", "g", "same");
  EXPECT_NE(later["MessageId"], first["MessageId"]);
  EXPECT_GT(later["SequenceNumber"].get<std::string>(), first["SequenceNumber"].get<std::string>());
  EXPECT_EQ(later["SequenceNumber"].get<std::string>().size(), 20u);
}

TEST_F(FifoTest, ContentBasedDeduplicationUsesTheBody) {
  auto url = fifo_queue("cbd.fifo", {{"ContentBasedDeduplication", "true"}});
  Json first = send(url, "same body", {{"MessageGroupId", "g"}});
  Json second = send(url, "same body", {{"MessageGroupId", "g"}});
  EXPECT_EQ(first["MessageId"], second["MessageId"]);
}

TEST_F(FifoTest, DedupScopePerGroupAllowsSameIdInOtherGroups) {
  auto url = fifo_queue("scope.fifo", {{"DeduplicationScope", "messageGroup"}});
  Json a = send_fifo(url, "x", "a", "same");
  Json b = send_fifo(url, "x", "b", "same");
  EXPECT_NE(a["MessageId"], b["MessageId"]);
}

TEST_F(FifoTest, MissingGroupOrDedupIdAndPerMessageDelayAreRejected) {
  auto url = fifo_queue("rules.fifo");
  EXPECT_EQ(error("SendMessage", {{"QueueUrl", url}, {"MessageBody", "b"}, {"MessageDeduplicationId", "d"}}).code,
            "MissingParameter");
  EXPECT_EQ(error("SendMessage", {{"QueueUrl", url}, {"MessageBody", "b"}, {"MessageGroupId", "g"}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(error("SendMessage", {{"QueueUrl", url}, {"MessageBody", "b"}, {"MessageGroupId", "g"},
                                  {"MessageDeduplicationId", "d"}, {"DelaySeconds", 5}})
                .code,
            "InvalidParameterValue");
}

TEST_F(FifoTest, RetriedReceiveAttemptReturnsTheSameMessages) {
  auto url = fifo_queue("attempt.fifo");
  send_fifo(url, "a", "g1", "1");
  send_fifo(url, "b", "g2", "2");
  auto first = receive(url, {{"ReceiveRequestAttemptId", "try-1"}});
  auto retry = receive(url, {{"ReceiveRequestAttemptId", "try-1"}});
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0]["MessageId"], first[0]["MessageId"]);
  EXPECT_EQ(retry[0]["ReceiptHandle"], first[0]["ReceiptHandle"]);
}

TEST_F(FifoTest, FifoAttributesAreReportedOnlyForFifoQueues) {
  auto url = fifo_queue("attrs.fifo");
  EXPECT_EQ(attribute(url, "FifoQueue"), "true");
  EXPECT_EQ(attribute(url, "DeduplicationScope"), "queue");
  EXPECT_EQ(attribute(url, "FifoThroughputLimit"), "perQueue");
}

}  // namespace
}  // namespace nimbus::sqs::testing
