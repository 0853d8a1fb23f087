// What one fire hands each kind of target, and the dead-letter message of a given-up delivery.

#include "services/scheduler/schedule_target.h"

#include <gtest/gtest.h>

namespace nimbus::scheduler {
namespace {

Json schedule_to(std::string target_arn, Json extra = Json::object()) {
  Json target = {{"Arn", std::move(target_arn)}, {"RoleArn", "arn:aws:iam::111111111111:role/r"}};
  target.update(extra);
  return {{"Arn", "arn:aws:scheduler:us-east-1:111111111111:schedule/g/s"}, {"GroupName", "g"}, {"Target", target}};
}

const Fire kFire{"exec-1", 1'700'000'000'000};

TEST(ScheduleTarget, SqsSendMessageWithDefaultBody) {
  auto delivery = fire_delivery(schedule_to("arn:aws:sqs:eu-west-1:222222222222:jobs"), kFire);
  EXPECT_EQ(delivery.source, "scheduler");
  EXPECT_EQ(delivery.source_arn, "arn:aws:scheduler:us-east-1:111111111111:schedule/g/s");
  EXPECT_EQ(delivery.source_account, "111111111111");
  EXPECT_EQ(delivery.target.service, "sqs");
  EXPECT_EQ(delivery.target.operation, "SendMessage");
  EXPECT_EQ(delivery.target.account, "222222222222");
  EXPECT_EQ(delivery.target.region, "eu-west-1");
  EXPECT_EQ(delivery.target.input["QueueUrl"], "http://localhost/222222222222/jobs");
  EXPECT_EQ(delivery.target.input["MessageBody"], "{}");
  EXPECT_FALSE(delivery.ordered);
  EXPECT_EQ(delivery.retry.max_attempts, 186);
  EXPECT_EQ(delivery.retry.max_age_ms, 86'400'000);
}

TEST(ScheduleTarget, FifoQueueGetsGroupAndDeduplicationIds) {
  auto delivery = fire_delivery(
      schedule_to("arn:aws:sqs:us-east-1:111111111111:jobs.fifo", {{"SqsParameters", {{"MessageGroupId", "g1"}}},
                                                                 {"RetryPolicy", {{"MaximumRetryAttempts", 0},
                                                                                  {"MaximumEventAgeInSeconds", 60}}}}),
      kFire);
  EXPECT_TRUE(delivery.ordered);
  EXPECT_EQ(delivery.target.input["MessageGroupId"], "g1");
  EXPECT_EQ(delivery.target.input["MessageDeduplicationId"], "exec-1");
  EXPECT_EQ(delivery.retry.max_attempts, 1);
  EXPECT_EQ(delivery.retry.max_age_ms, 60'000);
}

TEST(ScheduleTarget, LambdaAndEventBridge) {
  auto lambda = fire_delivery(schedule_to("arn:aws:lambda:us-east-1:111111111111:function:f", {{"Input", "{\"a\":1}"}}),
                              kFire);
  EXPECT_EQ(lambda.target.operation, "Invoke");
  EXPECT_EQ(lambda.target.input["InvocationType"], "Event");
  EXPECT_EQ(lambda.target.input["Payload"], "{\"a\":1}");
  auto bus = fire_delivery(
      schedule_to("arn:aws:events:us-east-1:111111111111:event-bus/default",
                  {{"Input", "{\"k\":\"v\"}"}, {"EventBridgeParameters", {{"Source", "my.app"}, {"DetailType", "Tick"}}}}),
      kFire);
  EXPECT_EQ(bus.target.service, "events");
  EXPECT_EQ(bus.target.operation, "PutEvents");
  const Json& entry = bus.target.input["Entries"][0];
  EXPECT_EQ(entry["Source"], "my.app");
  EXPECT_EQ(entry["DetailType"], "Tick");
  EXPECT_EQ(entry["Detail"], "{\"k\":\"v\"}");
  EXPECT_EQ(entry["EventBusName"], "arn:aws:events:us-east-1:111111111111:event-bus/default");
}

TEST(ScheduleTarget, ContextAttributesAreFilledIn) {
  auto schedule = schedule_to("arn:aws:sqs:us-east-1:111111111111:q",
                              {{"Input", "<aws.scheduler.schedule-arn> <aws.scheduler.scheduled-time> "
                                         "<aws.scheduler.execution-id> <aws.scheduler.attempt-number>"}});
  EXPECT_EQ(target_payload(schedule, kFire),
            "arn:aws:scheduler:us-east-1:111111111111:schedule/g/s 2023-11-14T22:13:20Z exec-1 1");
}

TEST(ScheduleTarget, UniversalTargetsAreNotServed) {
  auto delivery = fire_delivery(schedule_to("arn:aws:scheduler:::aws-sdk:dynamodb:putItem"), kFire);
  EXPECT_EQ(delivery.target.service, "dynamodb");
}

TEST(ScheduleTarget, DeadLetterCarriesSchedulersAttributes) {
  auto given_up = fire_delivery(
      schedule_to("arn:aws:sqs:us-east-1:111111111111:gone",
                  {{"Input", "{\"x\":1}"}, {"DeadLetterConfig", {{"Arn", "arn:aws:sqs:us-east-1:111111111111:dlq"}}}}),
      kFire);
  auto dead = dead_letter_for(given_up, {"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", 3});
  ASSERT_TRUE(dead);
  EXPECT_TRUE(dead->dead_letter);
  EXPECT_EQ(dead->target.input["QueueUrl"], "http://localhost/111111111111/dlq");
  EXPECT_EQ(dead->target.input["MessageBody"], "{\"x\":1}");
  const Json& attributes = dead->target.input["MessageAttributes"];
  EXPECT_EQ(attributes["X-Amz-Scheduler-Attempt"]["StringValue"], "3");
  EXPECT_EQ(attributes["X-Amz-Scheduler-Attempt"]["DataType"], "Number");
  EXPECT_EQ(attributes["X-Amz-Scheduler-Schedule-Arn"]["StringValue"], given_up.source_arn);
  EXPECT_EQ(attributes["X-Amz-Scheduler-Target-Arn"]["StringValue"], "arn:aws:sqs:us-east-1:111111111111:gone");
  EXPECT_EQ(attributes["X-Amz-Scheduler-Group"]["StringValue"], "g");
  EXPECT_EQ(attributes["X-Amz-Scheduler-Error-Code"]["StringValue"], "AWS.SimpleQueueService.NonExistentQueue");
  EXPECT_EQ(attributes["X-Amz-Scheduler-Error-Message"]["StringValue"], "The specified queue does not exist.");
  auto without = fire_delivery(schedule_to("arn:aws:sqs:us-east-1:111111111111:gone"), kFire);
  EXPECT_FALSE(dead_letter_for(without, {"X", "y", 1}));
}

}  // namespace
}  // namespace nimbus::scheduler
