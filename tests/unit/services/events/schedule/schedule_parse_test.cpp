// Schedule expression parsing: AWS's documented examples, recorded refusals, and every field rule.
#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/events/schedule/schedule.h"

namespace nimbus::events::schedule {
namespace {

bool valid(std::string_view text, Dialect dialect = Dialect::Rule) {
  try {
    parse(text, dialect);
    return true;
  } catch (const ParseError&) {
    return false;
  }
}

TEST(ScheduleParse, RateUnitsAndValues) {
  Schedule five = parse("rate(5 minutes)", Dialect::Rule);
  EXPECT_EQ(five.kind, Schedule::Kind::Rate);
  EXPECT_EQ(five.rate.period_ms(), 300'000);
  EXPECT_EQ(parse("rate(1 minute)", Dialect::Rule).rate.period_ms(), 60'000);
  EXPECT_EQ(parse("rate(1 hour)", Dialect::Rule).rate.period_ms(), 3'600'000);
  EXPECT_EQ(parse("rate(12 hours)", Dialect::Rule).rate.period_ms(), 43'200'000);
  EXPECT_EQ(parse("rate(1 day)", Dialect::Rule).rate.period_ms(), 86'400'000);
  EXPECT_EQ(parse("rate(7 days)", Dialect::Scheduler).rate.period_ms(), 7 * 86'400'000LL);
}

// The expressions LocalStack's AWS-validated tests see PutRule and CreateSchedule refuse.
TEST(ScheduleParse, RefusedRates) {
  for (const char* text : {"rate(10 seconds)", "rate(10 years)", "rate(1 minutes)", "rate(1 hours)", "rate(1 days)",
                           "rate(10 minute)", "rate(10 hour)", "rate(10 day)", "rate()", "rate(10)",
                           "rate(10 minutess)", "rate(foo minutes)", "rate(0 minutes)", "rate(-10 minutes)",
                           "rate(10 MINUTES)", "rate( 10 minutes )", " rate(10 minutes)", "rate(10  minutes)",
                           "rate(+5 minutes)", "rate(1.5 hours)", "rate(5 minutes", "RATE(5 minutes)",
                           "rate(9999999999 minutes)"}) {
    EXPECT_FALSE(valid(text)) << text;
    EXPECT_FALSE(valid(text, Dialect::Scheduler)) << text;
  }
}

// The examples of AWS's "Schedule expressions for rules" page.
TEST(ScheduleParse, DocumentedCronExamples) {
  for (const char* text : {"cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
                           "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
                           "cron(0/5 8-17 ? * MON-FRI *)", "cron(0/30 20-23 ? * MON-FRI *)",
                           "cron(0/30 0-2 ? * MON-FRI *)", "cron(0 2 ? * SAT *)", "cron(5,35 14 * * ? *)",
                           "cron(15 10 ? * 6L 2002-2005)", "cron(0 2 ? * SAT#3 *)", "cron(* * ? * SAT#3 *)",
                           "cron(0/5 5 ? JAN 1-5 2022)", "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)",
                           "cron(30-30 13-13 ? * 2,4,6 *)", "cron(1-31/30 1-1 ? * 1,7 *)", "cron(*/15 * * * ? *)",
                           "cron(0-59/10 0-23/2 ? * * *)", "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)",
                           "cron(0 0 15W * ? *)", "cron(0 0 ? * L *)", "cron(0 0 ? * fri-mon *)",
                           "cron(0 22-2 * * ? *)", "cron(0 0 1 jan,Jul ? 2199)"}) {
    EXPECT_TRUE(valid(text)) << text;
  }
}

TEST(ScheduleParse, RefusedCrons) {
  for (const char* text : {"cron(0 1 * * * *)", "cron(7 20 * * NOT *)", "cron(INVALID)", "cron(0 dummy ? * MON-FRI *)",
                           "cron(71 8 1 * ? *)", "cron()", "cron(0 1 ? * ? *)", "cron(0 24 * * ? *)",
                           "cron(0 0 0 * ? *)", "cron(0 0 32 * ? *)", "cron(0 0 * 13 ? *)", "cron(0 0 ? * 8 *)",
                           "cron(0 0 ? * 0 *)", "cron(0 0 * * ? 1969)", "cron(0 0 * * ? 2200)",
                           "cron(0 0 * * ? 2005-2002)", "cron(0 0 * * ?)", "cron(0 0 * * ? * *)",
                           "cron( 0 0 * * ? *)", "cron(0 0 * * ? * )", "cron(0/0 * * * ? *)", "cron(0/60 * * * ? *)",
                           "cron(*/ * * * ? *)", "cron(1,,2 * * * ? *)", "cron(-5 * * * ? *)", "cron(5- * * * ? *)",
                           "cron(0 0 ? * SAT#6 *)", "cron(0 0 ? * SAT#0 *)", "cron(0 0 ? * 9L *)",
                           "cron(0 0 32W * ? *)", "cron(0 0 L,1 * ? *)", "cron(0 0 ? * 1#2,3 *)",
                           "cron(0 0 ? JANUARY * *)", "cron(? 0 * * ? *)", "cron(L 0 * * ? *)", "cron(0 0 * * ?)x"}) {
    EXPECT_FALSE(valid(text)) << text;
  }
}

TEST(ScheduleParse, CronFieldsBecomeSets) {
  Cron cron = parse("cron(0/20 22-2 ? FEB-APR MON,WED-FRI 2020-2030/5)", Dialect::Rule).cron;
  EXPECT_EQ(cron.minutes.count(), 3u);
  EXPECT_TRUE(cron.minutes.test(40));
  EXPECT_EQ(cron.hours.count(), 5u);  // 22, 23, 0, 1, 2
  EXPECT_TRUE(cron.hours.test(0) && cron.hours.test(23) && !cron.hours.test(3));
  EXPECT_EQ(cron.months.count(), 3u);
  EXPECT_FALSE(cron.month_days);
  ASSERT_TRUE(cron.week_days);
  EXPECT_EQ(cron.week_days->days.count(), 4u);  // MON=2, WED=4, THU=5, FRI=6
  EXPECT_TRUE(cron.week_days->days.test(2) && cron.week_days->days.test(6) && !cron.week_days->days.test(3));
  EXPECT_EQ(cron.years.count(), 3u);  // 2020, 2025, 2030
  Cron nth = parse("cron(0 2 ? * SAT#3 *)", Dialect::Rule).cron;
  EXPECT_EQ(nth.week_days->nth_day, 7);
  EXPECT_EQ(nth.week_days->nth, 3);
  EXPECT_EQ(parse("cron(15 10 ? * 6L *)", Dialect::Rule).cron.week_days->last_of_month, 6);
  EXPECT_EQ(parse("cron(0 0 3W * ? *)", Dialect::Rule).cron.month_days->nearest_weekday, 3);
  EXPECT_EQ(parse("cron(5/15 * * * ? *)", Dialect::Rule).cron.minutes.count(), 4u);  // 5, 20, 35, 50
}

TEST(ScheduleParse, AtIsSchedulerOnly) {
  EXPECT_FALSE(valid("at(2022-11-20T13:00:00)", Dialect::Rule));
  Schedule at = parse("at(2022-11-20T13:00:00)", Dialect::Scheduler);
  EXPECT_EQ(at.kind, Schedule::Kind::At);
  EXPECT_EQ(at.at.local_seconds, 1668949200);
  EXPECT_TRUE(valid("at(2024-02-29T00:00:00)", Dialect::Scheduler));
  for (const char* text : {"at(2021-12-31T23:59:59Z)", "at(2021-12-31)", "at(2023-02-29T00:00:00)",
                           "at(2021-13-01T00:00:00)", "at(2021-12-31T24:00:00)", "at(2021-12-31T23:60:00)",
                           "at(2021-12-31 23:59:59)", "at(2021-12-31T23:59:59.000)", "at()"}) {
    EXPECT_FALSE(valid(text, Dialect::Scheduler)) << text;
  }
}

TEST(ScheduleParse, AwsErrorsPerDialect) {
  try {
    parse_or_throw("rate(10 seconds)", Dialect::Rule);
    FAIL();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.http_status, 400);
    EXPECT_EQ(error.code, "ValidationException");
    EXPECT_EQ(error.message, "Parameter ScheduleExpression is not valid.");
  }
  try {
    parse_or_throw(" rate(10 minutes)", Dialect::Scheduler);
    FAIL();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "ValidationException");
    EXPECT_EQ(error.message, "Invalid Schedule Expression  rate(10 minutes).");
  }
  EXPECT_EQ(parse_or_throw("cron(0 12 * * ? *)", Dialect::Scheduler).kind, Schedule::Kind::Cron);
}

}  // namespace
}  // namespace nimbus::events::schedule
