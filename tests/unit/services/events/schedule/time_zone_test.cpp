// Time zones: POSIX footer rules, TZif reading, and wall-clock conversion around transitions.
#include <gtest/gtest.h>

#include "services/events/schedule/civil_time.h"
#include "services/events/schedule/time_zone.h"

namespace nimbus::events::schedule {
namespace {

int64_t utc_s(int year, int month, int day, int hour = 0, int minute = 0) {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60;
}

TEST(CivilTime, RoundTripsAndWeekdays) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(weekday_from_days(0), 4);  // a Thursday
  EXPECT_EQ(weekday_from_days(days_from_civil(2024, 1, 1)), 1);
  EXPECT_EQ(weekday_from_days(-1), 3);
  CivilDate date = civil_from_days(days_from_civil(2199, 12, 31));
  EXPECT_EQ(date.year, 2199);
  EXPECT_EQ(date.month, 12);
  EXPECT_EQ(date.day, 31);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(floor_div(-1, 60), -1);
}

TEST(PosixRule, Parses) {
  auto fixed = parse_posix_rule("<+0530>-5:30");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->std_offset, 19800);
  EXPECT_FALSE(fixed->dst_offset);
  auto us = parse_posix_rule("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us);
  EXPECT_EQ(us->std_offset, -18000);
  EXPECT_EQ(us->dst_offset, -14400);
  EXPECT_EQ(us->offset_at(utc_s(2300, 7, 1)), -14400);
  EXPECT_EQ(us->offset_at(utc_s(2300, 1, 1)), -18000);
  // Israel: Friday before the last Sunday of March, at 26:00 (an hour past midnight Saturday).
  EXPECT_TRUE(parse_posix_rule("IST-2IDT,M3.4.4/26,M10.5.0"));
  // Greenland: negative transition times.
  auto nuuk = parse_posix_rule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  ASSERT_TRUE(nuuk);
  EXPECT_EQ(nuuk->start.time, -3600);
  EXPECT_TRUE(parse_posix_rule("XXX3YYY,J60/2,300/2"));
  for (const char* bad : {"", "E5", "EST", "EST5EDT", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "EST5EDT,M3.6.0,M11.1.0",
                          "EST5EDT,M3.2.7,M11.1.0", "EST5EDT,J0,J5", "<+03", "EST5EDT,M3.2.0,M11.1.0x"}) {
    EXPECT_FALSE(parse_posix_rule(bad)) << bad;
  }
}

TEST(TimeZone, SouthernHemisphereRuleWrapsTheYear) {
  auto sydney = parse_posix_rule("AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(sydney);
  EXPECT_EQ(sydney->offset_at(utc_s(2250, 1, 15)), 39600);
  EXPECT_EQ(sydney->offset_at(utc_s(2250, 7, 15)), 36000);
}

TEST(TimeZone, ReadsSystemZones) {
  auto new_york = TimeZone::find("America/New_York");
  ASSERT_TRUE(new_york);
  EXPECT_EQ(new_york->offset_at(utc_s(2024, 1, 1)), -18000);
  EXPECT_EQ(new_york->offset_at(utc_s(2024, 7, 1)), -14400);
  EXPECT_EQ(new_york->offset_at(utc_s(2024, 3, 10, 6, 59)), -18000);
  EXPECT_EQ(new_york->offset_at(utc_s(2024, 3, 10, 7)), -14400);
  EXPECT_EQ(TimeZone::find("America/New_York"), new_york);  // cached
  auto utc = TimeZone::find("UTC");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->offset_at(utc_s(2024, 7, 1)), 0);
  EXPECT_EQ(utc->to_utc(12345), 12345);
}

TEST(TimeZone, WallClockToUtcAroundTransitions) {
  auto london = TimeZone::find("Europe/London");
  ASSERT_TRUE(london);
  int64_t local_0130_march = utc_s(2024, 3, 31, 1, 30);  // wall clock, in the gap
  EXPECT_EQ(london->to_utc(local_0130_march), std::nullopt);
  EXPECT_EQ(london->to_utc(utc_s(2024, 3, 31, 2, 30)), utc_s(2024, 3, 31, 1, 30));
  EXPECT_EQ(london->to_utc(utc_s(2024, 10, 27, 1, 30)), utc_s(2024, 10, 27, 0, 30));  // first of two
  EXPECT_EQ(london->to_utc(utc_s(2024, 12, 1, 12)), utc_s(2024, 12, 1, 12));
}

TEST(TimeZone, RejectsGarbage) {
  EXPECT_EQ(TimeZone::from_tzif("x", ""), nullptr);
  EXPECT_EQ(TimeZone::from_tzif("x", "TZif2 not really a zone file at all, sorry....."), nullptr);
}

}  // namespace
}  // namespace nimbus::events::schedule
