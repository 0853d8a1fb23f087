// Scheduler's input rules (names, ARNs, CreateSchedule's checks and defaults) and fire times.

#include "services/scheduler/scheduler_rules.h"

#include <gtest/gtest.h>

#include "core/aws_error.h"

namespace nimbus::scheduler {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

Json input(std::string expression) {
  return {{"Name", "s1"},
          {"ScheduleExpression", std::move(expression)},
          {"FlexibleTimeWindow", {{"Mode", "OFF"}}},
          {"Target", {{"Arn", "arn:aws:sqs:us-east-1:000000000000:q"}, {"RoleArn", "arn:aws:iam::000000000000:role/r"}}}};
}

AwsError error_of(const Json& in) {
  try {
    schedule_record(in, kNow);
  } catch (const AwsError& error) {
    return error;
  }
  ADD_FAILURE() << "accepted " << in.dump();
  return AwsError(0, "", "");
}

TEST(SchedulerArn, ParsesAndBuilds) {
  auto arn = parse_arn("arn:aws:sqs:eu-west-1:123456789012:my-queue");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->service, "sqs");
  EXPECT_EQ(arn->region, "eu-west-1");
  EXPECT_EQ(arn->account, "123456789012");
  EXPECT_EQ(arn->resource, "my-queue");
  EXPECT_FALSE(parse_arn("sqs:eu-west-1"));
  EXPECT_FALSE(parse_arn("arn:aws:sqs"));
  EXPECT_EQ(schedule_arn("us-east-1", "000000000000", "default", "a"),
            "arn:aws:scheduler:us-east-1:000000000000:schedule/default/a");
  EXPECT_EQ(group_arn("us-east-1", "000000000000", "g"), "arn:aws:scheduler:us-east-1:000000000000:schedule-group/g");
  auto universal = parse_arn("arn:aws:scheduler:::aws-sdk:sqs:sendMessage");
  ASSERT_TRUE(universal);
  EXPECT_EQ(universal->resource, "aws-sdk:sqs:sendMessage");
}

TEST(SchedulerRecord, AppliesDefaults) {
  Json record = schedule_record(input("rate(5 minutes)"), kNow);
  EXPECT_EQ(record["GroupName"], "default");
  EXPECT_EQ(record["State"], "ENABLED");
  EXPECT_EQ(record["ActionAfterCompletion"], "NONE");
  EXPECT_EQ(record["Target"]["RetryPolicy"]["MaximumRetryAttempts"], 185);
  EXPECT_EQ(record["Target"]["RetryPolicy"]["MaximumEventAgeInSeconds"], 86400);
  EXPECT_EQ(record["_anchor_ms"], kNow);
  EXPECT_FALSE(public_view(record).contains("_anchor_ms"));
  EXPECT_FALSE(record.contains("ScheduleExpressionTimezone"));
}

TEST(SchedulerRecord, RefusesBadInput) {
  EXPECT_EQ(error_of(input("rate(5 minute)")).message, "Invalid Schedule Expression rate(5 minute).");
  auto bad_name = input("rate(1 day)");
  bad_name["Name"] = "a/b";
  EXPECT_EQ(error_of(bad_name).code, "ValidationException");
  auto zone = input("cron(0 9 * * ? *)");
  zone["ScheduleExpressionTimezone"] = "Mars/Olympus";
  EXPECT_EQ(error_of(zone).message, "Invalid time zone: Mars/Olympus.");
  auto flexible = input("rate(1 hour)");
  flexible["FlexibleTimeWindow"] = {{"Mode", "FLEXIBLE"}};
  EXPECT_EQ(error_of(flexible).code, "ValidationException");
  auto off = input("rate(1 hour)");
  off["FlexibleTimeWindow"] = {{"Mode", "OFF"}, {"MaximumWindowInMinutes", 5}};
  EXPECT_EQ(error_of(off).code, "ValidationException");
  auto early = input("rate(1 hour)");
  early["StartDate"] = (kNow - 10 * 60'000) / 1000.0;
  EXPECT_EQ(error_of(early).message, "The StartDate you specify cannot be earlier than 5 minutes ago.");
  auto backwards = input("rate(1 hour)");
  backwards["StartDate"] = (kNow + 3'600'000) / 1000.0;
  backwards["EndDate"] = (kNow + 60'000) / 1000.0;
  EXPECT_EQ(error_of(backwards).code, "ValidationException");
  auto dlq = input("rate(1 hour)");
  dlq["Target"]["DeadLetterConfig"] = {{"Arn", "arn:aws:sns:us-east-1:000000000000:t"}};
  EXPECT_EQ(error_of(dlq).code, "ValidationException");
  // One-time schedules ignore the window, so a StartDate in the past is no error for them.
  auto at = input("at(2030-01-01T00:00:00)");
  at["StartDate"] = (kNow - 3'600'000) / 1000.0;
  EXPECT_NO_THROW(schedule_record(at, kNow));
}

TEST(SchedulerFire, RateCountsFromItsAnchorAndStopsAtEndDate) {
  Json record = schedule_record(input("rate(5 minutes)"), kNow);
  EXPECT_EQ(next_fire(record, kNow - 1), kNow);  // a rate schedule fires when created
  EXPECT_EQ(next_fire(record, kNow), kNow + 300'000);
  auto windowed = input("rate(5 minutes)");
  windowed["StartDate"] = (kNow + 3'600'000) / 1000.0;
  windowed["EndDate"] = (kNow + 3'600'000 + 600'000) / 1000.0;
  record = schedule_record(windowed, kNow);
  EXPECT_EQ(next_fire(record, kNow - 1), kNow + 3'600'000);
  EXPECT_EQ(next_fire(record, kNow + 3'600'000 + 300'000), kNow + 3'600'000 + 600'000);  // EndDate inclusive
  EXPECT_EQ(next_fire(record, kNow + 3'600'000 + 600'000), std::nullopt);
  EXPECT_FALSE(completed(record, kNow));
  EXPECT_TRUE(completed(record, kNow + 3'600'000 + 600'000));
}

TEST(SchedulerFire, CronRunsOnTheZonesWallClock) {
  auto in = input("cron(0 9 * * ? *)");
  in["ScheduleExpressionTimezone"] = "America/New_York";
  Json record = schedule_record(in, kNow);
  // 2023-11-14T22:13:20Z is 17:13 in New York (EST, UTC-5): next 09:00 there is 14:00Z on the 15th.
  EXPECT_EQ(next_fire(record, kNow), 1'700'056'800'000);
}

TEST(SchedulerFire, AtFiresOnceAndCompletes) {
  Json record = schedule_record(input("at(2023-11-14T23:00:00)"), kNow);
  EXPECT_TRUE(is_one_time(record));
  EXPECT_EQ(next_fire(record, kNow - 1), 1'700'002'800'000);
  EXPECT_EQ(next_fire(record, 1'700'002'800'000), std::nullopt);
  EXPECT_TRUE(completed(record, kNow));
  EXPECT_FALSE(record.contains("_anchor_ms"));
}

}  // namespace
}  // namespace nimbus::scheduler
