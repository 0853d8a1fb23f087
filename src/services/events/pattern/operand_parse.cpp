// Numeric ranges, CIDR blocks and wildcards: the operands with a grammar of their own.
#include "services/events/pattern/operand_parse.h"

#include <cctype>

#include "services/events/pattern/pattern_errors.h"

namespace nimbus::events::pattern {
namespace {

using Ordered = nlohmann::ordered_json;

// What Jackson's getText() shows for a token, for the reasons that quote it.
std::string token_text(const Ordered& array, size_t index) {
  if (index >= array.size()) return "]";
  const Ordered& item = array[index];
  if (item.is_string()) return item.get<std::string>();
  if (item.is_object()) return "{";
  if (item.is_array()) return "[";
  return item.dump();
}

const std::string& operator_at(const Ordered& array, size_t index, std::string (*reason)(std::string_view)) {
  if (index >= array.size() || !array[index].is_string()) errors::invalid(reason(token_text(array, index)));
  return array[index].get_ref<const std::string&>();
}

double operand_at(const Ordered& array, size_t index, const std::string& op) {
  if (index >= array.size() || !array[index].is_number()) errors::invalid(errors::not_numeric(op));
  return array[index].get<double>();
}

int64_t bound(double value) {
  if (!numeric_in_range(value)) errors::invalid(errors::kNumericRange);
  return numeric_key(value);
}

// Java's Integer.parseInt: an optional sign and decimal digits that fit an int.
bool parse_int(std::string_view text, long& out) {
  size_t i = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (i == text.size() || text.size() - i > 10) return false;
  long value = 0;
  for (; i < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    value = value * 10 + (text[i] - '0');
  }
  if (value > 2147483647L) return false;
  out = text[0] == '-' ? -value : value;
  return true;
}

// event-ruler first checks the shape (its IPv4/IPv6 regexes) and only then the address itself.
bool ip_shaped(std::string_view text) {
  int dots = 0;
  bool v4 = !text.empty();
  bool digit_run = false;
  for (char c : text) {
    if (c == '.') {
      v4 = v4 && digit_run;
      digit_run = false;
      ++dots;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digit_run = true;
    } else {
      v4 = false;
    }
  }
  if (v4 && dots == 3 && digit_run) return true;
  bool colon = false;
  for (char c : text) {
    if (c == ':') {
      colon = true;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return colon;
}

}  // namespace

Matcher numeric(const Ordered& array) {
  Matcher m;
  m.kind = Matcher::Kind::Numeric;
  const std::string& op = operator_at(array, 0, errors::numeric_member);
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
    errors::invalid(errors::numeric_operator(op));
  }
  double first = operand_at(array, 1, op);
  if (op == "=" || op == "<" || op == "<=") {
    if (array.size() > 2) errors::invalid(errors::kTooManyNumeric);
    m.high = bound(first);
    m.high_open = op == "<";
    if (op == "=") m.low = m.high;
    return m;
  }
  m.low = bound(first);
  m.low_open = op == ">";
  if (array.size() == 2) return m;
  const std::string& top_op = operator_at(array, 2, errors::range_value);
  if (top_op != "<" && top_op != "<=") errors::invalid(errors::range_operator(top_op));
  double top = operand_at(array, 3, top_op);
  if (array.size() > 4) errors::invalid(errors::kTooManyRange);
  m.high = bound(top);
  m.high_open = top_op == "<";
  if (m.low >= m.high) errors::invalid(errors::kBottomTop);
  return m;
}

Matcher cidr(const std::string& text) {
  // Java's split("/") drops trailing empty pieces, so "10.0.0.0/" has one piece.
  std::string_view whole = text;
  while (!whole.empty() && whole.back() == '/') whole.remove_suffix(1);
  size_t slash = whole.find('/');
  if (slash == std::string_view::npos || whole.find('/', slash + 1) != std::string_view::npos) {
    errors::invalid(errors::kCidrSlash);
  }
  std::string_view ip = whole.substr(0, slash);
  long bits = 0;
  if (!parse_int(whole.substr(slash + 1), bits)) errors::invalid(errors::kCidrInteger);
  if (bits < 0) errors::invalid(errors::kCidrNegative);
  if (!ip_shaped(ip)) errors::invalid(errors::nonstandard_ip(ip));
  std::string address = parse_ip(ip);
  if (address.empty()) errors::invalid(errors::invalid_ip(ip));
  if (address.size() == 4 && bits > 31) errors::invalid(errors::kCidrV4Bits);
  if (address.size() == 16 && bits > 127) errors::invalid(errors::kCidrV6Bits);
  Matcher m;
  m.kind = Matcher::Kind::Cidr;
  m.family = address.size() == 4 ? 4 : 6;
  m.first = m.last = address;
  for (size_t bit = static_cast<size_t>(bits); bit < address.size() * 8; ++bit) {
    unsigned char mask = static_cast<unsigned char>(0x80u >> (bit % 8));
    m.first[bit / 8] = static_cast<char>(static_cast<unsigned char>(m.first[bit / 8]) & ~mask);
    m.last[bit / 8] = static_cast<char>(static_cast<unsigned char>(m.last[bit / 8]) | mask);
  }
  return m;
}

Wildcard parse_wildcard(const std::string& text) {
  // Positions count from event-ruler's quoted form ("text"), hence the +1.
  Wildcard w;
  w.parts.emplace_back();
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '*') {
      if (i + 1 < text.size() && text[i + 1] == '*') errors::invalid(errors::consecutive_wildcards(i + 1));
      w.parts.emplace_back();
    } else if (c == '\\') {
      if (i + 1 == text.size() || (text[i + 1] != '*' && text[i + 1] != '\\')) {
        errors::invalid(errors::bad_escape(i + 1));
      }
      w.parts.back() += text[++i];
    } else {
      w.parts.back() += c;
    }
  }
  return w;
}

}  // namespace nimbus::events::pattern
