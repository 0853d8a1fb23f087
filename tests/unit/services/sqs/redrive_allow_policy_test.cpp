#include <gtest/gtest.h>

#include "sqs_fixture.h"

namespace nimbus::sqs::testing {
namespace {

class RedriveAllowPolicyTest : public SqsTest {
 protected:
  std::string redrive_to(const std::string& dlq, int max_receive_count = 3) {
    return R"({"deadLetterTargetArn":")" + arn(dlq) + R"(","maxReceiveCount":)" +
           std::to_string(max_receive_count) + "}";
  }
  AwsError set_redrive_error(const std::string& url, const std::string& policy) {
    return error("SetQueueAttributes", {{"QueueUrl", url}, {"Attributes", {{"RedrivePolicy", policy}}}});
  }
  AwsError create_error(const std::string& name, Json attributes) {
    return error("CreateQueue", {{"QueueName", name}, {"Attributes", attributes}});
  }
};

TEST_F(RedriveAllowPolicyTest, DenyAllRejectsEverySourceQueue) {
  create_queue("dlq", {{"RedriveAllowPolicy", R"({"redrivePermission":"denyAll"})"}});
  auto source = create_queue("source");
  auto e = set_redrive_error(source, redrive_to("dlq"));
  EXPECT_EQ(e.code, "InvalidParameterValue");
  EXPECT_EQ(e.message, "Value " + redrive_to("dlq") +
                           " for parameter RedrivePolicy is invalid. Reason: Dead letter queue does "
                           "not allow this source queue.");
  EXPECT_EQ(create_error("other", {{"RedrivePolicy", redrive_to("dlq")}}).code, "InvalidParameterValue");
}

TEST_F(RedriveAllowPolicyTest, ByQueueAllowsOnlyTheListedQueues) {
  create_queue("dlq", {{"RedriveAllowPolicy",
                        R"({"redrivePermission":"byQueue","sourceQueueArns":[")" + arn("allowed") + R"("]})"}});
  auto allowed = create_queue("allowed", {{"RedrivePolicy", redrive_to("dlq")}});
  EXPECT_NE(attribute(allowed, "RedrivePolicy").find(arn("dlq")), std::string::npos);
  auto denied = create_queue("denied");
  EXPECT_EQ(set_redrive_error(denied, redrive_to("dlq")).code, "InvalidParameterValue");
}

TEST_F(RedriveAllowPolicyTest, AllowAllAndNoPolicyAllowAnySourceQueue) {
  create_queue("open", {{"RedriveAllowPolicy", R"({"redrivePermission":"allowAll"})"}});
  create_queue("plain");
  auto source = create_queue("source");
  call("SetQueueAttributes", {{"QueueUrl", source}, {"Attributes", {{"RedrivePolicy", redrive_to("open")}}}});
  call("SetQueueAttributes", {{"QueueUrl", source}, {"Attributes", {{"RedrivePolicy", redrive_to("plain")}}}});
  EXPECT_NE(attribute(source, "RedrivePolicy").find(arn("plain")), std::string::npos);
}

TEST_F(RedriveAllowPolicyTest, PolicyShapeIsValidated) {
  auto invalid = [&](const std::string& policy) {
    return create_error("dlq", {{"RedriveAllowPolicy", policy}}).code;
  };
  EXPECT_EQ(invalid("not json"), "InvalidParameterValue");
  EXPECT_EQ(invalid(R"({"redrivePermission":"sometimes"})"), "InvalidParameterValue");
  EXPECT_EQ(invalid(R"({"redrivePermission":"byQueue"})"), "InvalidParameterValue");
  EXPECT_EQ(invalid(R"({"redrivePermission":"byQueue","sourceQueueArns":["not-an-arn"]})"),
            "InvalidParameterValue");
  EXPECT_EQ(invalid(R"({"redrivePermission":"allowAll","sourceQueueArns":[")" + arn("a") + R"("]})"),
            "InvalidParameterValue");
  Json eleven = Json::array();
  for (int i = 0; i < 11; ++i) eleven.push_back(arn("q" + std::to_string(i)));
  EXPECT_EQ(invalid(Json{{"redrivePermission", "byQueue"}, {"sourceQueueArns", eleven}}.dump()),
            "InvalidParameterValue");
  eleven.erase(eleven.begin());
  create_queue("dlq", {{"RedriveAllowPolicy",
                        Json{{"redrivePermission", "byQueue"}, {"sourceQueueArns", eleven}}.dump()}});
}

TEST_F(RedriveAllowPolicyTest, RedrivePolicyTargetMustBeOfTheSameTypeWithCountInRange) {
  create_queue("dlq");
  create_queue("dlq.fifo", {{"FifoQueue", "true"}});
  EXPECT_EQ(create_error("src.fifo", {{"FifoQueue", "true"}, {"RedrivePolicy", redrive_to("dlq")}}).code,
            "InvalidParameterValue");
  EXPECT_EQ(create_error("src", {{"RedrivePolicy", redrive_to("dlq.fifo")}}).code, "InvalidParameterValue");
  EXPECT_EQ(create_error("src", {{"RedrivePolicy", redrive_to("dlq", 0)}}).code, "InvalidParameterValue");
  EXPECT_EQ(create_error("src", {{"RedrivePolicy", redrive_to("dlq", 1001)}}).code, "InvalidParameterValue");
  create_queue("src", {{"RedrivePolicy", redrive_to("dlq", 1000)}});
}

}  // namespace
}  // namespace nimbus::sqs::testing
