// How a matched event becomes a delivery to each kind of target, and what the dead-letter queue
// receives when one is given up.

#include "services/events/target_delivery.h"

#include <gtest/gtest.h>

namespace nimbus::events {
namespace {

const RoutedRule kRule{"orders", "arn:aws:events:us-east-1:000000000000:rule/orders", "000000000000", Json::array()};

Json order_event() {
  return {{"version", "0"}, {"id", "e-1"}, {"detail-type", "OrderCreated"}, {"source", "order-service"},
          {"account", "000000000000"}, {"time", "2026-12-01T00:00:00Z"}, {"region", "us-east-1"},
          {"resources", Json::array()}, {"detail", {{"orderId", "o-1"}}}};
}

delivery::Delivery deliver(const Json& target) {
  auto event = order_event();
  auto out = target_delivery(kRule, target, event, event.dump(), 0);
  EXPECT_TRUE(out.has_value());
  return out.value_or(delivery::Delivery{});
}

TEST(TargetDelivery, SqsTargetsGetTheEventTextAsTheMessageBody) {
  auto out = deliver({{"Id", "q"}, {"Arn", "arn:aws:sqs:us-east-1:111111111111:jobs"}});
  EXPECT_EQ(out.target.service, "sqs");
  EXPECT_EQ(out.target.operation, "SendMessage");
  EXPECT_EQ(out.target.account, "111111111111");
  EXPECT_EQ(out.target.input["QueueUrl"], "http://localhost/111111111111/jobs");
  EXPECT_EQ(Json::parse(out.target.input["MessageBody"].get<std::string>())["id"], "e-1");
  EXPECT_EQ(out.source, "events");
  EXPECT_EQ(out.source_arn, kRule.arn);
  EXPECT_FALSE(out.ordered);
  EXPECT_FALSE(out.retry.retry_missing);
  EXPECT_EQ(out.retry.max_attempts, 186);
  EXPECT_EQ(out.retry.max_age_ms, 86'400'000);
}

TEST(TargetDelivery, FifoQueuesAreOrderedWithTheTargetsGroupAndTheEventIdForDeduplication) {
  auto out = deliver({{"Id", "f"}, {"Arn", "arn:aws:sqs:us-east-1:000000000000:jobs.fifo"},
                      {"SqsParameters", {{"MessageGroupId", "g"}}}});
  EXPECT_TRUE(out.ordered);
  EXPECT_EQ(out.target.input["MessageGroupId"], "g");
  EXPECT_EQ(out.target.input["MessageDeduplicationId"], "e-1");
}

TEST(TargetDelivery, LambdaTargetsAreInvokedAsynchronously) {
  auto out = deliver({{"Id", "f"}, {"Arn", "arn:aws:lambda:us-east-1:000000000000:function:pay"},
                      {"RetryPolicy", {{"MaximumRetryAttempts", 3}, {"MaximumEventAgeInSeconds", 120}}}});
  EXPECT_EQ(out.target.operation, "Invoke");
  EXPECT_EQ(out.target.input["InvocationType"], "Event");
  EXPECT_EQ(out.retry.max_attempts, 4);
  EXPECT_EQ(out.retry.max_age_ms, 120'000);
}

TEST(TargetDelivery, BusTargetsReceiveTheEventAsAPutEventsEntry) {
  auto out = deliver({{"Id", "b"}, {"Arn", "arn:aws:events:eu-west-1:000000000000:event-bus/other"}});
  EXPECT_EQ(out.target.operation, "PutEvents");
  EXPECT_EQ(out.target.region, "eu-west-1");
  const auto& entry = out.target.input["Entries"][0];
  EXPECT_EQ(entry["Source"], "order-service");
  EXPECT_EQ(entry["DetailType"], "OrderCreated");
  EXPECT_EQ(Json::parse(entry["Detail"].get<std::string>()), Json({{"orderId", "o-1"}}));
}

TEST(TargetDelivery, LogGroupTargetsGoThroughTheInternalOperation) {
  auto out = deliver({{"Id", "l"}, {"Arn", "arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/x:*"}});
  EXPECT_EQ(out.target.service, "events");
  EXPECT_EQ(out.target.operation, kDeliverToLogGroup);
  EXPECT_EQ(out.target.input["EventId"], "e-1");
}

TEST(TargetDelivery, AnInputPathThatMatchesNothingDeliversNothing) {
  auto event = order_event();
  Json target = {{"Id", "q"}, {"Arn", "arn:aws:sqs:us-east-1:000000000000:jobs"}, {"InputPath", "$.detail.missing"}};
  EXPECT_FALSE(target_delivery(kRule, target, event, event.dump(), 0).has_value());
}

TEST(TargetDelivery, GivenUpDeliveriesGoToTheDeadLetterQueueWithEventBridgesAttributes) {
  auto out = deliver({{"Id", "q"}, {"Arn", "arn:aws:sqs:us-east-1:000000000000:gone"},
                      {"DeadLetterConfig", {{"Arn", "arn:aws:sqs:us-east-1:000000000000:dlq"}}}});
  auto dead = dead_letter_for(out, {"QueueDoesNotExist", "The specified queue does not exist.", 1});
  ASSERT_TRUE(dead.has_value());
  EXPECT_TRUE(dead->dead_letter);
  EXPECT_EQ(dead->target.input["QueueUrl"], "http://localhost/000000000000/dlq");
  const auto& attributes = dead->target.input["MessageAttributes"];
  EXPECT_EQ(attributes["RULE_ARN"]["StringValue"], kRule.arn);
  EXPECT_EQ(attributes["TARGET_ARN"]["StringValue"], "arn:aws:sqs:us-east-1:000000000000:gone");
  EXPECT_EQ(attributes["ERROR_CODE"]["StringValue"], "NO_RESOURCE");
  EXPECT_EQ(Json::parse(dead->target.input["MessageBody"].get<std::string>())["id"], "e-1");
}

TEST(TargetDelivery, WithoutADeadLetterQueueAGivenUpDeliveryIsDropped) {
  auto out = deliver({{"Id", "q"}, {"Arn", "arn:aws:sqs:us-east-1:000000000000:gone"}});
  EXPECT_FALSE(dead_letter_for(out, {"QueueDoesNotExist", "", 1}).has_value());
}

TEST(TargetDelivery, DestinationErrorsMapToTheDeadLetterErrorCodes) {
  EXPECT_EQ(dead_letter_error_code({"AccessDeniedException", "", 1}), "NO_PERMISSIONS");
  EXPECT_EQ(dead_letter_error_code({"ResourceNotFoundException", "", 1}), "NO_RESOURCE");
  EXPECT_EQ(dead_letter_error_code({"ThrottlingException", "", 1}), "THROTTLING");
  EXPECT_EQ(dead_letter_error_code({"InternalFailure", "", 1}), "INTERNAL_ERROR");
  EXPECT_EQ(dead_letter_error_code({"InvalidParameterValue", "", 1}), "INVALID_PARAMETER");
}

}  // namespace
}  // namespace nimbus::events
