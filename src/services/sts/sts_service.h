#pragma once
// AWS STS (2011-06-15, query protocol): the caller's identity and temporary credentials. It is
// also the auth::SessionCredentialSource through which the authenticator accepts the
// credentials it issued (wired in main.cpp via ServiceRegistry::sessions()).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "auth/credentials.h"
#include "auth/session_credentials.h"
#include "core/clock.h"
#include "services/service.h"
#include "services/sts/session_table.h"
#include "storage/store.h"

namespace nimbus::sts {

template <typename T>
using awaitable = boost::asio::awaitable<T>;

class StsService final : public Service, public auth::SessionCredentialSource {
 public:
  // `credentials` (may be null): the --credentials file, for the account of long-term keys.
  StsService(storage::Store& store, Clock& clock, const auth::Credentials* credentials);

  std::string_view name() const override { return "sts"; }
  const model::ServiceModel& model() const override;
  awaitable<Json> invoke(std::string_view operation, RequestContext& context, Json input) override;
  bool implements(std::string_view operation) const override;
  void start(boost::asio::any_io_executor executor) override;
  void stop() override {}
  awaitable<void> reset() override;
  Json health() const override;
  // AssumeRoleWithWebIdentity (and SAML) are called without credentials, as on AWS.
  bool allows_anonymous(const HttpRequest& head) const override;

  std::optional<auth::SessionCredential> find_session(std::string_view access_key_id) const override;

 private:
  using Handler = awaitable<Json> (StsService::*)(RequestContext&, const Json&);
  static const std::unordered_map<std::string_view, Handler>& handlers();

  // identity_ops.cpp
  awaitable<Json> get_caller_identity(RequestContext& context, const Json& in);
  awaitable<Json> get_access_key_info(RequestContext& context, const Json& in);
  awaitable<Json> decode_authorization_message(RequestContext& context, const Json& in);
  // credential_ops.cpp
  awaitable<Json> assume_role(RequestContext& context, const Json& in);
  awaitable<Json> assume_role_with_web_identity(RequestContext& context, const Json& in);
  awaitable<Json> get_session_token(RequestContext& context, const Json& in);

  // Who signed the request: root of the key's account for long-term keys, the session's
  // identity for keys STS issued.
  struct Caller {
    std::string account;
    std::string arn;
    std::string user_id;
    bool session = false;
  };
  Caller caller(const RequestContext& context) const;
  // The account a long-term or issued key acts for.
  std::string account_of(std::string_view access_key_id) const;
  // Makes a session of `duration_seconds` for `account` and stores it durably; returns its
  // Credentials output value.
  awaitable<Json> issue(const std::string& account, const std::string& arn, const std::string& user_id,
                        std::string_view operation, int64_t duration_seconds);

  storage::Store& store_;
  Clock& clock_;
  const auth::Credentials* credentials_;
  SessionTable sessions_;
};

std::unique_ptr<StsService> make_sts_service(storage::Store& store, Clock& clock,
                                             const auth::Credentials* credentials);

}  // namespace nimbus::sts
