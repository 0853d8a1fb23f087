#include "auth/amz_date.h"

#include <array>
#include <ctime>

namespace nimbus::auth {
namespace {

std::optional<int> digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<int64_t> to_epoch(int y, int mo, int d, int h, int mi, int s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm));
}

std::string format(int64_t epoch_seconds, const char* pattern) {
  const auto time = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char out[32];
  return {out, std::strftime(out, sizeof out, pattern, &tm)};
}

}  // namespace

std::optional<int64_t> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto y = digits(text, 0, 4), mo = digits(text, 4, 2), d = digits(text, 6, 2);
  auto h = digits(text, 9, 2), mi = digits(text, 11, 2), s = digits(text, 13, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  return to_epoch(*y, *mo, *d, *h, *mi, *s);
}

std::optional<int64_t> parse_http_date(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT" ||
      text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  auto d = digits(text, 5, 2), y = digits(text, 12, 4);
  auto h = digits(text, 17, 2), mi = digits(text, 20, 2), s = digits(text, 23, 2);
  if (month == 0 || !d || !y || !h || !mi || !s) return std::nullopt;
  return to_epoch(*y, month, *d, *h, *mi, *s);
}

std::string format_amz_date(int64_t epoch_seconds) {
  return format(epoch_seconds, "%Y%m%dT%H%M%SZ");
}

std::string format_iso8601(int64_t epoch_seconds) {
  return format(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace nimbus::auth
