#pragma once
// AWS_IAM authorization of invoke requests: the caller's SigV4 signature, scoped to the
// execute-api service, checked as API Gateway checks it. Under --auth verify the signature is
// verified against nimbus's credentials (and STS sessions); without it any well-formed signature
// passes (there is no secret to check against), as every other service accepts any key.
//
// The dispatcher does not verify invoke requests itself (the execute-api service checks its own
// signatures, see Service::checks_own_signatures): only routes that ask for AWS_IAM need one, and
// the payload hash needs the body, which is read by then.

#include <cstdint>
#include <optional>
#include <string>

#include "services/apigateway/api_front_end.h"

namespace nimbus::auth {
struct Credentials;
class SessionCredentialSource;
}  // namespace nimbus::auth

namespace nimbus::apigateway {

// Who signed an invoke request (requestContext.identity / authorizer.iam).
struct IamCaller {
  std::string access_key;
  std::string account_id;
  std::string user_arn;
};

// Why a call is refused: the gateway response type that answers it and its message.
struct IamDenial {
  std::string response_type;  // MISSING_AUTHENTICATION_TOKEN, INVALID_SIGNATURE, EXPIRED_TOKEN, ...
  std::string message;
};

class IamChecker {
 public:
  IamChecker(const auth::Credentials* credentials, const auth::SessionCredentialSource* sessions, bool verify)
      : credentials_(credentials), sessions_(sessions), verify_(verify) {}
  // The caller, or why the request is refused.
  std::pair<std::optional<IamCaller>, IamDenial> check(const ApiInvocation& call, int64_t now_ms) const;

 private:
  const auth::Credentials* credentials_;
  const auth::SessionCredentialSource* sessions_;  // may be null
  bool verify_;
};

}  // namespace nimbus::apigateway
