// GetCallerIdentity, GetAccessKeyInfo and DecodeAuthorizationMessage: what a key is and says.

#include "auth/authorization_message.h"
#include "services/sts/sts_errors.h"
#include "services/sts/sts_service.h"

namespace nimbus::sts {

awaitable<Json> StsService::get_caller_identity(RequestContext& context, const Json&) {
  auto who = caller(context);
  co_return Json{{"UserId", who.user_id}, {"Account", who.account}, {"Arn", who.arn}};
}

awaitable<Json> StsService::get_access_key_info(RequestContext&, const Json& in) {
  co_return Json{{"Account", account_of(in.value("AccessKeyId", ""))}};
}

awaitable<Json> StsService::decode_authorization_message(RequestContext&, const Json& in) {
  auto decoded = auth::decode_authorization_message(in.value("EncodedMessage", ""));
  if (!decoded) throw errors::invalid_authorization_message();
  co_return Json{{"DecodedMessage", *decoded}};
}

}  // namespace nimbus::sts
