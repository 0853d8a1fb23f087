#pragma once
// STS's request rules and the identifiers it hands out: role ARNs, session names, session
// policies and tags (packed size), temporary keys, role ids, web identity tokens.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nimbus::sts {

using Json = nlohmann::json;

// arn:<partition>:iam::<12 digits>:role/[<path>/]<name>
struct RoleArn {
  std::string partition;
  std::string account;
  std::string name;  // without the path
};
std::optional<RoleArn> parse_role_arn(std::string_view arn);

// [\w+=,.@-]* (length is the model's: 2-64). Throws ValidationError naming `field`.
void check_session_name(std::string_view name, std::string_view field);

// Checks the session policy (JSON object) and tags (no duplicate keys, case-insensitive); returns
// PackedPolicySize, the percentage of the packed-policy allowance they use (an estimate: AWS
// compresses them). Throws MalformedPolicyDocument, InvalidParameterValue, PackedPolicyTooLarge.
int64_t packed_policy_size(const std::optional<std::string>& policy, const Json& tags);

// "ASIA" + 16 characters of [A-Z2-7]: 20 in all, as AWS's temporary keys.
std::string new_temporary_key_id();
std::string new_secret_access_key();  // 40 characters
std::string new_session_token();
// The stable unique id of a role ("AROA" + 17 characters), derived from its ARN.
std::string role_id(std::string_view role_arn);

// The claims of a JWT-shaped web identity token (three base64url segments, JSON header and
// payload); nullopt when it is not one. The signature is not checked.
std::optional<Json> web_identity_claims(std::string_view token);

}  // namespace nimbus::sts
