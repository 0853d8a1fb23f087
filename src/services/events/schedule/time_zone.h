#pragma once
// IANA time zones read from the system's zoneinfo (package tzdata): a small TZif (RFC 8536) reader
// with the POSIX TZ footer rule for instants after the last stored transition. Immutable once
// loaded and cached by name, so any thread may use a zone (no setenv("TZ")/localtime).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::events::schedule {

// A POSIX TZ rule (`EST5EDT,M3.2.0,M11.1.0`): a standard offset and, optionally, a daylight
// offset between two yearly dates.
struct PosixRule {
  struct Date {
    enum class Kind { MonthWeekDay, Julian1, Julian0 } kind = Kind::MonthWeekDay;
    int month = 0, week = 0, weekday = 0;  // Mm.w.d
    int day = 0;                           // Jn (1-365, no Feb 29) or n (0-365)
    int32_t time = 7200;                   // seconds after local midnight, may be negative or > 24h
  };
  int32_t std_offset = 0;  // seconds east of UTC
  std::optional<int32_t> dst_offset;
  Date start, end;

  int32_t offset_at(int64_t utc_seconds) const;
};

// Parses the TZ string of a TZif footer; nullopt when malformed.
std::optional<PosixRule> parse_posix_rule(std::string_view text);

class TimeZone {
 public:
  // The zone named `name` ("UTC", "America/New_York"), or nullptr when there is no such zone.
  // Loaded once per name from /usr/share/zoneinfo (or $NIMBUS_ZONEINFO_DIR) and cached.
  static std::shared_ptr<const TimeZone> find(std::string_view name);
  // Parses TZif bytes; nullptr when they are not a usable TZif file.
  static std::shared_ptr<const TimeZone> from_tzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `utc_seconds`.
  int32_t offset_at(int64_t utc_seconds) const;
  // The earliest instant whose wall clock reads `local_seconds` (seconds since 1970-01-01 00:00 on
  // the wall clock): in a fall-back overlap, the first of the two; nullopt inside a spring-forward gap.
  std::optional<int64_t> to_utc(int64_t local_seconds) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;     // ascending UTC seconds
  std::vector<int32_t> offset_after_;    // offset from each transition on
  int32_t initial_offset_ = 0;           // before the first transition
  std::optional<PosixRule> rule_;        // after the last transition
};

}  // namespace nimbus::events::schedule
