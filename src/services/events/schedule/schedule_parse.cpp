// Schedule expression parsing: rate(), cron() and at() into a Schedule.
#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "core/aws_error.h"
#include "services/events/schedule/civil_time.h"
#include "services/events/schedule/schedule.h"

namespace nimbus::events::schedule {
namespace {

[[noreturn]] void fail(const std::string& why) { throw ParseError(why); }

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

// One cron field's bounds and, for month and day-of-week, the names of its values.
struct FieldSpec {
  const char* name;
  int min, max;
  const std::string_view* names = nullptr;  // names[i] is value min + i
  size_t name_count = 0;
  bool wraps = true;  // `a-b` with a > b runs past max back to min (not for years)
};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view text, const FieldSpec& field) {
  if (all_digits(text) && text.size() <= 4) {
    int value = 0;
    for (char c : text) value = value * 10 + (c - '0');
    if (value < field.min || value > field.max) fail(std::string(field.name) + " value out of range");
    return value;
  }
  for (size_t i = 0; i < field.name_count; ++i) {
    if (text.size() == 3 && std::equal(text.begin(), text.end(), field.names[i].begin(),
                                       [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
      return field.min + static_cast<int>(i);
    }
  }
  fail(std::string("invalid ") + field.name + " value");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// `*`, `v`, `a-b`, each optionally `/step`, joined by commas; calls set(v) for each value.
template <typename Set>
void parse_list(std::string_view text, const FieldSpec& field, Set set) {
  for (std::string_view item : split(text, ',')) {
    int step = 1;
    bool stepped = false;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      stepped = true;
      std::string_view step_text = item.substr(slash + 1);
      if (!all_digits(step_text) || step_text.size() > 4) fail(std::string("invalid ") + field.name + " step");
      step = std::stoi(std::string(step_text));
      if (step < 1 || step > field.max) fail(std::string(field.name) + " step out of range");
      item = item.substr(0, slash);
    }
    int first = field.min, last = field.max;
    bool single = false;
    if (item != "*") {
      size_t dash = item.find('-');
      first = number(item.substr(0, dash), field);
      if (dash != std::string_view::npos) {
        last = number(item.substr(dash + 1), field);
      } else if (!stepped) {
        single = true;  // `a/step` runs from a to the end; a lone `a` is just a
      }
    }
    if (single) {
      set(first);
      continue;
    }
    int span = field.max - field.min + 1;
    int count = (last - first + span) % span;  // wrapped distance, for `FRI-MON`
    if (last < first && !field.wraps) fail(std::string(field.name) + " range runs backwards");
    for (int offset = 0; offset <= count; offset += step) set(field.min + (first - field.min + offset) % span);
  }
}

constexpr FieldSpec kMinutes{"minutes", 0, 59};
constexpr FieldSpec kHours{"hours", 0, 23};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames.data(), kMonthNames.size()};
constexpr FieldSpec kDayOfWeek{"day-of-week", 1, 7, kDayNames.data(), kDayNames.size()};
constexpr FieldSpec kYear{"year", Cron::kFirstYear, Cron::kLastYear, nullptr, 0, false};

Cron::MonthDays parse_month_days(std::string_view text) {
  Cron::MonthDays spec;
  if (text == "L") {
    spec.last = true;
  } else if (text == "LW") {
    spec.last_weekday = true;
  } else if (text.size() > 1 && text.back() == 'W') {
    spec.nearest_weekday = number(text.substr(0, text.size() - 1), kDayOfMonth);
  } else {
    parse_list(text, kDayOfMonth, [&](int day) { spec.days.set(static_cast<size_t>(day)); });
  }
  return spec;
}

Cron::WeekDays parse_week_days(std::string_view text) {
  Cron::WeekDays spec;
  if (size_t hash = text.find('#'); hash != std::string_view::npos) {
    spec.nth_day = number(text.substr(0, hash), kDayOfWeek);
    std::string_view nth = text.substr(hash + 1);
    if (nth.size() != 1 || nth[0] < '1' || nth[0] > '5') fail("day-of-week # must be 1-5");
    spec.nth = nth[0] - '0';
  } else if (text == "L") {
    spec.days.set(7);  // a lone L is the last day of the week
  } else if (text.size() > 1 && text.back() == 'L') {
    spec.last_of_month = number(text.substr(0, text.size() - 1), kDayOfWeek);
  } else {
    parse_list(text, kDayOfWeek, [&](int day) { spec.days.set(static_cast<size_t>(day)); });
  }
  return spec;
}

Cron parse_cron(std::string_view body) {
  std::vector<std::string_view> fields;
  for (std::string_view part : split(body, ' ')) {
    if (!part.empty()) fields.push_back(part);
  }
  if (body.empty() || body.front() == ' ' || body.back() == ' ') fail("cron fields must not be padded");
  if (fields.size() != 6) fail("cron needs six fields");
  Cron cron;
  parse_list(fields[0], kMinutes, [&](int v) { cron.minutes.set(static_cast<size_t>(v)); });
  parse_list(fields[1], kHours, [&](int v) { cron.hours.set(static_cast<size_t>(v)); });
  parse_list(fields[3], kMonth, [&](int v) { cron.months.set(static_cast<size_t>(v)); });
  parse_list(fields[5], kYear, [&](int v) { cron.years.set(static_cast<size_t>(v - Cron::kFirstYear)); });
  bool any_month_day = fields[2] == "?", any_week_day = fields[4] == "?";
  if (any_month_day == any_week_day) fail("exactly one of day-of-month and day-of-week must be ?");
  if (!any_month_day) cron.month_days = parse_month_days(fields[2]);
  if (!any_week_day) cron.week_days = parse_week_days(fields[4]);
  return cron;
}

Rate parse_rate(std::string_view body) {
  size_t space = body.find(' ');
  if (space == std::string_view::npos) fail("rate needs a value and a unit");
  std::string_view value_text = body.substr(0, space), unit = body.substr(space + 1);
  // Up to nine digits: a billion days still fits a millisecond period in 64 bits.
  if (!all_digits(value_text) || value_text.size() > 9) fail("rate value must be a positive whole number");
  Rate rate;
  rate.value = std::stoll(std::string(value_text));
  if (rate.value < 1) fail("rate value must be at least 1");
  bool one = rate.value == 1;
  if (unit == (one ? "minute" : "minutes")) {
    rate.unit = Rate::Unit::Minutes;
  } else if (unit == (one ? "hour" : "hours")) {
    rate.unit = Rate::Unit::Hours;
  } else if (unit == (one ? "day" : "days")) {
    rate.unit = Rate::Unit::Days;
  } else {
    fail("rate unit must be minute(s), hour(s) or day(s), singular only for 1");
  }
  return rate;
}

At parse_at(std::string_view body) {
  // yyyy-mm-ddThh:mm:ss, nothing more (no zone suffix, no fraction).
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (body.size() != kShape.size()) fail("at needs yyyy-mm-ddThh:mm:ss");
  for (size_t i = 0; i < kShape.size(); ++i) {
    bool ok = kShape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(body[i])) != 0 : body[i] == kShape[i];
    if (!ok) fail("at needs yyyy-mm-ddThh:mm:ss");
  }
  auto field = [&](size_t at, size_t width) { return std::stoi(std::string(body.substr(at, width))); };
  int year = field(0, 4), month = field(5, 2), day = field(8, 2);
  int hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    fail("at names no real date and time");
  }
  return {days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second};
}

}  // namespace

int64_t Rate::period_ms() const {
  constexpr int64_t kUnitMs[] = {60'000, 3'600'000, 86'400'000};
  return value * kUnitMs[static_cast<int>(unit)];
}

Schedule parse(std::string_view expression, Dialect dialect) {
  auto body_of = [&](std::string_view prefix) -> std::optional<std::string_view> {
    if (expression.size() < prefix.size() + 1 || expression.substr(0, prefix.size()) != prefix ||
        expression.back() != ')') {
      return std::nullopt;
    }
    return expression.substr(prefix.size(), expression.size() - prefix.size() - 1);
  };
  Schedule schedule;
  if (auto body = body_of("rate(")) {
    schedule.kind = Schedule::Kind::Rate;
    schedule.rate = parse_rate(*body);
  } else if (auto cron_body = body_of("cron(")) {
    schedule.kind = Schedule::Kind::Cron;
    schedule.cron = parse_cron(*cron_body);
  } else if (auto at_body = body_of("at("); at_body && dialect == Dialect::Scheduler) {
    schedule.kind = Schedule::Kind::At;
    schedule.at = parse_at(*at_body);
  } else {
    fail(dialect == Dialect::Scheduler ? "expected rate(), cron() or at()" : "expected rate() or cron()");
  }
  return schedule;
}

Schedule parse_or_throw(std::string_view expression, Dialect dialect) {
  try {
    return parse(expression, dialect);
  } catch (const ParseError&) {
    throw AwsError(400, "ValidationException",
                   dialect == Dialect::Rule ? std::string("Parameter ScheduleExpression is not valid.")
                                            : "Invalid Schedule Expression " + std::string(expression) + ".");
  }
}

}  // namespace nimbus::events::schedule
