#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

class PersistenceTest : public SqsTest {};

TEST_F(PersistenceTest, QueuesMessagesAndInFlightStateSurviveRestart) {
  auto url = create_queue("durable", {{"VisibilityTimeout", "60"}});
  call("TagQueue", {{"QueueUrl", url}, {"Tags", {{"k", "v"}}}});
  send(url, "first", {{"MessageAttributes", {{"bin", {{"DataType", "Binary"}, {"BinaryValue", std::string("\x00\xff", 2)}}}}}});
  send(url, "second");
  auto inflight = receive(url);
  ASSERT_EQ(inflight.size(), 1u);

  restart();

  EXPECT_EQ(attribute(url, "VisibilityTimeout"), "60");
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessagesNotVisible"), "1");
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url}})["Tags"]["k"], "v");
  auto visible = receive(url, {{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(visible[0]["Body"], "second");
  // The receipt handle issued before the restart still works.
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", inflight[0]["ReceiptHandle"]}});
  clock_.advance(61'000);
  auto again = receive(url, {{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0]["Body"], "second");
}

TEST_F(PersistenceTest, BinaryAttributesAndFifoSequenceSurviveRestart) {
  auto url = create_queue("seq.fifo", {{"FifoQueue", "true"}, {"ContentBasedDeduplication", "true"}});
  Json first = send(url, "a", {{"MessageGroupId", "g"},
                               {"MessageAttributes", {{"bin", {{"DataType", "Binary"}, {"BinaryValue", std::string("\x00\xff", 2)}}}}}});
  restart();
  Json duplicate = send(url, "a", {{"MessageGroupId", "g"}});
  EXPECT_EQ(duplicate["MessageId"], first["MessageId"]) << "dedup window survives restart";
  Json next = send(url, "b", {{"MessageGroupId", "g"}});
  EXPECT_GT(next["SequenceNumber"].get<std::string>(), first["SequenceNumber"].get<std::string>());
  auto messages = receive(url, {{"MessageAttributeNames", {"All"}}});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["MessageAttributes"]["bin"]["BinaryValue"], std::string("\x00\xff", 2));
  EXPECT_EQ(messages[0]["MD5OfMessageAttributes"], first["MD5OfMessageAttributes"]);
}

TEST_F(PersistenceTest, DeletedMessagesLeaveNothingInTheStore) {
  auto url = create_queue("clean");
  send(url, "a");
  auto messages = receive(url);
  call("DeleteMessage", {{"QueueUrl", url}, {"ReceiptHandle", messages[0]["ReceiptHandle"]}});
  int message_keys = 0;
  store_.scan("sqs", "msg/", [&](std::string_view, std::string_view) { return ++message_keys, true; });
  store_.scan("sqs", "state/", [&](std::string_view, std::string_view) { return ++message_keys, true; });
  EXPECT_EQ(message_keys, 0);
  EXPECT_EQ(service_->health()["messages"], 0);
}

TEST_F(PersistenceTest, ResetWipesQueuesAndTheSpace) {
  create_queue("wiped");
  boost::asio::co_spawn(*io_, service_->reset(), boost::asio::use_future).get();
  EXPECT_EQ(error("GetQueueUrl", {{"QueueName", "wiped"}}).code, "QueueDoesNotExist");
  int keys = 0;
  store_.scan("sqs", "", [&](std::string_view, std::string_view) { return ++keys, true; });
  EXPECT_EQ(keys, 0);
}

}  // namespace
}  // namespace nimbus::sqs::testing
