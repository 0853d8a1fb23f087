// AssumeRole, AssumeRoleWithWebIdentity and GetSessionToken: temporary credentials on nimbus's
// clock, acting in the role's account (or the caller's, for GetSessionToken).

#include <optional>

#include "services/sts/sts_errors.h"
#include "services/sts/sts_rules.h"
#include "services/sts/sts_service.h"

namespace nimbus::sts {
namespace {

constexpr int64_t kDefaultRoleSeconds = 3600;
constexpr int64_t kDefaultSessionTokenSeconds = 43200;

std::optional<std::string> opt_string(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

int64_t duration_of(const Json& in, int64_t fallback) {
  auto it = in.find("DurationSeconds");
  return it != in.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

RoleArn role_of(const std::string& arn) {
  auto role = parse_role_arn(arn);
  if (!role) throw errors::invalid_role_arn(arn);
  return *role;
}

// The AssumedRoleUser output and the session's identity.
Json assumed_role_user(const RoleArn& role, const std::string& role_arn, const std::string& session_name) {
  return {{"AssumedRoleId", role_id(role_arn) + ":" + session_name},
          {"Arn", "arn:" + role.partition + ":sts::" + role.account + ":assumed-role/" + role.name + "/" + session_name}};
}

}  // namespace

awaitable<Json> StsService::assume_role(RequestContext&, const Json& in) {
  std::string role_arn = in.value("RoleArn", "");
  std::string session_name = in.value("RoleSessionName", "");
  auto role = role_of(role_arn);
  check_session_name(session_name, "roleSessionName");
  auto policy = opt_string(in, "Policy");
  auto tags = in.value("Tags", Json::array());
  int64_t packed = packed_policy_size(policy, tags);
  Json user = assumed_role_user(role, role_arn, session_name);
  Json credentials = co_await issue(role.account, user["Arn"], user["AssumedRoleId"], "AssumeRole",
                                    duration_of(in, kDefaultRoleSeconds));
  Json out = {{"Credentials", std::move(credentials)}, {"AssumedRoleUser", std::move(user)}};
  if (policy || !tags.empty()) out["PackedPolicySize"] = packed;
  if (auto source = opt_string(in, "SourceIdentity")) out["SourceIdentity"] = *source;
  co_return out;
}

awaitable<Json> StsService::assume_role_with_web_identity(RequestContext&, const Json& in) {
  std::string role_arn = in.value("RoleArn", "");
  std::string session_name = in.value("RoleSessionName", "");
  auto role = role_of(role_arn);
  check_session_name(session_name, "roleSessionName");
  auto claims = web_identity_claims(in.value("WebIdentityToken", ""));
  if (!claims) throw errors::not_a_jwt();
  auto exp = claims->find("exp");
  if (exp == claims->end() || !exp->is_number()) {
    throw errors::invalid_identity_token("The ID Token provided does not contain the required claim: exp");
  }
  int64_t now_seconds = clock_.now_seconds();
  if (exp->get<int64_t>() <= now_seconds) throw errors::web_identity_token_expired(now_seconds, exp->get<int64_t>());
  auto policy = opt_string(in, "Policy");
  int64_t packed = packed_policy_size(policy, Json::array());
  Json user = assumed_role_user(role, role_arn, session_name);
  Json credentials = co_await issue(role.account, user["Arn"], user["AssumedRoleId"],
                                    "AssumeRoleWithWebIdentity", duration_of(in, kDefaultRoleSeconds));
  Json out = {{"Credentials", std::move(credentials)}, {"AssumedRoleUser", std::move(user)}};
  if (policy) out["PackedPolicySize"] = packed;
  if (auto sub = claims->find("sub"); sub != claims->end() && sub->is_string()) {
    out["SubjectFromWebIdentityToken"] = *sub;
  }
  if (auto aud = claims->find("aud"); aud != claims->end()) {
    if (aud->is_string()) out["Audience"] = *aud;
    if (aud->is_array() && !aud->empty() && aud->front().is_string()) out["Audience"] = aud->front();
  }
  std::string provider = opt_string(in, "ProviderId").value_or(claims->value("iss", ""));
  if (provider.starts_with("https://")) provider.erase(0, 8);
  if (!provider.empty()) out["Provider"] = provider;
  co_return out;
}

awaitable<Json> StsService::get_session_token(RequestContext& context, const Json& in) {
  auto who = caller(context);
  if (who.session) throw errors::session_token_from_session();
  Json credentials = co_await issue(who.account, who.arn, who.user_id, "GetSessionToken",
                                    duration_of(in, kDefaultSessionTokenSeconds));
  co_return Json{{"Credentials", std::move(credentials)}};
}

}  // namespace nimbus::sts
