#include "services/s3/cors.h"

#include <algorithm>
#include <cctype>

#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxRules = 100;
constexpr std::string_view kMethods[] = {"GET", "PUT", "HEAD", "POST", "DELETE"};

bool equal_chars(char a, char b, bool case_insensitive) {
  if (!case_insensitive) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

bool equal_text(std::string_view a, std::string_view b, bool case_insensitive) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&](char x, char y) { return equal_chars(x, y, case_insensitive); });
}

std::vector<std::string> strings_of(const Json& rule, const char* member) {
  std::vector<std::string> out;
  if (auto it = rule.find(member); it != rule.end() && it->is_array()) {
    for (const auto& value : *it) {
      if (value.is_string()) out.push_back(value.get<std::string>());
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
  return out;
}

bool any_matches(const std::vector<std::string>& patterns, std::string_view text, bool case_insensitive) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return wildcard_match(pattern, text, case_insensitive);
  });
}

void check_single_wildcard(const std::vector<std::string>& values, std::string_view what) {
  for (const auto& value : values) {
    if (std::count(value.begin(), value.end(), '*') > 1) {
      throw errors::invalid_request(std::string(what) + " \"" + value +
                                    "\" can not have more than one wildcard.");
    }
  }
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text, bool case_insensitive) {
  auto star = pattern.find('*');
  if (star == std::string_view::npos) return equal_text(pattern, text, case_insensitive);
  auto head = pattern.substr(0, star);
  auto tail = pattern.substr(star + 1);
  if (text.size() < head.size() + tail.size()) return false;
  return equal_text(head, text.substr(0, head.size()), case_insensitive) &&
         equal_text(tail, text.substr(text.size() - tail.size()), case_insensitive);
}

std::vector<std::string> split_header_list(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    auto item = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) {
      std::string lowered(item);
      for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.push_back(std::move(lowered));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

const Json* match_cors_rule(const Json& configuration, const CorsRequest& request) {
  auto rules = configuration.find("CORSRules");
  if (rules == configuration.end() || !rules->is_array()) return nullptr;
  for (const auto& rule : *rules) {
    if (!any_matches(strings_of(rule, "AllowedOrigins"), request.origin, false)) continue;
    auto methods = strings_of(rule, "AllowedMethods");
    if (std::find(methods.begin(), methods.end(), request.method) == methods.end()) continue;
    if (request.preflight) {
      auto allowed = strings_of(rule, "AllowedHeaders");
      bool headers_ok = std::all_of(request.headers.begin(), request.headers.end(),
                                    [&](const std::string& header) { return any_matches(allowed, header, true); });
      if (!headers_ok) continue;
    }
    return &rule;
  }
  return nullptr;
}

HeaderList cors_response_headers(const Json& rule, const CorsRequest& request) {
  HeaderList headers;
  auto origins = strings_of(rule, "AllowedOrigins");
  bool any_origin = std::find(origins.begin(), origins.end(), "*") != origins.end();
  if (any_origin) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else {
    headers.emplace_back("Access-Control-Allow-Origin", request.origin);
    headers.emplace_back("Access-Control-Allow-Credentials", "true");
  }
  headers.emplace_back("Access-Control-Allow-Methods", join(strings_of(rule, "AllowedMethods")));
  if (request.preflight && !request.headers.empty()) {
    headers.emplace_back("Access-Control-Allow-Headers", join(request.headers));
  }
  auto expose = strings_of(rule, "ExposeHeaders");
  if (!expose.empty()) headers.emplace_back("Access-Control-Expose-Headers", join(expose));
  if (auto max_age = rule.find("MaxAgeSeconds"); max_age != rule.end() && max_age->is_number_integer()) {
    headers.emplace_back("Access-Control-Max-Age", std::to_string(max_age->get<int64_t>()));
  }
  headers.emplace_back("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  return headers;
}

void validate_cors(const Json& configuration) {
  auto rules = configuration.find("CORSRules");
  if (rules == configuration.end() || !rules->is_array() || rules->empty()) throw errors::malformed_xml();
  if (rules->size() > kMaxRules) {
    throw errors::invalid_request("The number of CORS rules should not exceed allowed limit of 100 rules.");
  }
  for (const auto& rule : *rules) {
    auto methods = strings_of(rule, "AllowedMethods");
    auto origins = strings_of(rule, "AllowedOrigins");
    if (methods.empty() || origins.empty()) throw errors::malformed_xml();
    for (const auto& method : methods) {
      if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
        throw errors::invalid_request(
            "Found unsupported HTTP method in CORS config. Unsupported method is " + method);
      }
    }
    check_single_wildcard(origins, "AllowedOrigin");
    check_single_wildcard(strings_of(rule, "AllowedHeaders"), "AllowedHeader");
  }
}

}  // namespace nimbus::s3
