// Next fire times: rate anchoring, cron day rules, leap years, year bounds, DST gaps and overlaps.
#include <gtest/gtest.h>

#include "services/events/schedule/civil_time.h"
#include "services/events/schedule/schedule.h"

namespace nimbus::events::schedule {
namespace {

int64_t utc_ms(int year, int month, int day, int hour = 0, int minute = 0) {
  return (days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60) * 1000;
}

std::optional<int64_t> next(std::string_view expression, int64_t after, const std::string& zone = "UTC") {
  return next_fire_ms(parse(expression, Dialect::Scheduler), after, zone);
}

TEST(NextFire, RateCountsPeriodsFromTheAnchor) {
  Schedule five = parse("rate(5 minutes)", Dialect::Rule);
  int64_t created = utc_ms(2024, 1, 1, 10, 0) + 12'345;
  EXPECT_EQ(next_fire_ms(five, created, "UTC", created), created + 300'000);  // creation + n x period
  EXPECT_EQ(next_fire_ms(five, created - 1, "UTC", created), created);        // Scheduler's StartDate fires
  EXPECT_EQ(next_fire_ms(five, created + 300'000, "UTC", created), created + 600'000);
  EXPECT_EQ(next_fire_ms(five, created + 299'999, "UTC", created), created + 300'000);
  EXPECT_EQ(next_fire_ms(five, utc_ms(2024, 1, 1, 10, 2)), utc_ms(2024, 1, 1, 10, 5));  // epoch anchor
}

TEST(NextFire, RateDaysAreTwentyFourHoursAcrossDst) {
  Schedule day = parse("rate(1 day)", Dialect::Scheduler);
  int64_t start = utc_ms(2024, 3, 9, 17, 0);  // noon EST
  EXPECT_EQ(next_fire_ms(day, start, "America/New_York", start), start + 86'400'000);  // 1 pm EDT
}

TEST(NextFire, CronIsStrictlyAfter) {
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2024, 1, 1)), utc_ms(2024, 1, 1, 10));
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2024, 1, 1, 10)), utc_ms(2024, 1, 2, 10));
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2024, 1, 1, 10) - 1), utc_ms(2024, 1, 1, 10));
  EXPECT_EQ(next("cron(* * * * ? *)", utc_ms(2024, 1, 1, 10) + 500), utc_ms(2024, 1, 1, 10, 1));
  EXPECT_EQ(next("cron(0/15 * * * ? *)", utc_ms(2024, 1, 1, 10, 50)), utc_ms(2024, 1, 1, 11, 0));
  EXPECT_EQ(next("cron(0 22-2 * * ? *)", utc_ms(2024, 1, 1, 2, 30)), utc_ms(2024, 1, 1, 22));
  EXPECT_EQ(next("cron(0 22-2 * * ? *)", utc_ms(2024, 1, 1, 23, 30)), utc_ms(2024, 1, 2, 0));
}

TEST(NextFire, DayOfWeekRules) {
  // 2024-01-01 is a Monday.
  EXPECT_EQ(next("cron(0 18 ? * MON-FRI *)", utc_ms(2024, 1, 5, 19)), utc_ms(2024, 1, 8, 18));
  EXPECT_EQ(next("cron(0 2 ? * SAT#3 *)", utc_ms(2024, 1, 1)), utc_ms(2024, 1, 20, 2));
  EXPECT_EQ(next("cron(15 10 ? * 6L *)", utc_ms(2024, 11, 1)), utc_ms(2024, 11, 29, 10, 15));
  EXPECT_EQ(next("cron(0 0 ? * L *)", utc_ms(2024, 1, 1)), utc_ms(2024, 1, 6));  // lone L: Saturday
  EXPECT_EQ(next("cron(0 0 ? * 1 *)", utc_ms(2024, 1, 1)), utc_ms(2024, 1, 7));  // 1 = SUN
  EXPECT_EQ(next("cron(0 0 ? * FRI-MON *)", utc_ms(2024, 1, 2)), utc_ms(2024, 1, 5));
}

TEST(NextFire, DayOfMonthRules) {
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc_ms(2024, 2, 1)), utc_ms(2024, 2, 29));
  EXPECT_EQ(next("cron(0 0 L * ? *)", utc_ms(2023, 2, 1)), utc_ms(2023, 2, 28));
  EXPECT_EQ(next("cron(0 0 LW * ? *)", utc_ms(2024, 8, 1)), utc_ms(2024, 8, 30));  // 31st is a Saturday
  EXPECT_EQ(next("cron(0 0 1W * ? *)", utc_ms(2024, 5, 31)), utc_ms(2024, 6, 3));   // 1st is a Saturday
  EXPECT_EQ(next("cron(0 0 15W * ? *)", utc_ms(2024, 9, 1)), utc_ms(2024, 9, 16));  // 15th is a Sunday
  EXPECT_EQ(next("cron(0 0 31W * ? *)", utc_ms(2024, 3, 1)), utc_ms(2024, 3, 29));  // 31st Sunday, last day
  EXPECT_EQ(next("cron(0 0 31W * ? *)", utc_ms(2024, 4, 1)), utc_ms(2024, 5, 31));  // April has no 31st
  EXPECT_EQ(next("cron(0 8 1 * ? *)", utc_ms(2024, 1, 1, 9)), utc_ms(2024, 2, 1, 8));
}

TEST(NextFire, LeapYearsAndImpossibleDates) {
  EXPECT_EQ(next("cron(0 0 29 2 ? *)", utc_ms(2024, 3, 1)), utc_ms(2028, 2, 29));
  EXPECT_EQ(next("cron(0 0 29 2 ? *)", utc_ms(2099, 3, 1)), utc_ms(2104, 2, 29));  // 2100 is not a leap year
  EXPECT_EQ(next("cron(0 0 30 2 ? *)", utc_ms(2024, 1, 1)), std::nullopt);
}

TEST(NextFire, YearBounds) {
  EXPECT_EQ(next("cron(0 0 1 1 ? 2199)", utc_ms(2198, 6, 1)), utc_ms(2199, 1, 1));
  EXPECT_EQ(next("cron(0 0 1 1 ? 2199)", utc_ms(2199, 1, 1)), std::nullopt);
  EXPECT_EQ(next("cron(59 23 31 12 ? *)", utc_ms(2199, 12, 31, 23, 59)), std::nullopt);
  EXPECT_EQ(next("cron(15 10 ? * 6L 2002-2005)", utc_ms(2024, 1, 1)), std::nullopt);
  EXPECT_EQ(next("cron(15 10 ? * 6L 2002-2005)", utc_ms(2005, 12, 1)), utc_ms(2005, 12, 30, 10, 15));
  EXPECT_EQ(next("cron(0 0 1 1 ? *)", utc_ms(1960, 6, 1)), utc_ms(1970, 1, 1));
  EXPECT_EQ(next("cron(0 0 * * ? 2030/10)", utc_ms(2031, 1, 1)), utc_ms(2040, 1, 1));
}

TEST(NextFire, CronInAZone) {
  // 10:00 in New York is 15:00 UTC in winter and 14:00 UTC in summer.
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2024, 1, 15), "America/New_York"), utc_ms(2024, 1, 15, 15));
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2024, 7, 15), "America/New_York"), utc_ms(2024, 7, 15, 14));
  EXPECT_EQ(next("cron(0 9 * * ? *)", utc_ms(2024, 7, 15), "Asia/Kolkata"), utc_ms(2024, 7, 15, 3, 30));
  EXPECT_EQ(next("cron(0 9 * * ? *)", utc_ms(2024, 7, 15), "Australia/Sydney"), utc_ms(2024, 7, 15, 23));
  EXPECT_EQ(next("cron(0 9 * * ? *)", utc_ms(2024, 1, 15), "Australia/Sydney"), utc_ms(2024, 1, 15, 22));
  // Far past the zone file's stored transitions (its POSIX footer rule takes over).
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2150, 7, 15), "America/New_York"), utc_ms(2150, 7, 15, 14));
  EXPECT_EQ(next("cron(0 10 * * ? *)", utc_ms(2150, 12, 15), "America/New_York"), utc_ms(2150, 12, 15, 15));
}

TEST(NextFire, SpringForwardGapIsSkipped) {
  // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist that day.
  EXPECT_EQ(next("cron(30 2 * * ? *)", utc_ms(2024, 3, 9, 12), "America/New_York"), utc_ms(2024, 3, 11, 6, 30));
  EXPECT_EQ(next("cron(0 * * * ? *)", utc_ms(2024, 3, 10, 6, 30), "America/New_York"), utc_ms(2024, 3, 10, 7));
  // London, 2024-03-31: 01:00 GMT jumps to 02:00 BST.
  EXPECT_EQ(next("cron(30 1 * * ? *)", utc_ms(2024, 3, 30, 12), "Europe/London"), utc_ms(2024, 4, 1, 0, 30));
}

TEST(NextFire, FallBackOverlapFiresOnce) {
  // New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
  int64_t first = utc_ms(2024, 11, 3, 5, 30);  // 01:30 EDT
  EXPECT_EQ(next("cron(30 1 * * ? *)", utc_ms(2024, 11, 2, 12), "America/New_York"), first);
  EXPECT_EQ(next("cron(30 1 * * ? *)", first, "America/New_York"), utc_ms(2024, 11, 4, 6, 30));
  // Hourly: 01:00 EDT fires, the repeated 01:00 EST does not, 02:00 EST does.
  EXPECT_EQ(next("cron(0 * * * ? *)", utc_ms(2024, 11, 3, 5), "America/New_York"), utc_ms(2024, 11, 3, 7));
  EXPECT_EQ(next("cron(0/30 * * * ? *)", utc_ms(2024, 11, 3, 5, 30), "America/New_York"), utc_ms(2024, 11, 3, 7));
  // London, 2024-10-27: 02:00 BST falls back to 01:00 GMT.
  EXPECT_EQ(next("cron(30 1 * * ? *)", utc_ms(2024, 10, 26, 12), "Europe/London"), utc_ms(2024, 10, 27, 0, 30));
  EXPECT_EQ(next("cron(30 1 * * ? *)", utc_ms(2024, 10, 27, 0, 30), "Europe/London"), utc_ms(2024, 10, 28, 1, 30));
}

TEST(NextFire, AtFiresOnceOnTheWallClock) {
  Schedule at = parse("at(2024-07-04T09:00:00)", Dialect::Scheduler);
  EXPECT_EQ(next_fire_ms(at, utc_ms(2024, 1, 1)), utc_ms(2024, 7, 4, 9));
  EXPECT_EQ(next_fire_ms(at, utc_ms(2024, 1, 1), "America/New_York"), utc_ms(2024, 7, 4, 13));
  EXPECT_EQ(next_fire_ms(at, utc_ms(2024, 7, 4, 9)), std::nullopt);
  // Inside the spring-forward gap: as if the clock had not moved (02:30 EST = 03:30 EDT).
  EXPECT_EQ(next("at(2024-03-10T02:30:00)", utc_ms(2024, 1, 1), "America/New_York"), utc_ms(2024, 3, 10, 7, 30));
  // In the overlap: the first 01:30.
  EXPECT_EQ(next("at(2024-11-03T01:30:00)", utc_ms(2024, 1, 1), "America/New_York"), utc_ms(2024, 11, 3, 5, 30));
}

TEST(NextFire, UnknownZones) {
  EXPECT_TRUE(is_known_time_zone("UTC"));
  EXPECT_TRUE(is_known_time_zone("America/New_York"));
  EXPECT_TRUE(is_known_time_zone("Etc/GMT+5"));
  for (const char* name : {"Mars/Olympus", "America", "", "../../etc/passwd", "/etc/passwd", "America/", "America//New_York"}) {
    EXPECT_FALSE(is_known_time_zone(name)) << name;
  }
  EXPECT_THROW(next("cron(0 10 * * ? *)", 0, "Mars/Olympus"), UnknownTimeZone);
  EXPECT_EQ(next_fire_ms(parse("rate(1 hour)", Dialect::Rule), 0, "Mars/Olympus", 0), 3'600'000);  // zone unused
}

}  // namespace
}  // namespace nimbus::events::schedule
