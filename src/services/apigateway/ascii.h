#pragma once
// ASCII case mapping for header names, media types, HTTP methods and enum values (what API
// Gateway compares without regard to case).

#include <cctype>
#include <string>
#include <string_view>

namespace nimbus::apigateway {

inline std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace nimbus::apigateway
