// Value helpers shared by the parser, the matcher and the index: numbers, case folding, IPs, globs.
#include <arpa/inet.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {

bool numeric_in_range(double number) { return number >= -kNumericLimit && number <= kNumericLimit; }

// Micro-units, so that values differing only past the sixth decimal compare equal, as AWS documents.
int64_t numeric_key(double number) { return std::llround(number * 1e6); }

std::string scalar_key(const Json& value) {
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (!value.is_number()) return "null";
  double number = value.get<double>();
  if (numeric_in_range(number)) return "n" + std::to_string(numeric_key(number));
  char text[40];
  std::snprintf(text, sizeof text, "d%a", number);  // exact, so out-of-range numbers compare as doubles
  return text;
}

std::string fold_case(std::string_view text) {
  std::string folded(text);
  for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return folded;
}

std::string parse_ip(std::string_view text) {
  std::string bytes;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {  // dotted quad, decimal parts up to 255
    if (part > 0 && (i >= text.size() || text[i++] != '.')) break;
    unsigned value = 0;
    size_t start = i;
    while (i < text.size() && i - start < 4 && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + static_cast<unsigned>(text[i++] - '0');
    }
    if (i == start || value > 255) break;
    bytes += static_cast<char>(value);
  }
  if (bytes.size() == 4 && i == text.size()) return bytes;
  if (text.size() > 45 || text.find(':') == std::string_view::npos) return {};
  char copy[46];
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  unsigned char v6[16];
  if (inet_pton(AF_INET6, copy, v6) != 1) return {};
  return std::string(reinterpret_cast<const char*>(v6), sizeof v6);
}

bool Wildcard::matches(std::string_view text) const {
  if (parts.size() == 1) return text == parts[0];
  const std::string& head = parts.front();
  const std::string& tail = parts.back();
  if (text.size() < head.size() + tail.size() || text.substr(0, head.size()) != head ||
      text.substr(text.size() - tail.size()) != tail) {
    return false;
  }
  // Between the fixed ends, each middle run is found leftmost: with only `*`, greedy-left is exact.
  std::string_view rest = text.substr(head.size(), text.size() - head.size() - tail.size());
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    size_t at = rest.find(parts[i]);
    if (at == std::string_view::npos) return false;
    rest.remove_prefix(at + parts[i].size());
  }
  return true;
}

}  // namespace nimbus::events::pattern
