#pragma once
// CORS for function URLs, from the URL config's `Cors` (AllowOrigins, AllowMethods, AllowHeaders,
// ExposeHeaders, MaxAge, AllowCredentials), as Lambda applies it: a preflight (OPTIONS with
// Origin and Access-Control-Request-Method) is answered by Lambda without invoking the function,
// and other responses to an allowed Origin carry Access-Control-Allow-Origin / -Expose-Headers /
// -Allow-Credentials, replacing any the function set. Origins, methods and headers compare
// case-insensitively; "*" allows any.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::lambda {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Whether a request is a CORS preflight.
bool is_preflight(std::string_view method, std::string_view origin, std::string_view request_method);

// The headers of the answer to a preflight (empty when the origin or method is not allowed).
Headers preflight_headers(const nlohmann::json& cors, std::string_view origin, std::string_view request_method,
                          std::string_view request_headers);

// The CORS headers of an ordinary response to `origin` (empty when not allowed or no Origin).
Headers response_cors_headers(const nlohmann::json& cors, std::string_view origin);

}  // namespace nimbus::lambda
