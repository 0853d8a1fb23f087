#include "services/dynamodb/expr/number.h"

#include <algorithm>

#include "services/dynamodb/expr/expression_error.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr long kMaxMagnitude = 125;   // 9.9999999999999999999999999999999999999E+125
constexpr long kMinMagnitude = -130;  // 1E-130
constexpr size_t kMaxDigits = 38;
// Exponents are clamped while parsing so that 1E999999999999 cannot overflow a long; anything
// past the clamp is out of range anyway.
constexpr long kExponentClamp = 1'000'000'000;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

[[noreturn]] void not_numeric(std::string_view text) {
  if (text.empty()) throw ExpressionError{"The parameter cannot be converted to a numeric value"};
  throw ExpressionError{"The parameter cannot be converted to a numeric value: " +
                        std::string(text)};
}

// |a| + |b| for digit strings of equal length (most significant first).
std::string add_digits(const std::string& a, const std::string& b) {
  std::string out(a.size() + 1, '0');
  int carry = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int sum = (a[i] - '0') + (b[i] - '0') + carry;
    out[i + 1] = static_cast<char>('0' + sum % 10);
    carry = sum / 10;
  }
  out[0] = static_cast<char>('0' + carry);
  return out;
}

// |a| - |b| for digit strings of equal length with a >= b.
std::string subtract_digits(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = a.size(); i-- > 0;) {
    int diff = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = diff < 0 ? 1 : 0;
    out[i] = static_cast<char>('0' + (diff + 10) % 10);
  }
  return out;
}

int compare_magnitudes(const std::string& a, long a_mag, const std::string& b, long b_mag) {
  if (a_mag != b_mag) return a_mag < b_mag ? -1 : 1;
  // Same leading position: the digit strings compare lexicographically, a longer one (whose extra
  // digits are non-zero) being larger.
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

Number Number::parse(std::string_view text) {
  Number n;
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) n.negative_ = text[i++] == '-';
  bool any_digit = false, point = false;
  long fraction_digits = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (is_digit(c)) {
      any_digit = true;
      n.digits_ += c;
      if (point) ++fraction_digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any_digit) not_numeric(text);
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
    if (i == text.size()) not_numeric(text);
    for (; i < text.size() && is_digit(text[i]); ++i) {
      exponent = std::min(kExponentClamp, exponent * 10 + (text[i] - '0'));
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) not_numeric(text);
  n.exponent_ = exponent - fraction_digits;
  n.normalize();
  n.check_range();
  return n;
}

void Number::normalize() {
  size_t first = digits_.find_first_not_of('0');
  if (first == std::string::npos) {
    digits_.clear();
    negative_ = false;
    exponent_ = 0;
    return;
  }
  digits_.erase(0, first);
  size_t last = digits_.find_last_not_of('0');
  exponent_ += static_cast<long>(digits_.size() - 1 - last);
  digits_.resize(last + 1);
}

void Number::check_range() const {
  if (is_zero()) return;
  if (magnitude() > kMaxMagnitude) {
    throw ExpressionError{
        "Number overflow. Attempting to store a number with magnitude larger than supported range"};
  }
  if (magnitude() < kMinMagnitude) {
    throw ExpressionError{
        "Number underflow. Attempting to store a number with magnitude smaller than supported "
        "range"};
  }
  if (digits_.size() > kMaxDigits) {
    throw ExpressionError{"Attempting to store more than 38 significant digits in a Number"};
  }
}

std::string Number::to_string() const {
  if (is_zero()) return "0";
  std::string out = negative_ ? "-" : "";
  if (exponent_ >= 0) return out + digits_ + std::string(static_cast<size_t>(exponent_), '0');
  long point = static_cast<long>(digits_.size()) + exponent_;
  if (point > 0)
    return out + digits_.substr(0, static_cast<size_t>(point)) + "." +
           digits_.substr(static_cast<size_t>(point));
  return out + "0." + std::string(static_cast<size_t>(-point), '0') + digits_;
}

size_t Number::storage_size() const {
  if (is_zero()) return 1;
  // DynamoDB stores digit pairs aligned on even powers of ten, plus a byte for the exponent and
  // one more for a negative number's terminator (measured against DynamoDB by dynalite; the
  // developer guide only says "approximately 1 byte per two significant digits, plus 1").
  size_t n = digits_.size();
  bool straddles = n % 2 == 0 && magnitude() % 2 == 0;
  return 1 + (n + 1) / 2 + (straddles ? 1 : 0) + (negative_ ? 1 : 0);
}

int compare(const Number& a, const Number& b) {
  if (a.is_zero() || b.is_zero()) {
    int sa = a.is_zero() ? 0 : a.negative_ ? -1 : 1;
    int sb = b.is_zero() ? 0 : b.negative_ ? -1 : 1;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  if (a.negative_ != b.negative_) return a.negative_ ? -1 : 1;
  int c = compare_magnitudes(a.digits_, a.magnitude(), b.digits_, b.magnitude());
  return a.negative_ ? -c : c;
}

Number Number::plus(const Number& other) const {
  if (other.is_zero()) return *this;
  if (is_zero()) return other;
  // Align both on the smaller exponent; stored numbers keep the strings within a few hundred
  // digits.
  long exponent = std::min(exponent_, other.exponent_);
  std::string a = digits_ + std::string(static_cast<size_t>(exponent_ - exponent), '0');
  std::string b = other.digits_ + std::string(static_cast<size_t>(other.exponent_ - exponent), '0');
  size_t width = std::max(a.size(), b.size());
  a.insert(0, width - a.size(), '0');
  b.insert(0, width - b.size(), '0');
  Number result;
  result.exponent_ = exponent;
  if (negative_ == other.negative_) {
    result.digits_ = add_digits(a, b);
    result.negative_ = negative_;
  } else if (a >= b) {
    result.digits_ = subtract_digits(a, b);
    result.negative_ = negative_;
  } else {
    result.digits_ = subtract_digits(b, a);
    result.negative_ = other.negative_;
  }
  result.normalize();
  result.check_range();
  return result;
}

Number Number::minus(const Number& other) const {
  Number negated = other;
  if (!negated.is_zero()) negated.negative_ = !negated.negative_;
  return plus(negated);
}

}  // namespace nimbus::dynamodb::expr
