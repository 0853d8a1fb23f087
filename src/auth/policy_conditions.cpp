#include "auth/policy_conditions.h"

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <ctime>
#include <stdexcept>
#include <utility>

#include "auth/access_policy.h"

namespace nimbus::auth {
namespace {

using Json = nlohmann::json;

struct OperatorName {
  std::string_view name;
  ConditionKind kind;
  bool negated;
};

constexpr OperatorName kOperators[] = {
    {"StringEquals", ConditionKind::kStringEquals, false},
    {"StringNotEquals", ConditionKind::kStringEquals, true},
    {"StringEqualsIgnoreCase", ConditionKind::kStringEqualsIgnoreCase, false},
    {"StringNotEqualsIgnoreCase", ConditionKind::kStringEqualsIgnoreCase, true},
    {"StringLike", ConditionKind::kStringLike, false},
    {"StringNotLike", ConditionKind::kStringLike, true},
    {"NumericEquals", ConditionKind::kNumericEquals, false},
    {"NumericNotEquals", ConditionKind::kNumericEquals, true},
    {"NumericLessThan", ConditionKind::kNumericLessThan, false},
    {"NumericLessThanEquals", ConditionKind::kNumericLessThanEquals, false},
    {"NumericGreaterThan", ConditionKind::kNumericGreaterThan, false},
    {"NumericGreaterThanEquals", ConditionKind::kNumericGreaterThanEquals, false},
    {"DateEquals", ConditionKind::kDateEquals, false},
    {"DateNotEquals", ConditionKind::kDateEquals, true},
    {"DateLessThan", ConditionKind::kDateLessThan, false},
    {"DateLessThanEquals", ConditionKind::kDateLessThanEquals, false},
    {"DateGreaterThan", ConditionKind::kDateGreaterThan, false},
    {"DateGreaterThanEquals", ConditionKind::kDateGreaterThanEquals, false},
    {"Bool", ConditionKind::kBool, false},
    {"BinaryEquals", ConditionKind::kBinaryEquals, false},
    {"IpAddress", ConditionKind::kIpAddress, false},
    {"NotIpAddress", ConditionKind::kIpAddress, true},
    {"ArnEquals", ConditionKind::kArnLike, false},
    {"ArnNotEquals", ConditionKind::kArnLike, true},
    {"ArnLike", ConditionKind::kArnLike, false},
    {"ArnNotLike", ConditionKind::kArnLike, true},
    {"Null", ConditionKind::kNull, false},
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string value_text(const Json& value, const std::string& operator_name) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return value.dump();
  throw std::invalid_argument("Invalid Condition value for " + operator_name);
}

std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Whether `address_text` lies in "10.0.0.0/8", "2001:db8::/32" or a bare address (/32, /128).
bool ip_in_network(std::string_view address_text, std::string_view network_text) {
  boost::system::error_code ec;
  auto slash = network_text.find('/');
  auto network = boost::asio::ip::make_address(std::string(network_text.substr(0, slash)), ec);
  if (ec) return false;
  auto address = boost::asio::ip::make_address(std::string(address_text), ec);
  if (ec) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped() && network.is_v4()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v4() != network.is_v4()) return false;
  std::vector<unsigned char> a, n;
  if (address.is_v4()) {
    auto ab = address.to_v4().to_bytes(), nb = network.to_v4().to_bytes();
    a.assign(ab.begin(), ab.end());
    n.assign(nb.begin(), nb.end());
  } else {
    auto ab = address.to_v6().to_bytes(), nb = network.to_v6().to_bytes();
    a.assign(ab.begin(), ab.end());
    n.assign(nb.begin(), nb.end());
  }
  int bits = static_cast<int>(a.size() * 8);
  if (slash != std::string_view::npos) {
    auto prefix = parse_number(network_text.substr(slash + 1));
    if (!prefix || *prefix < 0 || *prefix > bits) return false;
    bits = static_cast<int>(*prefix);
  }
  for (int i = 0; i < bits; ++i) {
    int mask = 0x80 >> (i % 8);
    if ((a[static_cast<size_t>(i / 8)] & mask) != (n[static_cast<size_t>(i / 8)] & mask)) return false;
  }
  return true;
}

// Whether one request value matches one policy value under the (non-negated) operator.
bool value_matches(ConditionKind kind, const std::string& actual, const std::string& expected) {
  switch (kind) {
    case ConditionKind::kStringEquals:
    case ConditionKind::kBinaryEquals:
      return actual == expected;
    case ConditionKind::kStringEqualsIgnoreCase:
      return lower(actual) == lower(expected);
    case ConditionKind::kStringLike:
    case ConditionKind::kArnLike:
      return wildcard_match(expected, actual);
    case ConditionKind::kBool:
      return lower(actual) == lower(expected);
    case ConditionKind::kIpAddress:
      return ip_in_network(actual, expected);
    case ConditionKind::kNull:
      return false;  // decided on presence, see condition_holds
    default:
      break;
  }
  bool dates = kind >= ConditionKind::kDateEquals && kind <= ConditionKind::kDateGreaterThanEquals;
  auto left = dates ? parse_policy_date(actual) : parse_number(actual);
  auto right = dates ? parse_policy_date(expected) : parse_number(expected);
  if (!left || !right) return false;
  switch (kind) {
    case ConditionKind::kNumericEquals:
    case ConditionKind::kDateEquals:
      return *left == *right;
    case ConditionKind::kNumericLessThan:
    case ConditionKind::kDateLessThan:
      return *left < *right;
    case ConditionKind::kNumericLessThanEquals:
    case ConditionKind::kDateLessThanEquals:
      return *left <= *right;
    case ConditionKind::kNumericGreaterThan:
    case ConditionKind::kDateGreaterThan:
      return *left > *right;
    default:
      return *left >= *right;
  }
}

// One request value against the test's policy values: OR over them, NOR when negated.
bool value_passes(const ConditionTest& test, const std::string& actual) {
  bool any = false;
  for (const auto& expected : test.values) any = any || value_matches(test.kind, actual, expected);
  return test.negated ? !any : any;
}

}  // namespace

std::vector<ConditionTest> parse_condition_block(const std::string& operator_name, const Json& keys) {
  ConditionTest base;
  base.operator_name = operator_name;
  std::string_view name = operator_name;
  if (name.starts_with("ForAnyValue:")) {
    base.qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(12);
  } else if (name.starts_with("ForAllValues:")) {
    base.qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(13);
  }
  if (name.ends_with("IfExists")) {
    base.if_exists = true;
    name.remove_suffix(8);
  }
  const OperatorName* known = nullptr;
  for (const auto& candidate : kOperators) {
    if (candidate.name == name) known = &candidate;
  }
  if (!known || (base.if_exists && known->kind == ConditionKind::kNull)) {
    throw std::invalid_argument("Invalid Condition type : " + operator_name);
  }
  base.kind = known->kind;
  base.negated = known->negated;
  if (!keys.is_object()) throw std::invalid_argument("Invalid Condition block for " + operator_name);

  std::vector<ConditionTest> tests;
  for (const auto& [key, values] : keys.items()) {
    ConditionTest test = base;
    test.key = lower(key);
    if (values.is_array()) {
      for (const auto& value : values) test.values.push_back(value_text(value, operator_name));
    } else {
      test.values.push_back(value_text(values, operator_name));
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

bool condition_holds(const ConditionTest& test, const ConditionContext& context) {
  auto found = context.find(test.key);
  bool present = found != context.end() && !found->second.empty();
  if (test.kind == ConditionKind::kNull) {
    // {"Null": {"key": "true"}}: the key is absent. OR over the values, as everywhere.
    for (const auto& expected : test.values) {
      if ((lower(expected) == "true") != present) return true;
    }
    return false;
  }
  if (!present) {
    if (test.if_exists || test.qualifier == SetQualifier::kForAllValues) return true;
    if (test.qualifier == SetQualifier::kForAnyValue) return false;
    return test.negated;
  }
  const auto& actual = found->second;
  if (test.qualifier == SetQualifier::kForAllValues) {
    for (const auto& value : actual) {
      if (!value_passes(test, value)) return false;
    }
    return true;
  }
  // A single-valued key, or ForAnyValue: one matching request value is enough.
  if (test.qualifier == SetQualifier::kForAnyValue || !test.negated) {
    for (const auto& value : actual) {
      if (value_passes(test, value)) return true;
    }
    return false;
  }
  // Negated without a qualifier: no request value may match any policy value.
  for (const auto& value : actual) {
    if (!value_passes(test, value)) return false;
  }
  return true;
}

std::optional<double> parse_policy_date(std::string_view text) {
  if (auto epoch = parse_number(text)) return epoch;
  // YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+hh:mm|-hh:mm]
  auto digits = [&](size_t pos, size_t count) -> std::optional<int> {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  size_t pos = 10;
  double fraction = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    auto hour = digits(pos + 1, 2), minute = digits(pos + 4, 2);
    if (!hour || !minute || text[pos + 3] != ':') return std::nullopt;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      auto second = digits(pos + 1, 2);
      if (!second) return std::nullopt;
      tm.tm_sec = *second;
      pos += 3;
    }
    if (pos < text.size() && text[pos] == '.') {
      size_t end = pos + 1;
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
      fraction = parse_number(std::string("0") + std::string(text.substr(pos, end - pos))).value_or(0);
      pos = end;
    }
  }
  double offset = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      auto hours = digits(pos + 1, 2), minutes = digits(pos + 4, 2);
      if (!hours || !minutes) return std::nullopt;
      offset = (*hours * 3600 + *minutes * 60) * (text[pos] == '+' ? 1 : -1);
      pos += 6;
    }
  }
  if (pos != text.size() || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  return static_cast<double>(timegm(&tm)) + fraction - offset;
}

}  // namespace nimbus::auth
