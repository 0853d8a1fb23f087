#pragma once
// Schedule expressions of EventBridge scheduled rules and EventBridge Scheduler, in layers:
// text -> parse() -> Schedule -> next_fire_ms() in a time zone.
//
// * rate(value unit): value >= 1; unit minute|hour|day when value is 1, minutes|hours|days otherwise.
// * cron(minutes hours day-of-month month day-of-week year), AWS's six fields:
//     minutes 0-59, hours 0-23, month 1-12 or JAN-DEC, year 1970-2199: `*`, `,`, `a-b`, `/step`
//     day-of-month 1-31: also `?`, `L` (last day), `LW` (last weekday), `nW` (weekday nearest n)
//     day-of-week 1-7 = SUN-SAT: also `?`, `L` (Saturday), `nL` (last n-day of the month),
//       `n#k` (k-th n-day of the month)
//   exactly one of day-of-month and day-of-week is `?`. Names are case-insensitive; ranges may wrap
//   (`FRI-MON`, `22-2`) except in years. L/W/# stand alone in their field.
// * at(yyyy-mm-ddThh:mm:ss): Scheduler only, one instant on the schedule's wall clock.

#include <bitset>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nimbus::events::schedule {

// Why an expression is not valid (for logs and tests; AWS answers with one fixed message).
struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// next_fire_ms() was given a zone name that is not an IANA zone on this system.
struct UnknownTimeZone : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct Rate {
  enum class Unit { Minutes, Hours, Days } unit = Unit::Minutes;
  int64_t value = 1;
  int64_t period_ms() const;
};

struct Cron {
  static constexpr int kFirstYear = 1970;
  static constexpr int kLastYear = 2199;

  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<13> months;  // 1-12
  std::bitset<kLastYear - kFirstYear + 1> years;

  // Day-of-month, when day-of-week is `?`.
  struct MonthDays {
    std::bitset<32> days;  // 1-31
    bool last = false;          // L
    bool last_weekday = false;  // LW
    int nearest_weekday = 0;    // nW: 1-31, 0 = unused
  };
  // Day-of-week, when day-of-month is `?`. Weekdays 1-7 = SUN-SAT.
  struct WeekDays {
    std::bitset<8> days;  // 1-7
    int last_of_month = 0;  // nL: 1-7, 0 = unused
    int nth_day = 0;        // n#k: n 1-7 (0 = unused), k 1-5
    int nth = 0;
  };
  std::optional<MonthDays> month_days;  // exactly one of the two is set
  std::optional<WeekDays> week_days;

  bool matches_day(int year, int month, int day) const;
};

// One wall-clock instant, seconds since 1970-01-01 00:00 in the schedule's time zone.
struct At {
  int64_t local_seconds = 0;
};

struct Schedule {
  enum class Kind { Rate, Cron, At } kind = Kind::Rate;
  Rate rate;
  Cron cron;
  At at;
};

// Who is asking: the two services accept different expressions and word the refusal differently.
enum class Dialect {
  Rule,       // EventBridge PutRule: rate and cron
  Scheduler,  // EventBridge Scheduler: rate, cron and at
};

// Throws ParseError with the reason.
Schedule parse(std::string_view expression, Dialect dialect);

// parse(), with AWS's answer for an invalid expression: a nimbus::AwsError ValidationException,
// "Parameter ScheduleExpression is not valid." (Rule) or "Invalid Schedule Expression <text>."
// (Scheduler).
Schedule parse_or_throw(std::string_view expression, Dialect dialect);

// True when `name` is an IANA zone name this host knows (Scheduler's ScheduleExpressionTimezone).
bool is_known_time_zone(std::string_view name);

// The first fire time strictly after `after_ms` (UTC milliseconds), or nullopt when none is left
// (past the year 2199, an `at` already past, a cron that can never match). Throws UnknownTimeZone.
// * rate: anchor_ms + k * period for k >= 0 (anchor defaults to the epoch), elapsed time, so a day
//   is always 24 hours whatever the zone; EventBridge rules anchor at creation, Scheduler at
//   StartDate. The zone plays no part.
// * cron and at: evaluated on the zone's wall clock. A time inside a spring-forward gap does not
//   exist and is skipped; a time repeated by a fall-back overlap fires once, at its first
//   occurrence (EventBridge Scheduler's documented behaviour). An `at` inside a gap fires when the
//   clock would have shown it without the change (just after the gap).
std::optional<int64_t> next_fire_ms(const Schedule& schedule, int64_t after_ms, const std::string& time_zone = "UTC",
                                    std::optional<int64_t> anchor_ms = std::nullopt);

}  // namespace nimbus::events::schedule
