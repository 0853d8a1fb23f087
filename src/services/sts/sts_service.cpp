#include "services/sts/sts_service.h"

#include "core/text.h"
#include "services/sts/sts_rules.h"

namespace nimbus::sts {
namespace {

// Expired sessions are kept this long (GetCallerIdentity / ExpiredToken still know them), then
// dropped at the next start.
constexpr int64_t kKeepExpiredMs = 24 * 3600 * 1000;

}  // namespace

std::unique_ptr<StsService> make_sts_service(storage::Store& store, Clock& clock,
                                             const auth::Credentials* credentials) {
  return std::make_unique<StsService>(store, clock, credentials);
}

const std::unordered_map<std::string_view, StsService::Handler>& StsService::handlers() {
  static const std::unordered_map<std::string_view, Handler> table = {
      {"AssumeRole", &StsService::assume_role},
      {"AssumeRoleWithWebIdentity", &StsService::assume_role_with_web_identity},
      {"DecodeAuthorizationMessage", &StsService::decode_authorization_message},
      {"GetAccessKeyInfo", &StsService::get_access_key_info},
      {"GetCallerIdentity", &StsService::get_caller_identity},
      {"GetSessionToken", &StsService::get_session_token},
  };
  return table;
}

StsService::StsService(storage::Store& store, Clock& clock, const auth::Credentials* credentials)
    : store_(store), clock_(clock), credentials_(credentials) {}

const model::ServiceModel& StsService::model() const { return model::sts_model(); }

bool StsService::implements(std::string_view operation) const { return handlers().count(operation) > 0; }

awaitable<Json> StsService::invoke(std::string_view operation, RequestContext& context, Json input) {
  auto it = handlers().find(operation);
  if (it == handlers().end()) {
    throw AwsError::invalid_action("Could not find operation " + std::string(operation) + " for version 2011-06-15");
  }
  if (!input.is_object()) input = Json::object();
  co_return co_await (this->*(it->second))(context, input);
}

void StsService::start(boost::asio::any_io_executor) {
  storage::WriteBatch drop;
  sessions_.load(store_, clock_.now_ms(), kKeepExpiredMs, drop);
  if (!drop.empty()) store_.submit(std::move(drop));
}

awaitable<void> StsService::reset() {
  sessions_.clear();
  co_await store_.wipe(kSpace);
}

Json StsService::health() const { return {{"state", "running"}, {"sessions", sessions_.size()}}; }

bool StsService::allows_anonymous(const HttpRequest& head) const {
  std::string_view target = head.target();
  auto question = target.find('?');
  for (std::string_view text : {question == std::string_view::npos ? std::string_view() : target.substr(question + 1),
                                std::string_view(head.body())}) {
    auto params = text::parse_form(text);
    if (!params) continue;
    for (const auto& [name, value] : *params) {
      if (name == "Action") return value == "AssumeRoleWithWebIdentity" || value == "AssumeRoleWithSAML";
    }
  }
  return false;
}

std::optional<auth::SessionCredential> StsService::find_session(std::string_view access_key_id) const {
  if (!access_key_id.starts_with("ASIA")) return std::nullopt;  // the hot path: long-term keys
  auto session = sessions_.find(access_key_id);
  if (!session) return std::nullopt;
  return session->credential;
}

StsService::Caller StsService::caller(const RequestContext& context) const {
  if (auto session = sessions_.find(context.access_key_id)) {
    return {session->credential.account_id, session->arn, session->user_id, true};
  }
  const std::string& account = context.account_id;
  return {account, "arn:aws:iam::" + account + ":root", account, false};
}

std::string StsService::account_of(std::string_view access_key_id) const {
  if (auto session = sessions_.find(access_key_id)) return session->credential.account_id;
  return auth::resolve_account(access_key_id, credentials_);
}

awaitable<Json> StsService::issue(const std::string& account, const std::string& arn, const std::string& user_id,
                                  std::string_view operation, int64_t duration_seconds) {
  IssuedSession session;
  session.credential = {new_temporary_key_id(), new_secret_access_key(), new_session_token(), account,
                        clock_.now_ms() + duration_seconds * 1000};
  session.arn = arn;
  session.user_id = user_id;
  session.issued_by = std::string(operation);
  session.issued_ms = clock_.now_ms();
  // Whole seconds, as AWS writes Expiration; the stored expiry is the same instant.
  session.credential.expires_ms -= session.credential.expires_ms % 1000;
  Json credentials = {{"AccessKeyId", session.credential.access_key_id},
                      {"SecretAccessKey", session.credential.secret_access_key},
                      {"SessionToken", session.credential.session_token},
                      {"Expiration", session.credential.expires_ms / 1000}};
  storage::WriteBatch batch;
  sessions_.add(std::move(session), batch);
  co_await store_.commit(std::move(batch));
  co_return credentials;
}

}  // namespace nimbus::sts
