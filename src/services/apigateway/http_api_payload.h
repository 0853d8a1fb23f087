#pragma once
// The Lambda proxy payloads of HTTP APIs (format 1.0 and 2.0) built from one invoke request, and
// the function's answer mapped back to HTTP, as API Gateway does. Pure functions over a
// RequestView (no service state).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/raw_http.h"
#include "services/service.h"

namespace nimbus::apigateway {

// One invoke request as the payloads describe it.
struct RequestView {
  std::string method;
  std::string raw_path;  // as the client sent it, with "/<stage>" for a named stage
  std::string raw_query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
  std::string content_type;
  unsigned http_version = 11;
  std::string source_ip;
  std::string user_agent;
  std::string account_id;  // the API's owner
  std::string api_id;
  std::string domain;
  std::string stage;
  std::string request_id;
  int64_t now_ms = 0;
  std::string route_key;
  std::map<std::string, std::string> path_parameters;
  Json stage_variables = Json::object();
};

// "12/Mar/2020:19:03:58 +0000"
std::string clf_time(int64_t ms);
// Whether API Gateway passes a body of this content type as text (else base64).
bool textual_content(std::string_view content_type);
// The comma-joined headers without "cookie" (2.0) and the cookies.
Json headers_v2(const RequestView& request, Json& cookies);
// The requestContext of format 2.0 (authorizer added by the caller).
Json request_context_v2(const RequestView& request);
// The whole format 2.0 event; `authorizer` (null: none) becomes requestContext.authorizer.
Json event_v2(const RequestView& request, const Json& authorizer);
// The whole format 1.0 event; `authorizer` becomes requestContext.authorizer, `identity` is
// merged into requestContext.identity.
Json event_v1(const RequestView& request, const Json& authorizer, const Json& identity);

// What the function answered, mapped to an HTTP reply (status, headers, body); nullopt when the
// answer is not a valid response of that format (API Gateway answers 500 then).
struct MappedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
std::optional<MappedResponse> response_v2(const std::string& payload);
std::optional<MappedResponse> response_v1(const std::string& payload);

}  // namespace nimbus::apigateway
