#pragma once
// The SigV4 canonical request and string to sign, rebuilt from a request as received.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/request.h"

namespace nimbus::auth {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// AWS UriEncode: every byte but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash) becomes %XX.
std::string uri_encode(std::string_view text, bool keep_slash);
// %XX sequences decoded; malformed escapes and '+' are kept as they are.
std::string percent_decode(std::string_view text);
// "a=1&b&c=%2F" -> {{"a","1"},{"b",""},{"c","/"}}; empty pieces are skipped.
QueryParams decode_query(std::string_view raw_query);

// S3: the path decoded and encoded once. Others: dot segments and empty segments removed, then
// the raw (already encoded) path encoded again, as AWS SDKs sign it.
std::string canonical_uri(std::string_view raw_path, Dialect dialect);
// Parameters encoded, sorted by key then value; X-Amz-Signature left out (presigned URLs).
std::string canonical_query(std::string_view raw_query);
// "name:value\n" for each signed header: all values of the name joined by ',', each trimmed
// with inner whitespace runs collapsed. A signed header the request lacks contributes "name:\n".
std::string canonical_headers(const SignedRequest& request,
                              const std::vector<std::string>& signed_headers);
std::string canonical_request(const SignedRequest& request, Dialect dialect,
                              const std::vector<std::string>& signed_headers,
                              std::string_view payload_hash);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);

}  // namespace nimbus::auth
