#pragma once

#include <string>
#include <string_view>

namespace nimbus::dynamodb::expr {

// A DynamoDB number: an exact decimal (never a double), value = (-1)^negative * digits *
// 10^exponent. Normalized: `digits` has no leading or trailing zeros; zero is empty digits, not
// negative.
class Number {
 public:
  Number() = default;

  // Parses and range-checks the N wire text ("1.50", "-1E2"); throws ExpressionError with
  // DynamoDB's bare text (overflow, underflow, 38 digits, not numeric).
  static Number parse(std::string_view text);

  // DynamoDB's normalized plain notation: "1.5", "100", "0", "-0.001".
  std::string to_string() const;

  bool is_zero() const { return digits_.empty(); }
  // Bytes DynamoDB counts for this number in an item's size.
  size_t storage_size() const;

  friend int compare(const Number& a, const Number& b);
  friend bool operator==(const Number& a, const Number& b) { return compare(a, b) == 0; }

  // Exact; the result is range-checked like a stored number (throws ExpressionError).
  Number plus(const Number& other) const;
  Number minus(const Number& other) const;

 private:
  // Position of the leading digit: the value is d.ddd * 10^magnitude().
  long magnitude() const { return static_cast<long>(digits_.size()) - 1 + exponent_; }
  void normalize();
  void check_range() const;

  bool negative_ = false;
  std::string digits_;
  long exponent_ = 0;
};

}  // namespace nimbus::dynamodb::expr
