#pragma once
// A local OpenID issuer under /_nimbus/jwt, so JWT-protected routes (HTTP APIs' JWT authorizers)
// can be tested offline with keys nimbus hosts:
//   GET  /_nimbus/jwt/.well-known/openid-configuration   {"issuer", "jwks_uri"}
//   GET  /_nimbus/jwt/jwks.json                          the public key (RS256, kid "nimbus-1")
//   POST /_nimbus/jwt/token  {claims...}                 {"token": <RS256 JWT>}: iss, iat and exp
//                                                        (an hour) filled in unless given
// The issuer is http://<the request's Host>/_nimbus/jwt. The key lives as long as the process: a
// restart makes a new one (tokens minted before it no longer verify); it is made on first use, so
// start-up does not wait for an RSA key.

#include <memory>
#include <mutex>
#include <optional>

#include "core/raw_http.h"

namespace nimbus::admin {

class JwtIssuer {
 public:
  JwtIssuer();
  ~JwtIssuer();
  // The answer for a request under /_nimbus/jwt, or nullopt when the path is not one of its own.
  std::optional<HttpResponse> handle(const HttpRequest& request, int64_t now_seconds) const;

 private:
  struct Key;
  const Key& key() const;
  mutable std::once_flag made_;
  mutable std::unique_ptr<Key> key_;
};

}  // namespace nimbus::admin
