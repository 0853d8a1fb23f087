#pragma once
// What a SigV4 request claims (key, scope, signed headers, signature), from header or presigned URL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/request.h"

namespace nimbus::auth {

// The parsed SigV4 credentials of one request; nothing here has been verified yet.
struct SigV4Info {
  std::string access_key_id;
  std::string date;     // YYYYMMDD of the credential scope
  std::string region;   // as scoped by the client
  std::string service;  // as scoped by the client
  std::vector<std::string> signed_headers;  // lowercase, in the order the client listed them
  std::string signature;                    // lowercase hex as sent
  std::string amz_date;                     // "20150830T123600Z" (from X-Amz-Date or Date)
  bool presigned = false;                   // from the query string rather than Authorization
  int64_t expires = 0;                      // X-Amz-Expires seconds; presigned only
  std::string security_token;               // X-Amz-Security-Token, "" when absent

  std::string scope() const;  // "20150830/us-east-1/service/aws4_request"
};

// nullopt for anonymous requests (no Authorization header, no X-Amz-Signature/X-Amz-Algorithm
// query parameter). Throws AwsError (dialect-specific code, 400/403) when SigV4 data is malformed.
std::optional<SigV4Info> parse_sigv4(const SignedRequest& request, Dialect dialect);

}  // namespace nimbus::auth
