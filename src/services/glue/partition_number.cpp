// Exact comparison of decimal numbers written as text.
#include "services/glue/partition_number.h"

#include <string>

namespace nimbus::glue::expr {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// A number as sign, significant digits and the power of ten of its first digit.
struct Decimal {
  bool negative = false;
  std::string digits;      // no leading or trailing zeros; empty = zero
  long long exponent = 0;  // value = 0.digits * 10^exponent
};

std::optional<Decimal> decode(std::string_view text) {
  Decimal out;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) out.negative = text[i++] == '-';
  std::string integer, fraction;
  while (i < text.size() && digit(text[i])) integer.push_back(text[i++]);
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && digit(text[i])) fraction.push_back(text[i++]);
  }
  if (integer.empty() && fraction.empty()) return std::nullopt;
  long long power = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    if (i == text.size()) return std::nullopt;
    while (i < text.size() && digit(text[i])) {
      if (power < 1'000'000) power = power * 10 + (text[i] - '0');
      ++i;
    }
    if (negative) power = -power;
  }
  if (i != text.size()) return std::nullopt;
  std::string all = integer + fraction;
  long long exponent = static_cast<long long>(integer.size()) + power;
  size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return out.negative = false, out;
  exponent -= static_cast<long long>(first);
  all.erase(0, first);
  all.erase(all.find_last_not_of('0') + 1);
  out.digits = std::move(all);
  out.exponent = exponent;
  return out;
}

int compare_magnitude(const Decimal& a, const Decimal& b) {
  if (a.digits.empty() || b.digits.empty())
    return a.digits.empty() ? (b.digits.empty() ? 0 : -1) : 1;
  if (a.exponent != b.exponent) return a.exponent < b.exponent ? -1 : 1;
  int c = a.digits.compare(b.digits);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

bool is_number(std::string_view text) { return decode(text).has_value(); }

std::optional<int> compare_numbers(std::string_view a, std::string_view b) {
  auto x = decode(a);
  auto y = decode(b);
  if (!x || !y) return std::nullopt;
  bool x_negative = x->negative && !x->digits.empty();
  bool y_negative = y->negative && !y->digits.empty();
  if (x_negative != y_negative) return x_negative ? -1 : 1;
  int magnitude = compare_magnitude(*x, *y);
  return x_negative ? -magnitude : magnitude;
}

}  // namespace nimbus::glue::expr
