#pragma once
// CORS rule evaluation over a stored CORSConfiguration ({"CORSRules": [...]}): which rule allows
// a request and the Access-Control-* headers S3 answers with. No I/O.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nimbus::s3 {

// What a browser asks: for a preflight the method and headers come from
// Access-Control-Request-Method / -Headers, for an actual request from the request itself.
struct CorsRequest {
  std::string origin;
  std::string method;
  std::vector<std::string> headers;  // lower-cased; checked only for preflights
  bool preflight = false;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// `pattern` with at most one '*' matching any run of characters.
bool wildcard_match(std::string_view pattern, std::string_view text, bool case_insensitive);
// "a, B ,c" -> {"a", "b", "c"}
std::vector<std::string> split_header_list(std::string_view value);

// The first rule allowing the request, or nullptr.
const nlohmann::json* match_cors_rule(const nlohmann::json& configuration, const CorsRequest& request);
// Access-Control-* and Vary headers for a request `rule` allows.
HeaderList cors_response_headers(const nlohmann::json& rule, const CorsRequest& request);

// Throws InvalidRequest / MalformedXML for configurations S3 refuses.
void validate_cors(const nlohmann::json& configuration);

}  // namespace nimbus::s3
