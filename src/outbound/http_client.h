#pragma once
// The outbound HTTP(S) client: one request to an external endpoint on a fresh connection, bounded
// in time and in the body it keeps (EventBridge API destinations and their OAuth token fetches).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::outbound {

// The most body bytes a response keeps; the rest is read and discarded.
inline constexpr std::size_t max_body = 1024 * 1024;

struct HttpRequest {
  std::string method = "POST";  // any method except CONNECT/TRACE
  std::string url;              // http://host[:port]/path?query or https://...
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given, in order
  std::string body;
  std::chrono::milliseconds timeout{5000};  // whole exchange: resolve+connect+TLS+write+read
  // PEM certificates to trust for https instead of the system's CAs (empty: the system's).
  std::string ca_pem;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;             // capped at max_body bytes (1 MiB): the rest is read and discarded
  bool body_truncated = false;  // the response had more than max_body bytes of body
};

// What failed before a response arrived. BadUrl also covers a request that cannot be sent as
// given (a method or header that is not valid HTTP); Protocol covers write and read failures
// (connection closed early, a malformed or oversized response head).
struct HttpError : std::runtime_error {
  enum class Kind { BadUrl, Resolve, Connect, Tls, Timeout, Protocol };
  Kind kind;
  HttpError(Kind kind, const std::string& message);
};

// "BadUrl", "Resolve", ... for logs and messages.
std::string_view to_string(HttpError::Kind kind);

// One request on a fresh connection (Connection: close), on the calling coroutine's executor
// (through a strand of it). Adds Host (with the port when not the scheme's default),
// Content-Length (when there is a body, and for POST/PUT/PATCH always) and Connection: close,
// each only when the caller did not set it. https verifies the peer against the system's CAs
// (or `ca_pem`) and the URL's host name, and sends the host name as SNI. Any status is a
// response; only failures before one arrived throw HttpError.
boost::asio::awaitable<HttpResponse> fetch(HttpRequest request);

// Parsed URL, also used by callers to validate endpoints up front.
struct Url {
  std::string scheme;  // "http" or "https" (lower case)
  std::string host;    // lower case; an IPv6 literal without its brackets ("::1")
  std::string port;    // digits; the scheme's default when the URL has none
  std::string target;  // path + "?" + query; "/" if the path is empty; no fragment
};
// Only http and https with a host, no user info, a port in 1..65535, and no spaces or control
// characters; nullopt otherwise.
std::optional<Url> parse_url(std::string_view url);

}  // namespace nimbus::outbound
