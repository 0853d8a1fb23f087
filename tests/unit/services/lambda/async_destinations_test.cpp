// Asynchronous invocation outcomes: the invocation record's shape per condition, where each kind
// of destination ARN sends it, and what a dead-letter queue or topic receives.
#include <gtest/gtest.h>

#include "services/lambda/async_destinations.h"

namespace nimbus::lambda {
namespace {

AsyncOutcome outcome(std::string condition) {
  AsyncOutcome o;
  o.request_id = "11111111-2222-3333-4444-555555555555";
  o.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST";
  o.executed_version = "$LATEST";
  o.condition = std::move(condition);
  o.attempts = 3;
  o.request_payload = R"({"key":"value"})";
  o.timestamp_ms = 1'706'704'496'789;
  return o;
}

TEST(InvocationRecord, SuccessCarriesTheContextsAndBothPayloads) {
  auto o = outcome("Success");
  o.attempts = 1;
  o.response_payload = R"({"ok":true})";
  Json record = invocation_record(o);
  EXPECT_EQ(record["version"], "1.0");
  EXPECT_EQ(record["timestamp"], "2024-01-31T12:34:56.789Z");
  EXPECT_EQ(record["requestContext"],
            (Json{{"requestId", o.request_id}, {"functionArn", o.function_arn}, {"condition", "Success"},
                  {"approximateInvokeCount", 1}}));
  EXPECT_EQ(record["requestPayload"], (Json{{"key", "value"}}));
  EXPECT_EQ(record["responseContext"], (Json{{"statusCode", 200}, {"executedVersion", "$LATEST"}}));
  EXPECT_EQ(record["responsePayload"], (Json{{"ok", true}}));
}

TEST(InvocationRecord, RetriesExhaustedNamesTheFunctionError) {
  auto o = outcome("RetriesExhausted");
  o.function_error = true;
  o.response_payload = R"({"errorMessage":"boom","errorType":"Error"})";
  Json record = invocation_record(o);
  EXPECT_EQ(record["requestContext"]["condition"], "RetriesExhausted");
  EXPECT_EQ(record["requestContext"]["approximateInvokeCount"], 3);
  EXPECT_EQ(record["responseContext"]["functionError"], "Unhandled");
  EXPECT_EQ(record["responsePayload"]["errorMessage"], "boom");
}

TEST(InvocationRecord, EventAgeExceededWithoutAResponseHasNoResponseContext) {
  Json record = invocation_record(outcome("EventAgeExceeded"));
  EXPECT_EQ(record["requestContext"]["condition"], "EventAgeExceeded");
  EXPECT_FALSE(record.contains("responseContext"));
  EXPECT_FALSE(record.contains("responsePayload"));
}

TEST(InvocationRecord, PayloadsThatAreNotJsonStayText) {
  auto o = outcome("Success");
  o.request_payload = "not json";
  o.response_payload = "plain";
  Json record = invocation_record(o);
  EXPECT_EQ(record["requestPayload"], "not json");
  EXPECT_EQ(record["responsePayload"], "plain");
  o.response_payload = "";
  EXPECT_TRUE(invocation_record(o)["responsePayload"].is_null());
}

TEST(DestinationTarget, SqsQueueGetsTheRecordAsMessageBody) {
  Json record = invocation_record(outcome("Success"));
  auto target = destination_target("arn:aws:sqs:eu-west-1:210987654321:done-queue", record, true);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->service, "sqs");
  EXPECT_EQ(target->operation, "SendMessage");
  EXPECT_EQ(target->account, "210987654321");
  EXPECT_EQ(target->region, "eu-west-1");
  EXPECT_EQ(target->input["QueueUrl"], "http://localhost/210987654321/done-queue");
  EXPECT_EQ(Json::parse(target->input["MessageBody"].get<std::string>()), record);
}

TEST(DestinationTarget, FunctionIsInvokedAsynchronously) {
  Json record = invocation_record(outcome("Success"));
  std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:next";
  auto target = destination_target(arn, record, true);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->service, "lambda");
  EXPECT_EQ(target->operation, "Invoke");
  EXPECT_EQ(target->input["FunctionName"], arn);
  EXPECT_EQ(target->input["InvocationType"], "Event");
  EXPECT_EQ(Json::parse(target->input["Payload"].get<std::string>()), record);
}

TEST(DestinationTarget, TopicIsPublishedTo) {
  Json record = invocation_record(outcome("RetriesExhausted"));
  std::string arn = "arn:aws:sns:us-east-1:123456789012:alerts";
  auto target = destination_target(arn, record, false);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->service, "sns");
  EXPECT_EQ(target->operation, "Publish");
  EXPECT_EQ(target->input["TopicArn"], arn);
  EXPECT_EQ(Json::parse(target->input["Message"].get<std::string>()), record);
}

TEST(DestinationTarget, EventBusGetsOneEntryWhoseDetailTypeSaysSuccessOrFailure) {
  Json record = invocation_record(outcome("Success"));
  std::string arn = "arn:aws:events:us-east-1:123456789012:event-bus/default";
  auto success = destination_target(arn, record, true);
  ASSERT_TRUE(success);
  EXPECT_EQ(success->service, "events");
  EXPECT_EQ(success->operation, "PutEvents");
  ASSERT_EQ(success->input["Entries"].size(), 1u);
  const Json& entry = success->input["Entries"][0];
  EXPECT_EQ(entry["Source"], "lambda");
  EXPECT_EQ(entry["DetailType"], "Lambda Function Invocation Result - Success");
  EXPECT_EQ(entry["EventBusName"], arn);
  EXPECT_EQ(entry["Resources"], Json::array({record["requestContext"]["functionArn"]}));
  EXPECT_EQ(Json::parse(entry["Detail"].get<std::string>()), record);
  auto failure = destination_target(arn, record, false);
  EXPECT_EQ(failure->input["Entries"][0]["DetailType"], "Lambda Function Invocation Result - Failure");
}

TEST(DestinationTarget, UnknownServicesAndMalformedArnsAreNotDestinations) {
  Json record = invocation_record(outcome("Success"));
  EXPECT_FALSE(destination_target("arn:aws:s3:::bucket", record, true));
  EXPECT_FALSE(destination_target("arn:aws:dynamodb:us-east-1:123456789012:table/t", record, true));
  EXPECT_FALSE(destination_target("not-an-arn", record, true));
  EXPECT_FALSE(destination_target("", record, true));
  EXPECT_FALSE(destination_target("urn:aws:sqs:us-east-1:123456789012:q", record, true));
}

TEST(DeadLetterTarget, QueueGetsTheOriginalEventWithErrorAttributes) {
  auto o = outcome("RetriesExhausted");
  auto target = dead_letter_target("arn:aws:sqs:us-east-1:123456789012:dlq", o, "boom");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->service, "sqs");
  EXPECT_EQ(target->operation, "SendMessage");
  EXPECT_EQ(target->input["QueueUrl"], "http://localhost/123456789012/dlq");
  EXPECT_EQ(target->input["MessageBody"], o.request_payload);
  EXPECT_EQ(target->input["MessageAttributes"],
            (Json{{"RequestID", {{"DataType", "String"}, {"StringValue", o.request_id}}},
                  {"ErrorCode", {{"DataType", "Number"}, {"StringValue", "200"}}},
                  {"ErrorMessage", {{"DataType", "String"}, {"StringValue", "boom"}}}}));
}

TEST(DeadLetterTarget, TopicGetsTheEventAndAnEmptyErrorReadsUnhandled) {
  auto o = outcome("EventAgeExceeded");
  std::string arn = "arn:aws:sns:us-east-1:123456789012:dlq-topic";
  auto target = dead_letter_target(arn, o, "");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->service, "sns");
  EXPECT_EQ(target->input["TopicArn"], arn);
  EXPECT_EQ(target->input["Message"], o.request_payload);
  EXPECT_EQ(target->input["MessageAttributes"]["ErrorMessage"]["StringValue"], "Unhandled");
}

TEST(DeadLetterTarget, OnlyQueuesAndTopicsAreDeadLetterTargets) {
  auto o = outcome("RetriesExhausted");
  EXPECT_FALSE(dead_letter_target("arn:aws:lambda:us-east-1:123456789012:function:f", o, "x"));
  EXPECT_FALSE(dead_letter_target("arn:aws:events:us-east-1:123456789012:event-bus/default", o, "x"));
  EXPECT_FALSE(dead_letter_target("garbage", o, "x"));
}

}  // namespace
}  // namespace nimbus::lambda
