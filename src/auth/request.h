#pragma once
// The view of an incoming HTTP request that SigV4 parsing and verification need, free of Beast.

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace nimbus::auth {

// Which family of AWS rules applies: S3 differs in URI encoding, payload hashing and error codes.
enum class Dialect { kS3, kQueryJson };

// A request as received. Every view must outlive the call it is passed to.
struct SignedRequest {
  std::string_view method;  // "GET", "POST"... as on the request line
  std::string_view target;  // raw request-target "path?query", still percent-encoded
  // Header fields in arrival order, names in any case; a name may repeat.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;
  // False when the body has not been read (S3 streaming uploads); then the payload hash must come
  // from the x-amz-content-sha256 header.
  bool body_available = true;

  // Value of the first header named `name` (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
  std::string_view path() const;
  std::string_view query() const;  // after '?', "" when none
};

}  // namespace nimbus::auth
