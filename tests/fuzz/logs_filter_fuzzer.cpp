// libFuzzer target for CloudWatch Logs filter patterns: first line = the pattern, rest = one log
// event's message. parse() may only throw filter::ParseError; matching never throws.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/logs/filter_pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::logs;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  std::string_view pattern_text = text.substr(0, newline);
  std::string_view message = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  filter::split_fields(message);
  filter::glob_match(pattern_text, message);
  try {
    filter::FilterPattern pattern = filter::parse(pattern_text);
    filter::matches(pattern, message);
  } catch (const filter::ParseError&) {
  }
  return 0;
}
