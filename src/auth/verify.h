#pragma once
// SigV4 verification (--auth verify): rebuilds the signature and checks it, the clock and the key.

#include <cstdint>
#include <string>

#include "auth/credentials.h"
#include "auth/request.h"
#include "auth/session_credentials.h"
#include "auth/sigv4_info.h"

namespace nimbus::auth {

// What a successful verification yields; S3's chunk decoder chains chunk signatures from it.
struct VerifiedSignature {
  std::string account_id;
  std::string signing_key;   // raw derived key; for chunk_signature / trailer_signature
  std::string amz_date;
  std::string scope;
  std::string signature;     // the request's signature: the seed of a chunk signature chain
  std::string payload_hash;  // as signed: hex, UNSIGNED-PAYLOAD or STREAMING-...
};

// Throws AwsError: RequestExpired/RequestTimeTooSkewed (more than 15 minutes from now_ms),
// AccessDenied "Request has expired" (presigned), InvalidClientTokenId/InvalidAccessKeyId,
// SignatureDoesNotMatch, and for S3 InvalidRequest (no x-amz-content-sha256) or
// XAmzContentSHA256Mismatch (hex hash that does not match an available body).
VerifiedSignature verify_sigv4(const SignedRequest& request, const SigV4Info& info,
                               Dialect dialect, const Credentials& credentials, int64_t now_ms);

// The same checks for a request signed with temporary credentials nimbus issued (`session`,
// whose key is info.access_key_id): first InvalidClientTokenId / S3 InvalidToken when
// X-Amz-Security-Token is missing or not its token, then ExpiredToken once the session has
// expired (before the clock-skew check), then as verify_sigv4.
VerifiedSignature verify_session_sigv4(const SignedRequest& request, const SigV4Info& info,
                                       Dialect dialect, const SessionCredential& session,
                                       int64_t now_ms);

}  // namespace nimbus::auth
