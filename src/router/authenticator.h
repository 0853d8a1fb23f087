#pragma once
// The authenticate stage of the request pipeline: reads the SigV4 signature (header or
// presigned query), verifies it when --auth verify, and resolves the caller's account and region.

#include <memory>
#include <string>

#include "core/config.h"
#include "core/request_context.h"
#include "protocol/protocol.h"

namespace nimbus::auth {
struct Credentials;
class SessionCredentialSource;
}

namespace nimbus::router {

struct CallerIdentity {
  std::string access_key_id;  // "" when unsigned
  std::string account_id = "000000000000";
  std::string region;         // from the credential scope; "" when unsigned
  std::string scope_service;  // "sqs", "s3"... ; "" when unsigned
  RequestContext::Signature signature;  // filled when verified
};

class Authenticator {
 public:
  // Loads the credentials file if one is given; throws std::runtime_error if it is unreadable.
  Authenticator(AuthMode mode, const std::string& credentials_file);
  ~Authenticator();

  // Throws AwsError (IncompleteSignature, SignatureDoesNotMatch, ...) in the service's dialect.
  // `body_available` false: the body is streamed later, so the payload hash is taken from
  // x-amz-content-sha256 and the service checks it while reading.
  // `anonymous_allowed`: an unsigned request passes even with --auth verify.
  CallerIdentity authenticate(const HttpRequest& request, bool s3_dialect,
                              bool body_available, bool anonymous_allowed, int64_t now_ms) const;
  // Who signed, verifying nothing: for services that check their own signatures. A malformed
  // signature is anonymous.
  CallerIdentity identify(const HttpRequest& request) const;
  // The credentials file's keys (services that check signatures of their own: S3 POST forms);
  // nullptr without --credentials.
  const auth::Credentials* credentials() const { return credentials_.get(); }
  // --auth verify.
  bool verifies() const { return mode_ == AuthMode::Verify; }
  // Temporary credentials nimbus issued (STS): they act in their own account, and under --auth
  // verify are checked with their secret and session token. Set once before serving.
  void use_sessions(const auth::SessionCredentialSource* sessions) { sessions_ = sessions; }
  // The scope's service name without verifying anything; "" when unsigned or malformed.
  static std::string peek_scope_service(const HttpRequest& request);

 private:
  AuthMode mode_;
  std::unique_ptr<auth::Credentials> credentials_;
  const auth::SessionCredentialSource* sessions_ = nullptr;
};

}  // namespace nimbus::router
