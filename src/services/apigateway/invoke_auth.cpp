#include "services/apigateway/invoke_auth.h"

#include "auth/credentials.h"
#include "core/aws_error.h"
#include "auth/request.h"
#include "auth/session_credentials.h"
#include "auth/sigv4_info.h"
#include "auth/verify.h"

namespace nimbus::apigateway {
namespace {

// API Gateway's own wording for each signature failure (its messages differ from the service
// APIs' AwsError texts, which verify_sigv4 produces).
IamDenial denial_for(const AwsError& error) {
  const std::string& code = error.code;
  if (code == "InvalidClientTokenId" || code == "InvalidAccessKeyId" || code == "UnrecognizedClientException") {
    return {"INVALID_SIGNATURE", "The security token included in the request is invalid."};
  }
  if (code == "ExpiredToken") return {"EXPIRED_TOKEN", "The security token included in the request is expired"};
  if (code == "RequestExpired" || code == "RequestTimeTooSkewed") return {"INVALID_SIGNATURE", error.message};
  if (code == "SignatureDoesNotMatch") return {"INVALID_SIGNATURE", error.message};
  if (code == "IncompleteSignature" || code == "IncompleteSignatureException") {
    return {"MISSING_AUTHENTICATION_TOKEN", error.message};
  }
  return {"INVALID_SIGNATURE", error.message};
}

}  // namespace

std::pair<std::optional<IamCaller>, IamDenial> IamChecker::check(const ApiInvocation& call, int64_t now_ms) const {
  auth::SignedRequest view;
  view.method = call.head.method_string();
  view.target = call.head.target();
  for (const auto& field : call.head) view.headers.emplace_back(field.name_string(), field.value());
  view.body = call.body;
  std::optional<auth::SigV4Info> info;
  try {
    info = auth::parse_sigv4(view, auth::Dialect::kQueryJson);
  } catch (const AwsError& error) {
    return {std::nullopt, denial_for(error)};
  }
  if (!info) return {std::nullopt, {"MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token"}};
  if (info->service != "execute-api") {
    return {std::nullopt,
            {"INVALID_SIGNATURE", "Credential should be scoped to correct service: 'execute-api'. "}};
  }
  IamCaller caller{info->access_key_id, "", ""};
  std::optional<auth::SessionCredential> session;
  if (sessions_) session = sessions_->find_session(info->access_key_id);
  try {
    if (verify_) {
      if (!credentials_ && !session) throw AwsError(403, "InvalidClientTokenId", "");
      auto verified = session ? auth::verify_session_sigv4(view, *info, auth::Dialect::kQueryJson, *session, now_ms)
                              : auth::verify_sigv4(view, *info, auth::Dialect::kQueryJson, *credentials_, now_ms);
      caller.account_id = verified.account_id;
    } else {
      caller.account_id = session ? session->account_id : auth::resolve_account(info->access_key_id, credentials_);
    }
  } catch (const AwsError& error) {
    return {std::nullopt, denial_for(error)};
  }
  caller.user_arn = "arn:aws:iam::" + caller.account_id + ":root";
  return {caller, {}};
}

}  // namespace nimbus::apigateway
