#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

class BatchTest : public SqsTest {
 protected:
  Json entries(int count) {
    Json out = Json::array();
    for (int i = 0; i < count; ++i) out.push_back({{"Id", "e" + std::to_string(i)}, {"MessageBody", "b"}});
    return out;
  }
};

TEST_F(BatchTest, EmptyBatchIsEmptyBatchRequest) {
  auto url = create_queue("empty");
  auto e = error("SendMessageBatch", {{"QueueUrl", url}, {"Entries", Json::array()}});
  EXPECT_EQ(e.code, "EmptyBatchRequest");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.EmptyBatchRequest");
}

TEST_F(BatchTest, ElevenEntriesAreTooManyEntriesInBatchRequest) {
  auto url = create_queue("eleven");
  auto e = error("SendMessageBatch", {{"QueueUrl", url}, {"Entries", entries(11)}});
  EXPECT_EQ(e.code, "TooManyEntriesInBatchRequest");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
}

TEST_F(BatchTest, RepeatedIdsAreBatchEntryIdsNotDistinct) {
  auto url = create_queue("repeat");
  Json list = entries(2);
  list[1]["Id"] = "e0";
  EXPECT_EQ(error("SendMessageBatch", {{"QueueUrl", url}, {"Entries", list}}).code, "BatchEntryIdsNotDistinct");
}

TEST_F(BatchTest, MalformedIdIsInvalidBatchEntryId) {
  auto url = create_queue("badid");
  Json list = entries(1);
  list[0]["Id"] = "bad id!";
  EXPECT_EQ(error("DeleteMessageBatch", {{"QueueUrl", url}, {"Entries", {{{"Id", "bad id!"}, {"ReceiptHandle", "x"}}}}}).code,
            "InvalidBatchEntryId");
  EXPECT_EQ(error("SendMessageBatch", {{"QueueUrl", url}, {"Entries", list}}).code, "InvalidBatchEntryId");
}

TEST_F(BatchTest, OversizedBatchIsBatchRequestTooLong) {
  auto url = create_queue("long");
  Json list = entries(2);
  list[0]["MessageBody"] = std::string(600'000, 'a');
  list[1]["MessageBody"] = std::string(600'000, 'a');
  EXPECT_EQ(error("SendMessageBatch", {{"QueueUrl", url}, {"Entries", list}}).code, "BatchRequestTooLong");
}

TEST_F(BatchTest, InvalidEntriesFailIndividuallyWhileOthersSucceed) {
  auto url = create_queue("mixed");
  Json list = entries(3);
  list[1]["MessageBody"] = std::string("\x01");
  Json out = call("SendMessageBatch", {{"QueueUrl", url}, {"Entries", list}});
  ASSERT_EQ(out["Successful"].size(), 2u);
  ASSERT_EQ(out["Failed"].size(), 1u);
  EXPECT_EQ(out["Failed"][0]["Id"], "e1");
  EXPECT_EQ(out["Failed"][0]["Code"], "InvalidMessageContents");
  EXPECT_EQ(out["Failed"][0]["SenderFault"], true);
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessages"), "2");
}

TEST_F(BatchTest, OversizedEntryFailsWithTheBatchWording) {
  auto url = create_queue("small-batch", {{"MaximumMessageSize", "1024"}});
  Json list = entries(2);
  list[0]["MessageBody"] = std::string(1025, 'a');
  Json out = call("SendMessageBatch", {{"QueueUrl", url}, {"Entries", list}});
  ASSERT_EQ(out["Failed"].size(), 1u);
  EXPECT_EQ(out["Failed"][0]["Code"], "InvalidParameterValue");
  EXPECT_EQ(out["Failed"][0]["Message"],
            "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 "
            "bytes.");
}

TEST_F(BatchTest, DeleteAndChangeVisibilityBatchesReportPerEntryResults) {
  auto url = create_queue("ops");
  call("SendMessageBatch", {{"QueueUrl", url}, {"Entries", entries(2)}});
  auto messages = receive(url, {{"MaxNumberOfMessages", 10}});
  ASSERT_EQ(messages.size(), 2u);
  Json change = call("ChangeMessageVisibilityBatch",
                     {{"QueueUrl", url},
                      {"Entries", {{{"Id", "a"}, {"ReceiptHandle", messages[0]["ReceiptHandle"]}, {"VisibilityTimeout", 100}},
                                   {{"Id", "b"}, {"ReceiptHandle", "garbage"}, {"VisibilityTimeout", 100}}}}});
  EXPECT_EQ(change["Successful"].size(), 1u);
  EXPECT_EQ(change["Failed"][0]["Code"], "ReceiptHandleIsInvalid");
  Json deleted = call("DeleteMessageBatch",
                      {{"QueueUrl", url},
                       {"Entries", {{{"Id", "a"}, {"ReceiptHandle", messages[0]["ReceiptHandle"]}},
                                    {{"Id", "b"}, {"ReceiptHandle", messages[1]["ReceiptHandle"]}}}}});
  EXPECT_EQ(deleted["Successful"].size(), 2u);
  EXPECT_TRUE(deleted["Failed"].empty());
}

}  // namespace
}  // namespace nimbus::sqs::testing
