#include "services/lambda/url_cors.h"

#include <algorithm>
#include <cctype>

namespace nimbus::lambda {
namespace {

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool listed(const nlohmann::json& values, std::string_view value) {
  if (!values.is_array()) return false;
  return std::any_of(values.begin(), values.end(), [&](const nlohmann::json& entry) {
    return entry.is_string() && (entry.get_ref<const std::string&>() == "*" || same(entry.get<std::string>(), value));
  });
}

std::string joined(const nlohmann::json& values) {
  std::string out;
  if (!values.is_array()) return out;
  for (const auto& value : values) {
    if (!value.is_string()) continue;
    if (!out.empty()) out += ",";
    out += value.get<std::string>();
  }
  return out;
}

// Access-Control-Allow-Origin: "*" when any origin is allowed without credentials, else the
// origin itself. Called once `origin` is known to be allowed (AllowOrigins is an array).
std::string allowed_origin(const nlohmann::json& cors, std::string_view origin) {
  const auto& origins = cors["AllowOrigins"];
  bool any = std::find(origins.begin(), origins.end(), "*") != origins.end();
  return any && !cors.value("AllowCredentials", false) ? "*" : std::string(origin);
}

}  // namespace

bool is_preflight(std::string_view method, std::string_view origin, std::string_view request_method) {
  return method == "OPTIONS" && !origin.empty() && !request_method.empty();
}

Headers preflight_headers(const nlohmann::json& cors, std::string_view origin, std::string_view request_method,
                          std::string_view request_headers) {
  Headers out;
  if (!cors.is_object() || !listed(cors.value("AllowOrigins", nlohmann::json::array()), origin)) return out;
  if (!listed(cors.value("AllowMethods", nlohmann::json::array()), request_method)) return out;
  out.emplace_back("Access-Control-Allow-Origin", allowed_origin(cors, origin));
  out.emplace_back("Access-Control-Allow-Methods", joined(cors["AllowMethods"]));
  if (cors.contains("AllowHeaders")) {
    out.emplace_back("Access-Control-Allow-Headers", joined(cors["AllowHeaders"]));
  } else if (!request_headers.empty()) {
    out.emplace_back("Access-Control-Allow-Headers", std::string(request_headers));
  }
  if (cors.value("AllowCredentials", false)) out.emplace_back("Access-Control-Allow-Credentials", "true");
  if (cors.contains("MaxAge")) out.emplace_back("Access-Control-Max-Age", std::to_string(cors.value("MaxAge", 0)));
  return out;
}

Headers response_cors_headers(const nlohmann::json& cors, std::string_view origin) {
  Headers out;
  if (origin.empty() || !cors.is_object() || !listed(cors.value("AllowOrigins", nlohmann::json::array()), origin)) {
    return out;
  }
  out.emplace_back("Access-Control-Allow-Origin", allowed_origin(cors, origin));
  if (cors.contains("ExposeHeaders")) out.emplace_back("Access-Control-Expose-Headers", joined(cors["ExposeHeaders"]));
  if (cors.value("AllowCredentials", false)) out.emplace_back("Access-Control-Allow-Credentials", "true");
  return out;
}

}  // namespace nimbus::lambda
