// When a schedule fires next: rate arithmetic, the cron search on a zone's wall clock, at().
#include "services/events/schedule/civil_time.h"
#include "services/events/schedule/schedule.h"
#include "services/events/schedule/time_zone.h"

namespace nimbus::events::schedule {
namespace {

constexpr int64_t kDay = 86400;

// The first set bit at or after `from`, or -1.
template <size_t N>
int next_bit(const std::bitset<N>& bits, int from) {
  for (int i = from; i < static_cast<int>(N); ++i) {
    if (bits.test(static_cast<size_t>(i))) return i;
  }
  return -1;
}

// The weekday (Mon-Fri) nearest to day `target` without leaving the month, as Quartz's `nW`.
int nearest_weekday(int year, int month, int target) {
  int last = days_in_month(year, month);
  if (target > last) return -1;  // 30W in February: no such day, no fire
  int weekday = weekday_from_days(days_from_civil(year, month, target));
  if (weekday == 6) return target == 1 ? 3 : target - 1;     // Saturday: Friday, or Monday the 3rd
  if (weekday == 0) return target == last ? target - 2 : target + 1;  // Sunday: Monday, or Friday
  return target;
}

// The first wall-clock minute at or after `local` (seconds) that the cron matches; nullopt past 2199.
std::optional<int64_t> next_match(const Cron& cron, int64_t local) {
  int64_t day = floor_div(local, kDay);
  int minute_of_day = static_cast<int>((local - day * kDay + 59) / 60);  // round up to a whole minute
  while (true) {
    if (minute_of_day >= 24 * 60) {
      ++day;
      minute_of_day = 0;
    }
    CivilDate date = civil_from_days(day);
    if (date.year > Cron::kLastYear) return std::nullopt;
    if (date.year < Cron::kFirstYear) {
      day = days_from_civil(Cron::kFirstYear, 1, 1);
      minute_of_day = 0;
      continue;
    }
    if (!cron.years.test(static_cast<size_t>(date.year - Cron::kFirstYear))) {
      int year = next_bit(cron.years, date.year - Cron::kFirstYear + 1);
      if (year < 0) return std::nullopt;
      day = days_from_civil(year + Cron::kFirstYear, 1, 1);
      minute_of_day = 0;
      continue;
    }
    if (!cron.months.test(static_cast<size_t>(date.month))) {
      day = date.month == 12 ? days_from_civil(date.year + 1, 1, 1) : days_from_civil(date.year, date.month + 1, 1);
      minute_of_day = 0;
      continue;
    }
    if (!cron.matches_day(date.year, date.month, date.day)) {
      ++day;
      minute_of_day = 0;
      continue;
    }
    int hour = next_bit(cron.hours, minute_of_day / 60);
    if (hour < 0) {
      minute_of_day = 24 * 60;
      continue;
    }
    int minute = next_bit(cron.minutes, hour == minute_of_day / 60 ? minute_of_day % 60 : 0);
    if (minute < 0) {
      minute_of_day = (hour + 1) * 60;
      continue;
    }
    return day * kDay + hour * 3600 + minute * 60;
  }
}

std::shared_ptr<const TimeZone> zone_named(const std::string& name) {
  auto zone = TimeZone::find(name);
  if (!zone) throw UnknownTimeZone("unknown time zone: " + name);
  return zone;
}

}  // namespace

bool Cron::matches_day(int year, int month, int day) const {
  int last = days_in_month(year, month);
  if (month_days) {
    const MonthDays& spec = *month_days;
    if (spec.last) return day == last;
    if (spec.last_weekday) return day == nearest_weekday(year, month, last);
    if (spec.nearest_weekday) return day == nearest_weekday(year, month, spec.nearest_weekday);
    return spec.days.test(static_cast<size_t>(day));
  }
  if (!week_days) return false;
  const WeekDays& spec = *week_days;
  int weekday = weekday_from_days(days_from_civil(year, month, day)) + 1;  // 1 = SUN
  if (spec.last_of_month) return weekday == spec.last_of_month && day + 7 > last;
  if (spec.nth_day) return weekday == spec.nth_day && (day - 1) / 7 + 1 == spec.nth;
  return spec.days.test(static_cast<size_t>(weekday));
}

bool is_known_time_zone(std::string_view name) { return TimeZone::find(name) != nullptr; }

std::optional<int64_t> next_fire_ms(const Schedule& schedule, int64_t after_ms, const std::string& time_zone,
                                    std::optional<int64_t> anchor_ms) {
  switch (schedule.kind) {
    case Schedule::Kind::Rate: {
      int64_t anchor = anchor_ms.value_or(0), period = schedule.rate.period_ms();
      if (after_ms < anchor) return anchor;
      return anchor + (floor_div(after_ms - anchor, period) + 1) * period;
    }
    case Schedule::Kind::At: {
      auto zone = zone_named(time_zone);
      int64_t local = schedule.at.local_seconds;
      // In a gap, the offset from before the change moves the instant just past the gap.
      int64_t utc = zone->to_utc(local).value_or(local - zone->offset_at(local - 2 * kDay));
      return utc * 1000 > after_ms ? std::optional<int64_t>(utc * 1000) : std::nullopt;
    }
    case Schedule::Kind::Cron:
      break;
  }
  auto zone = zone_named(time_zone);
  int64_t after_s = floor_div(after_ms, 1000);
  int64_t candidate = after_s + zone->offset_at(after_s) + 1;  // fire times are strictly after
  // Each pass skips one wall-clock minute that is in a gap or repeats an instant already past, so
  // a handful of passes suffice; the bound only guards against a zone file gone mad.
  for (int pass = 0; pass < 100000; ++pass) {
    std::optional<int64_t> local = next_match(schedule.cron, candidate);
    if (!local) return std::nullopt;
    std::optional<int64_t> utc = zone->to_utc(*local);
    if (utc && *utc * 1000 > after_ms) return *utc * 1000;
    candidate = *local + 60;
  }
  return std::nullopt;
}

}  // namespace nimbus::events::schedule
