// TZif reading, POSIX TZ footer rules, and the zone cache.
#include "services/events/schedule/time_zone.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include "services/events/schedule/civil_time.h"

namespace nimbus::events::schedule {
namespace {

// ---- POSIX TZ strings -------------------------------------------------------------------------

struct Cursor {
  std::string_view text;
  size_t at = 0;
  bool done() const { return at >= text.size(); }
  char peek() const { return done() ? '\0' : text[at]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++at;
    return true;
  }
};

bool parse_name(Cursor& in) {
  size_t start = in.at;
  if (in.eat('<')) {
    while (!in.done() && in.peek() != '>') ++in.at;
    return in.eat('>') && in.at - start >= 5;  // <...> holds at least three characters
  }
  while (std::isalpha(static_cast<unsigned char>(in.peek()))) ++in.at;
  return in.at - start >= 3;
}

std::optional<int> parse_number(Cursor& in, int max) {
  if (!std::isdigit(static_cast<unsigned char>(in.peek()))) return std::nullopt;
  int value = 0;
  while (std::isdigit(static_cast<unsigned char>(in.peek()))) {
    value = value * 10 + (in.text[in.at++] - '0');
    if (value > max) return std::nullopt;
  }
  return value;
}

// [+-]hh[:mm[:ss]], hours up to 167 (the RFC 8536 extension), as seconds.
std::optional<int32_t> parse_hms(Cursor& in) {
  int sign = in.eat('-') ? -1 : (in.eat('+'), 1);
  auto hours = parse_number(in, 167);
  if (!hours) return std::nullopt;
  int32_t seconds = *hours * 3600;
  for (int unit : {60, 1}) {
    if (!in.eat(':')) break;
    auto part = parse_number(in, 59);
    if (!part) return std::nullopt;
    seconds += *part * unit;
  }
  return sign * seconds;
}

std::optional<PosixRule::Date> parse_date(Cursor& in) {
  PosixRule::Date date;
  if (in.eat('M')) {
    auto month = parse_number(in, 12);
    if (!month || *month < 1 || !in.eat('.')) return std::nullopt;
    auto week = parse_number(in, 5);
    if (!week || *week < 1 || !in.eat('.')) return std::nullopt;
    auto weekday = parse_number(in, 6);
    if (!weekday) return std::nullopt;
    date.month = *month, date.week = *week, date.weekday = *weekday;
  } else {
    date.kind = in.eat('J') ? PosixRule::Date::Kind::Julian1 : PosixRule::Date::Kind::Julian0;
    auto day = parse_number(in, 365);
    if (!day || (date.kind == PosixRule::Date::Kind::Julian1 && *day < 1)) return std::nullopt;
    date.day = *day;
  }
  if (in.eat('/')) {
    auto time = parse_hms(in);
    if (!time) return std::nullopt;
    date.time = *time;
  }
  return date;
}

// Local seconds (since 1970 on the wall clock) at which `date` happens in `year`.
int64_t local_seconds_of(const PosixRule::Date& date, int year) {
  int64_t day = 0;
  switch (date.kind) {
    case PosixRule::Date::Kind::MonthWeekDay: {
      int64_t first = days_from_civil(year, date.month, 1);
      int64_t mday = 1 + (date.weekday - weekday_from_days(first) + 7) % 7 + (date.week - 1) * 7;
      while (mday > days_in_month(year, date.month)) mday -= 7;
      day = first + mday - 1;
      break;
    }
    case PosixRule::Date::Kind::Julian1:  // 1-365, February 29 never counted
      day = days_from_civil(year, 1, 1) + date.day - 1 + (is_leap_year(year) && date.day >= 60);
      break;
    case PosixRule::Date::Kind::Julian0:
      day = days_from_civil(year, 1, 1) + date.day;
      break;
  }
  return day * 86400 + date.time;
}

// Plain stdio: a directory name ("America") must read as nothing, where std::ifstream throws.
// Zone files are a few KB; anything past 1 MiB is not one.
std::optional<std::string> read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return std::nullopt;
  std::string bytes(1 << 20, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file.get()));
  return bytes;
}

// IANA names: letters, digits, `_`, `-`, `+`, `/` between parts; nothing that could leave the
// zoneinfo directory.
bool plausible_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 50 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+' || c == '/';
  });
}

int64_t read_be(std::string_view bytes, size_t at, int width) {
  uint64_t value = 0;
  for (int i = 0; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(value));
  return static_cast<int64_t>(value);
}

}  // namespace

std::optional<PosixRule> parse_posix_rule(std::string_view text) {
  Cursor in{text};
  PosixRule rule;
  if (!parse_name(in)) return std::nullopt;
  auto std_west = parse_hms(in);
  if (!std_west) return std::nullopt;
  rule.std_offset = -*std_west;
  if (in.done()) return rule;
  if (!parse_name(in)) return std::nullopt;
  rule.dst_offset = rule.std_offset + 3600;
  if (in.peek() != ',' && !in.done()) {
    auto dst_west = parse_hms(in);
    if (!dst_west) return std::nullopt;
    rule.dst_offset = -*dst_west;
  }
  if (!in.eat(',')) return std::nullopt;  // no rule: POSIX leaves it implementation-defined
  auto start = parse_date(in);
  if (!start || !in.eat(',')) return std::nullopt;
  auto end = parse_date(in);
  if (!end || !in.done()) return std::nullopt;
  rule.start = *start, rule.end = *end;
  return rule;
}

int32_t PosixRule::offset_at(int64_t utc_seconds) const {
  if (!dst_offset) return std_offset;
  int year = civil_from_days(floor_div(utc_seconds + std_offset, 86400)).year;
  // Daylight time begins at `start` in standard time and ends at `end` in daylight time.
  int64_t begins = local_seconds_of(start, year) - std_offset;
  int64_t ends = local_seconds_of(end, year) - *dst_offset;
  bool daylight = begins < ends ? (utc_seconds >= begins && utc_seconds < ends)  // northern
                                : !(utc_seconds >= ends && utc_seconds < begins);  // southern
  return daylight ? *dst_offset : std_offset;
}

std::shared_ptr<const TimeZone> TimeZone::from_tzif(std::string name, std::string_view bytes) {
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::move(name);
  // Header: "TZif", version, 15 reserved, then isutcnt isstdcnt leapcnt timecnt typecnt charcnt.
  auto header = [&](size_t at, int64_t counts[6]) {
    if (bytes.size() < at + 44 || bytes.substr(at, 4) != "TZif") return false;
    for (int i = 0; i < 6; ++i) counts[i] = read_be(bytes, at + 20 + 4 * i, 4);
    return std::all_of(counts, counts + 6, [](int64_t n) { return n >= 0 && n < 100000; });
  };
  int64_t counts[6];
  if (!header(0, counts)) return nullptr;
  int width = 4;
  size_t at = 44;
  auto block_size = [&](int w) {
    return counts[3] * w + counts[3] + counts[4] * 6 + counts[5] + counts[2] * (w + 4) + counts[1] + counts[0];
  };
  if (bytes[4] >= '2') {  // skip the 32-bit block; use the 64-bit one that follows
    at += block_size(4);
    if (!header(at, counts)) return nullptr;
    at += 44;
    width = 8;
  }
  if (counts[4] < 1 || bytes.size() < at + block_size(width)) return nullptr;
  size_t times = at, indices = times + counts[3] * width, types = indices + counts[3];
  auto type_offset = [&](int64_t type) { return static_cast<int32_t>(read_be(bytes, types + type * 6, 4)); };
  for (int64_t i = 0; i < counts[3]; ++i) {
    int64_t type = static_cast<unsigned char>(bytes[indices + i]);
    if (type >= counts[4]) return nullptr;
    int64_t when = read_be(bytes, times + i * width, width);
    if (!zone->transitions_.empty() && when <= zone->transitions_.back()) return nullptr;
    zone->transitions_.push_back(when);
    zone->offset_after_.push_back(type_offset(type));
  }
  zone->initial_offset_ = type_offset(0);
  if (width == 8) {
    size_t footer = at + block_size(8);
    if (footer < bytes.size() && bytes[footer] == '\n') {
      size_t end = bytes.find('\n', footer + 1);
      if (end != std::string_view::npos && end > footer + 1) {
        zone->rule_ = parse_posix_rule(bytes.substr(footer + 1, end - footer - 1));
      }
    }
  }
  return zone;
}

std::shared_ptr<const TimeZone> TimeZone::find(std::string_view name) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const TimeZone>> cache;
  if (!plausible_zone_name(name)) return nullptr;
  std::lock_guard lock(mutex);
  std::string key(name);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::shared_ptr<const TimeZone> zone;
  if (name == "UTC") {  // needs no file: the default, and hosts without tzdata still schedule
    auto utc = std::make_shared<TimeZone>();
    utc->name_ = key;
    zone = utc;
  } else {
    const char* dir = std::getenv("NIMBUS_ZONEINFO_DIR");
    auto bytes = read_file(std::string(dir ? dir : "/usr/share/zoneinfo") + "/" + key);
    if (bytes) zone = from_tzif(key, *bytes);
  }
  // Unknown names are not cached: the map would grow with every typo a client sends.
  if (zone) cache.emplace(key, zone);
  return zone;
}

int32_t TimeZone::offset_at(int64_t utc_seconds) const {
  if (transitions_.empty() || utc_seconds < transitions_.front()) {
    return transitions_.empty() && rule_ ? rule_->offset_at(utc_seconds) : initial_offset_;
  }
  if (utc_seconds >= transitions_.back() && rule_) return rule_->offset_at(utc_seconds);
  auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offset_after_[static_cast<size_t>(after - transitions_.begin()) - 1];
}

std::optional<int64_t> TimeZone::to_utc(int64_t local_seconds) const {
  // Offsets in force within two days either side; zones never change twice in that span today.
  std::optional<int64_t> best;
  for (int64_t probe : {local_seconds - 2 * 86400, local_seconds, local_seconds + 2 * 86400}) {
    int64_t candidate = local_seconds - offset_at(probe);
    if (offset_at(candidate) == local_seconds - candidate && (!best || candidate < *best)) best = candidate;
  }
  return best;
}

}  // namespace nimbus::events::schedule
