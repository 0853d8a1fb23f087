// libFuzzer target for schedule expressions: first line = the expression, the rest = a time zone
// name (also tried as a POSIX TZ rule). parse() may only throw ParseError; a next fire time is always strictly
// after the instant asked about, and following fire times only move forward.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/events/schedule/schedule.h"
#include "services/events/schedule/time_zone.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::events::schedule;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  std::string_view expression = text.substr(0, newline);
  std::string zone = newline == std::string_view::npos ? "UTC" : std::string(text.substr(newline + 1));
  parse_posix_rule(zone);
  if (!is_known_time_zone(zone)) zone = "America/New_York";
  Schedule schedule;
  try {
    schedule = parse(expression, Dialect::Scheduler);
  } catch (const ParseError&) {
    return 0;
  }
  int64_t after = static_cast<int64_t>(size) * 7'777'777'777LL % 4'000'000'000'000LL;  // up to 2096
  for (int i = 0; i < 4; ++i) {
    std::optional<int64_t> next = next_fire_ms(schedule, after, zone, 1'000'000);
    if (!next) break;
    if (*next <= after) std::abort();
    after = *next;
  }
  return 0;
}
