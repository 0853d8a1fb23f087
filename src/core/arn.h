#pragma once
// Amazon Resource Names: "arn:<partition>:<service>:<region>:<account>:<resource>".

#include <optional>
#include <string>
#include <string_view>

namespace nimbus {

struct Arn {
  std::string partition;
  std::string service;
  std::string region;
  std::string account;
  std::string resource;  // everything after the fifth colon ("rule/bus/name", "my-queue")
};

// nullopt unless the text has the "arn:" prefix and all six parts (region/account may be empty).
inline std::optional<Arn> parse_arn(std::string_view text) {
  std::string parts[5];
  size_t start = 0;
  for (auto& part : parts) {
    auto colon = text.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    part = std::string(text.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty()) return std::nullopt;
  return Arn{parts[1], parts[2], parts[3], parts[4], std::string(text.substr(start))};
}

}  // namespace nimbus
