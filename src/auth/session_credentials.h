#pragma once
// Temporary credentials nimbus issued itself (STS AssumeRole, GetSessionToken...): the narrow
// interface through which the authenticator accepts them. STS implements it; auth knows no service.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nimbus::auth {

// One issued key pair with its session token, the account it acts in and when it expires.
struct SessionCredential {
  std::string access_key_id;  // "ASIA…"
  std::string secret_access_key;
  std::string session_token;
  std::string account_id;     // the role's account (AssumeRole*) or the caller's (GetSessionToken)
  int64_t expires_ms = 0;     // on nimbus's clock
};

class SessionCredentialSource {
 public:
  virtual ~SessionCredentialSource() = default;
  // nullopt when nimbus never issued `access_key_id` (or forgot it: reset). Thread-safe.
  virtual std::optional<SessionCredential> find_session(std::string_view access_key_id) const = 0;
};

}  // namespace nimbus::auth
