#include "auth/verify.h"

#include <algorithm>
#include <cctype>

#include "auth/amz_date.h"
#include "auth/auth_errors.h"
#include "auth/canonical.h"
#include "auth/signing.h"
#include "core/crypto.h"

namespace nimbus::auth {
namespace {

constexpr int64_t kMaxSkewSeconds = 15 * 60;

bool is_hex_sha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void check_time(const SigV4Info& info, Dialect dialect, int64_t now_ms) {
  const int64_t signed_at = *parse_amz_date(info.amz_date);
  const int64_t now = now_ms / 1000;
  if (info.presigned) {
    if (now > signed_at + info.expires) {
      throw errors::presign_expired(dialect, signed_at, info.expires, now);
    }
  } else if (signed_at < now - kMaxSkewSeconds || signed_at > now + kMaxSkewSeconds) {
    throw errors::clock_skew(dialect, signed_at, now);
  }
}

std::string payload_hash(const SignedRequest& request, const SigV4Info& info, Dialect dialect) {
  if (auto header = request.header("x-amz-content-sha256")) return std::string(*header);
  if (dialect == Dialect::kS3) {
    if (info.presigned) return "UNSIGNED-PAYLOAD";
    throw errors::missing_content_sha256();
  }
  if (!request.body_available) throw AwsError::internal();
  return crypto::sha256_hex(request.body);
}

// Signature checks once the key is known (the clock was checked before the key was looked up).
VerifiedSignature verify_with(const SignedRequest& request, const SigV4Info& info, Dialect dialect,
                              const Credential* credential) {
  if (info.amz_date.compare(0, 8, info.date) != 0) {
    throw errors::scope_date_mismatch(dialect, info.presigned, info.date, info.amz_date);
  }

  VerifiedSignature verified{credential->account_id,
                             derive_signing_key(credential->secret_access_key, info.date,
                                                info.region, info.service),
                             info.amz_date,
                             info.scope(),
                             info.signature,
                             payload_hash(request, info, dialect)};
  const std::string creq =
      canonical_request(request, dialect, info.signed_headers, verified.payload_hash);
  const std::string to_sign = string_to_sign(info.amz_date, verified.scope, creq);
  if (!constant_time_equal(sign(verified.signing_key, to_sign), lowercase(info.signature))) {
    throw errors::signature_mismatch(dialect, info.access_key_id, to_sign, info.signature, creq);
  }

  if (dialect == Dialect::kS3 && request.body_available && is_hex_sha256(verified.payload_hash)) {
    const std::string computed = crypto::sha256_hex(request.body);
    if (computed != lowercase(verified.payload_hash)) {
      throw errors::content_sha256_mismatch(verified.payload_hash, computed);
    }
  }
  return verified;
}

}  // namespace

VerifiedSignature verify_sigv4(const SignedRequest& request, const SigV4Info& info,
                               Dialect dialect, const Credentials& credentials, int64_t now_ms) {
  check_time(info, dialect, now_ms);
  const Credential* credential = credentials.find(info.access_key_id);
  if (!credential) throw errors::unknown_access_key(dialect, info.access_key_id);
  return verify_with(request, info, dialect, credential);
}

VerifiedSignature verify_session_sigv4(const SignedRequest& request, const SigV4Info& info,
                                       Dialect dialect, const SessionCredential& session,
                                       int64_t now_ms) {
  if (info.security_token.empty() || info.security_token != session.session_token) {
    throw errors::invalid_security_token(dialect);
  }
  // Before the clock-skew check: on a moved clock the session's expiry is the answer that helps.
  if (now_ms >= session.expires_ms) throw errors::expired_token(dialect);
  check_time(info, dialect, now_ms);
  const Credential credential{session.access_key_id, session.secret_access_key, session.account_id};
  return verify_with(request, info, dialect, &credential);
}

}  // namespace nimbus::auth
