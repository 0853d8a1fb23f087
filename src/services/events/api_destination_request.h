#pragma once
// The HTTP requests EventBridge makes for API destinations, built from the stored records (pure:
// no I/O, unit-tested): the invocation of an endpoint with its connection's authorization and
// parameters, the OAuth client-credentials token request, and how a response status is taken.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "outbound/http_client.h"

namespace nimbus::events {

using Json = nlohmann::json;

// The request for one event: `destination` and `connection` are the stored records (with their
// secrets), `http_parameters` the target's HttpParameters (PathParameterValues fill the
// endpoint's `*` wildcards in order; the connection's InvocationHttpParameters take precedence
// over the target's headers, query and body parameters), `oauth_token` the bearer token of an
// OAUTH_CLIENT_CREDENTIALS connection.
outbound::HttpRequest invocation_request(const Json& destination, const Json& connection, const Json& http_parameters,
                                         const std::string& body, const std::string& oauth_token);

// The token request of an OAuth connection: its method and endpoint, the client id and secret
// as Basic authorization, OAuthHttpParameters as headers, query and form body.
outbound::HttpRequest oauth_token_request(const Json& connection);

struct OAuthToken {
  std::string access_token;
  int64_t expires_at_ms = 0;  // 0: no expiry given
};
// The token in an authorization endpoint's JSON answer; nullopt without `access_token`.
std::optional<OAuthToken> parse_oauth_token(const std::string& body, int64_t now_ms);

// Whether EventBridge retries a response with this status: 401, 407, 409, 429 and 5xx.
bool retryable_status(int status);

// The stored AuthParameters as Describe answers them: secrets (passwords, client secrets, API
// key values, parameters marked IsValueSecret) left out.
Json public_auth_parameters(const Json& auth_parameters);

}  // namespace nimbus::events
