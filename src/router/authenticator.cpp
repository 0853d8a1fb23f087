#include "router/authenticator.h"

#include <stdexcept>

#include "auth/credentials.h"
#include "auth/request.h"
#include "auth/session_credentials.h"
#include "auth/sigv4_info.h"
#include "auth/verify.h"

namespace nimbus::router {

namespace {

// A Beast request seen through auth's framework-free view (views into `request`).
auth::SignedRequest signed_view(const HttpRequest& request, bool body_available = true) {
  auth::SignedRequest view;
  view.method = request.method_string();
  view.target = request.target();
  for (const auto& field : request) view.headers.emplace_back(field.name_string(), field.value());
  view.body = request.body();
  view.body_available = body_available;
  return view;
}

}  // namespace

Authenticator::Authenticator(AuthMode mode, const std::string& credentials_file) : mode_(mode) {
  if (!credentials_file.empty()) {
    credentials_ = std::make_unique<auth::Credentials>(auth::Credentials::load_file(credentials_file));
  } else if (mode == AuthMode::Verify) {
    throw std::runtime_error("--auth verify needs --credentials FILE");
  }
}

Authenticator::~Authenticator() = default;

CallerIdentity Authenticator::authenticate(const HttpRequest& request, bool s3_dialect,
                                           bool body_available, bool anonymous_allowed,
                                           int64_t now_ms) const {
  auto dialect = s3_dialect ? auth::Dialect::kS3 : auth::Dialect::kQueryJson;
  auto view = signed_view(request, body_available);
  std::optional<auth::SigV4Info> info;
  try {
    info = auth::parse_sigv4(view, dialect);
  } catch (const AwsError&) {
    // Without verification a signature we cannot read (SigV2, odd tooling) is simply anonymous.
    if (mode_ == AuthMode::Verify) throw;
  }
  CallerIdentity identity;
  if (info) {
    identity.access_key_id = info->access_key_id;
    identity.region = info->region;
    identity.scope_service = info->service;
  }
  std::optional<auth::SessionCredential> session;
  if (info && sessions_) session = sessions_->find_session(info->access_key_id);
  if (mode_ == AuthMode::Verify && !(anonymous_allowed && !info)) {
    if (!info) {
      throw s3_dialect ? AwsError{403, "AccessDenied", "Access Denied"}
                       : AwsError{403, "MissingAuthenticationToken",
                                  "Request is missing Authentication Token"};
    }
    auto verified = session ? auth::verify_session_sigv4(view, *info, dialect, *session, now_ms)
                            : auth::verify_sigv4(view, *info, dialect, *credentials_, now_ms);
    identity.account_id = verified.account_id;
    identity.signature = {verified.signing_key, verified.signature, verified.amz_date, verified.scope};
  } else if (session) {
    identity.account_id = session->account_id;
  } else {
    identity.account_id = auth::resolve_account(identity.access_key_id, credentials_.get());
  }
  return identity;
}

CallerIdentity Authenticator::identify(const HttpRequest& request) const {
  CallerIdentity identity;
  std::optional<auth::SigV4Info> info;
  try {
    info = auth::parse_sigv4(signed_view(request), auth::Dialect::kQueryJson);
  } catch (const AwsError&) {
    return identity;
  }
  if (!info) return identity;
  identity.access_key_id = info->access_key_id;
  identity.region = info->region;
  identity.scope_service = info->service;
  std::optional<auth::SessionCredential> session;
  if (sessions_) session = sessions_->find_session(info->access_key_id);
  identity.account_id = session ? session->account_id : auth::resolve_account(info->access_key_id, credentials_.get());
  return identity;
}

std::string Authenticator::peek_scope_service(const HttpRequest& request) {
  try {
    auto info = auth::parse_sigv4(signed_view(request), auth::Dialect::kQueryJson);
    return info ? info->service : std::string();
  } catch (const AwsError&) {
    return {};  // malformed signatures are reported by authenticate(), once routed
  }
}

}  // namespace nimbus::router
