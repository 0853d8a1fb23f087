#include "core/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace nimbus::text {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kWeekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Reads exactly `width` digits at `pos`.
std::optional<unsigned> digits(std::string_view text, size_t& pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  unsigned value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<double> seconds_of(int64_t year, unsigned month, unsigned day, unsigned hour,
                                 unsigned minute, unsigned second) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t days = days_from_civil(year, month, day);
  return static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second);
}

std::optional<double> parse_iso8601(std::string_view t) {
  size_t p = 0;
  auto year = digits(t, p, 4);
  if (!year || !expect(t, p, '-')) return std::nullopt;
  auto month = digits(t, p, 2);
  if (!month || !expect(t, p, '-')) return std::nullopt;
  auto day = digits(t, p, 2);
  if (!day || p >= t.size() || (t[p] != 'T' && t[p] != 't')) return std::nullopt;
  ++p;
  auto hour = digits(t, p, 2);
  if (!hour || !expect(t, p, ':')) return std::nullopt;
  auto minute = digits(t, p, 2);
  if (!minute || !expect(t, p, ':')) return std::nullopt;
  auto second = digits(t, p, 2);
  if (!second) return std::nullopt;
  double fraction = 0;
  if (p < t.size() && t[p] == '.') {
    ++p;
    double scale = 0.1;
    size_t start = p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') {
      fraction += (t[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
    if (p == start) return std::nullopt;
  }
  int offset = 0;
  if (p < t.size() && (t[p] == 'Z' || t[p] == 'z')) {
    ++p;
  } else if (p < t.size() && (t[p] == '+' || t[p] == '-')) {
    int sign = t[p] == '+' ? 1 : -1;
    ++p;
    auto oh = digits(t, p, 2);
    if (!oh) return std::nullopt;
    expect(t, p, ':');
    auto om = digits(t, p, 2);
    if (!om) return std::nullopt;
    offset = sign * static_cast<int>(*oh * 3600 + *om * 60);
  }
  if (p != t.size()) return std::nullopt;
  auto base = seconds_of(*year, *month, *day, *hour, *minute, *second);
  if (!base) return std::nullopt;
  return *base + fraction - offset;
}

std::optional<double> parse_http_date(std::string_view t) {
  size_t comma = t.find(", ");
  if (comma == std::string_view::npos) return std::nullopt;
  size_t p = comma + 2;
  auto day = digits(t, p, 2);
  if (!day || !expect(t, p, ' ') || p + 3 > t.size()) return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (t.substr(p, 3) == kMonths[i]) month = i + 1;
  }
  p += 3;
  if (month == 0 || !expect(t, p, ' ')) return std::nullopt;
  auto year = digits(t, p, 4);
  if (!year || !expect(t, p, ' ')) return std::nullopt;
  auto hour = digits(t, p, 2);
  if (!hour || !expect(t, p, ':')) return std::nullopt;
  auto minute = digits(t, p, 2);
  if (!minute || !expect(t, p, ':')) return std::nullopt;
  auto second = digits(t, p, 2);
  if (!second || t.substr(p) != " GMT") return std::nullopt;
  return seconds_of(*year, month, *day, *hour, *minute, *second);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<int64_t> parse_integer(std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto result = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_double(std::string_view text) {
  double value = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || result.ec != std::errc() || result.ptr != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> parse_boolean(std::string_view text) {
  auto is = [&](std::string_view word) {
    return text.size() == word.size() && std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (is("true")) return true;
  if (is("false")) return false;
  return std::nullopt;
}

std::optional<double> parse_timestamp(std::string_view text) {
  if (auto iso = parse_iso8601(text)) return iso;
  if (auto http_date = parse_http_date(text)) return http_date;
  return parse_double(text);
}

namespace {

// Appends `value` as exactly `width` decimal digits (zero-padded).
void append_digits(std::string& out, int64_t value, int width) {
  char digits[20];
  for (int i = width - 1; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(digits, static_cast<size_t>(width));
}

}  // namespace

// Formatted by hand: listings format a timestamp per entry, and snprintf showed in profiles.
std::string format_iso8601(double seconds) {
  double whole = std::floor(seconds);
  auto millis = static_cast<int>(std::lround((seconds - whole) * 1000));
  auto total = static_cast<int64_t>(whole);
  if (millis == 1000) {
    ++total;
    millis = 0;
  }
  int64_t days = total >= 0 ? total / 86400 : (total - 86399) / 86400;
  int64_t rest = total - days * 86400;
  Civil c = civil_from_days(days);
  std::string out;
  out.reserve(24);
  if (c.year < 0 || c.year > 9999) {
    out = std::to_string(c.year);  // outside what 4 digits hold: never for real timestamps
  } else {
    append_digits(out, c.year, 4);
  }
  out.push_back('-');
  append_digits(out, c.month, 2);
  out.push_back('-');
  append_digits(out, c.day, 2);
  out.push_back('T');
  append_digits(out, rest / 3600, 2);
  out.push_back(':');
  append_digits(out, rest / 60 % 60, 2);
  out.push_back(':');
  append_digits(out, rest % 60, 2);
  if (millis != 0) {
    out.push_back('.');
    append_digits(out, millis, 3);
  }
  out.push_back('Z');
  return out;
}

std::string format_http_date(double seconds) {
  auto total = static_cast<int64_t>(std::floor(seconds));
  int64_t days = total >= 0 ? total / 86400 : (total - 86399) / 86400;
  int64_t rest = total - days * 86400;
  Civil c = civil_from_days(days);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT",
                kWeekdays[((days % 7) + 7) % 7], c.day, kMonths[c.month - 1],
                static_cast<long long>(c.year), static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  return buffer;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::optional<Params> parse_form(std::string_view text) {
  Params params;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace nimbus::text
