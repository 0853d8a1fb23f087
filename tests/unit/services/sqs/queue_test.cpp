#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

class QueueTest : public SqsTest {};

TEST_F(QueueTest, CreateQueueReturnsUrlOnRequestHost) {
  EXPECT_EQ(create_queue("orders"), "http://localhost:4566/000000000000/orders");
}

TEST_F(QueueTest, CreateQueueIsIdempotentWithEqualAttributes) {
  auto first = create_queue("same", {{"VisibilityTimeout", "60"}});
  EXPECT_EQ(create_queue("same", {{"VisibilityTimeout", "60"}}), first);
  EXPECT_EQ(create_queue("same"), first);
}

TEST_F(QueueTest, CreateQueueWithDifferentAttributesIsQueueNameExists) {
  create_queue("differs", {{"VisibilityTimeout", "60"}});
  auto e = error("CreateQueue", {{"QueueName", "differs"}, {"Attributes", {{"VisibilityTimeout", "61"}}}});
  EXPECT_EQ(e.code, "QueueNameExists");
  EXPECT_EQ(e.query_code, "QueueAlreadyExists");
  EXPECT_NE(e.message.find("VisibilityTimeout"), std::string::npos);
}

TEST_F(QueueTest, QueueNamesAreValidated) {
  EXPECT_EQ(error("CreateQueue", {{"QueueName", "bad name"}}).code, "InvalidParameterValue");
  EXPECT_EQ(error("CreateQueue", {{"QueueName", std::string(81, 'a')}}).code, "InvalidParameterValue");
  EXPECT_EQ(error("CreateQueue", {{"QueueName", "nofifo"}, {"Attributes", {{"FifoQueue", "true"}}}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(error("CreateQueue", {{"QueueName", "plain.fifo"}}).code, "InvalidParameterValue");
}

TEST_F(QueueTest, AttributeValuesOutOfRangeAreInvalidAttributeValue) {
  EXPECT_EQ(error("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"DelaySeconds", "901"}}}}).code,
            "InvalidAttributeValue");
  EXPECT_EQ(error("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"Bogus", "1"}}}}).code,
            "InvalidAttributeName");
  auto content = error("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{"ContentBasedDeduplication", "true"}}}});
  EXPECT_EQ(content.code, "InvalidAttributeName");
  EXPECT_EQ(content.message, "Unknown Attribute ContentBasedDeduplication.");
  for (const char* name : {"DeduplicationScope", "FifoThroughputLimit"}) {
    auto e = error("CreateQueue", {{"QueueName", "q"}, {"Attributes", {{name, "perQueue"}}}});
    EXPECT_EQ(e.code, "InvalidAttributeName");
    EXPECT_EQ(e.message,
              "You can specify the " + std::string(name) + " only when FifoQueue is set to true.");
  }
}

TEST_F(QueueTest, DeletedQueueCannotBeRecreatedForSixtySeconds) {
  auto url = create_queue("gone");
  call("DeleteQueue", {{"QueueUrl", url}});
  EXPECT_EQ(error("GetQueueUrl", {{"QueueName", "gone"}}).code, "QueueDoesNotExist");
  auto e = error("CreateQueue", {{"QueueName", "gone"}});
  EXPECT_EQ(e.code, "QueueDeletedRecently");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.QueueDeletedRecently");
  clock_.advance(61'000);
  EXPECT_EQ(create_queue("gone"), url);
}

TEST_F(QueueTest, UnknownQueueIsQueueDoesNotExistWithQueryCode) {
  auto e = error("GetQueueAttributes", {{"QueueUrl", "http://localhost:4566/000000000000/none"}});
  EXPECT_EQ(e.code, "QueueDoesNotExist");
  EXPECT_EQ(e.query_code, "AWS.SimpleQueueService.NonExistentQueue");
}

TEST_F(QueueTest, QueueUrlWithAnyHostAndSchemeIsAccepted) {
  create_queue("hosts");
  EXPECT_NO_THROW(call("GetQueueAttributes", {{"QueueUrl", "https://sqs.us-east-1.amazonaws.com/000000000000/hosts"}}));
}

TEST_F(QueueTest, GetQueueAttributesReturnsDefaultsAndComputedValues) {
  auto url = create_queue("attrs");
  send(url, "a");
  Json all = call("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"All"}}})["Attributes"];
  EXPECT_EQ(all["VisibilityTimeout"], "30");
  EXPECT_EQ(all["MaximumMessageSize"], "1048576");
  EXPECT_EQ(all["MessageRetentionPeriod"], "345600");
  EXPECT_EQ(all["ApproximateNumberOfMessages"], "1");
  EXPECT_EQ(all["QueueArn"], arn("attrs"));
  EXPECT_FALSE(all.contains("FifoQueue"));
  EXPECT_EQ(error("GetQueueAttributes", {{"QueueUrl", url}, {"AttributeNames", {"Nope"}}}).code,
            "InvalidAttributeName");
}

TEST_F(QueueTest, SetQueueAttributesUpdatesValuesAndRejectsFifoQueue) {
  auto url = create_queue("set");
  call("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"VisibilityTimeout", "5"}}}});
  EXPECT_EQ(attribute(url, "VisibilityTimeout"), "5");
  EXPECT_EQ(error("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"FifoQueue", "true"}}}}).code,
            "InvalidAttributeName");
}

TEST_F(QueueTest, RedrivePolicyTargetMustExist) {
  auto url = create_queue("src");
  auto e = error("SetQueueAttributes",
                 {{"QueueUrl", url},
                  {"Attributes", {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn("missing") + R"(","maxReceiveCount":3})"}}}});
  EXPECT_EQ(e.code, "InvalidParameterValue");
}

TEST_F(QueueTest, ListQueuesFiltersByPrefixAndPaginatesWithMaxResults) {
  for (auto name : {"a1", "a2", "a3", "b1"}) create_queue(name);
  Json page = call("ListQueues", {{"QueueNamePrefix", "a"}, {"MaxResults", 2}});
  ASSERT_EQ(page["QueueUrls"].size(), 2u);
  ASSERT_TRUE(page.contains("NextToken"));
  Json next = call("ListQueues", {{"QueueNamePrefix", "a"}, {"MaxResults", 2}, {"NextToken", page["NextToken"]}});
  ASSERT_EQ(next["QueueUrls"].size(), 1u);
  EXPECT_EQ(next["QueueUrls"][0], "http://localhost:4566/000000000000/a3");
  EXPECT_FALSE(next.contains("NextToken"));
  EXPECT_FALSE(call("ListQueues", Json::object()).contains("NextToken"));
}

TEST_F(QueueTest, SecondPurgeWithinSixtySecondsIsPurgeQueueInProgress) {
  auto url = create_queue("purge");
  send(url, "a");
  receive(url);
  send(url, "b");
  call("PurgeQueue", {{"QueueUrl", url}});
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessages"), "0");
  EXPECT_EQ(attribute(url, "ApproximateNumberOfMessagesNotVisible"), "0");
  auto e = error("PurgeQueue", {{"QueueUrl", url}});
  EXPECT_EQ(e.code, "PurgeQueueInProgress");
  EXPECT_EQ(e.http_status, 403);
  clock_.advance(60'000);
  EXPECT_NO_THROW(call("PurgeQueue", {{"QueueUrl", url}}));
}

TEST_F(QueueTest, TagsAreAddedListedAndRemoved) {
  auto url = call("CreateQueue", {{"QueueName", "tagged"}, {"tags", {{"team", "a"}}}})["QueueUrl"];
  call("TagQueue", {{"QueueUrl", url}, {"Tags", {{"env", "dev"}}}});
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url}})["Tags"], (Json{{"env", "dev"}, {"team", "a"}}));
  call("UntagQueue", {{"QueueUrl", url}, {"TagKeys", {"team"}}});
  EXPECT_EQ(call("ListQueueTags", {{"QueueUrl", url}})["Tags"], (Json{{"env", "dev"}}));
}

TEST_F(QueueTest, PermissionsAreStatementsOfThePolicyKeyedByLabel) {
  auto url = create_queue("perm");
  Json add = {{"QueueUrl", url}, {"Label", "l1"}, {"AWSAccountIds", {"111122223333"}}, {"Actions", {"SendMessage"}}};
  call("AddPermission", add);
  Json policy = Json::parse(attribute(url, "Policy"));
  EXPECT_EQ(policy["Statement"][0]["Sid"], "l1");
  EXPECT_EQ(policy["Statement"][0]["Action"], "SQS:SendMessage");
  EXPECT_EQ(error("AddPermission", add).code, "InvalidParameterValue");
  call("RemovePermission", {{"QueueUrl", url}, {"Label", "l1"}});
  auto missing = error("RemovePermission", {{"QueueUrl", url}, {"Label", "l1"}});
  EXPECT_EQ(missing.code, "InvalidParameterValue");
  EXPECT_EQ(missing.message, "Value l1 for parameter Label is invalid. Reason: can't find label.");
}

TEST_F(QueueTest, DeadLetterSourceQueuesListQueuesTargetingTheQueue) {
  auto dlq = create_queue("dlq");
  create_queue("source", {{"RedrivePolicy", R"({"deadLetterTargetArn":")" + arn("dlq") + R"(","maxReceiveCount":"2"})"}});
  create_queue("other");
  Json out = call("ListDeadLetterSourceQueues", {{"QueueUrl", dlq}});
  EXPECT_EQ(out["queueUrls"], (Json{"http://localhost:4566/000000000000/source"}));
}

}  // namespace
}  // namespace nimbus::sqs::testing
