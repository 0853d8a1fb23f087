#include "services/s3/bucket_policy.h"

#include <algorithm>

#include "auth/access_policy.h"
#include "services/s3/s3_errors.h"

namespace nimbus::s3 {
namespace {

using Json = nlohmann::json;

std::vector<std::string> string_list(const Json& value) {
  std::vector<std::string> out;
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) throw errors::malformed_policy("Policy has an invalid value");
      out.push_back(item.get<std::string>());
    }
  }
  return out;
}

void validate_statement(const Json& statement, std::string_view bucket) {
  if (!statement.is_object()) throw errors::malformed_policy("Statement is not well-formed");
  auto effect = statement.find("Effect");
  if (effect == statement.end()) throw errors::malformed_policy("Missing required field Effect");
  if (*effect != "Allow" && *effect != "Deny") throw errors::malformed_policy("Invalid effect: " + effect->dump());
  if (!statement.contains("Principal") && !statement.contains("NotPrincipal")) {
    throw errors::malformed_policy("Missing required field Principal");
  }
  if (!statement.contains("Action") && !statement.contains("NotAction")) {
    throw errors::malformed_policy("Missing required field Action");
  }
  for (const auto& action : string_list(statement.contains("Action") ? statement["Action"] : statement["NotAction"])) {
    if (action != "*" && !action.starts_with("s3:")) throw errors::malformed_policy("Policy has invalid action");
  }
  if (!statement.contains("Resource") && !statement.contains("NotResource")) {
    throw errors::malformed_policy("Missing required field Resource");
  }
  std::string own = "arn:aws:s3:::" + std::string(bucket);
  for (const auto& resource :
       string_list(statement.contains("Resource") ? statement["Resource"] : statement["NotResource"])) {
    bool inside = resource == "*" || resource == own || resource.starts_with(own + "/") ||
                  (resource.starts_with("arn:aws:s3:::") && resource.find('*') != std::string::npos);
    if (!inside) throw errors::malformed_policy("Policy has invalid resource");
  }
}

bool grants_everyone(const Json& principal) {
  if (principal == "*") return true;
  if (!principal.is_object()) return false;
  auto aws = principal.find("AWS");
  if (aws == principal.end()) return false;
  auto names = string_list(*aws);
  return std::find(names.begin(), names.end(), "*") != names.end();
}

}  // namespace

Json validate_bucket_policy(std::string_view document, std::string_view bucket) {
  auto start = document.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || document[start] != '{') {
    throw errors::malformed_policy("Policies must be valid JSON and the first byte must be '{'");
  }
  auto policy = Json::parse(document, nullptr, false);
  if (policy.is_discarded() || !policy.is_object()) {
    throw errors::malformed_policy("This policy contains invalid Json");
  }
  auto statements = policy.find("Statement");
  if (statements == policy.end()) throw errors::malformed_policy("Missing required field Statement");
  if (statements->is_object()) {
    validate_statement(*statements, bucket);
  } else if (statements->is_array() && !statements->empty()) {
    for (const auto& statement : *statements) validate_statement(statement, bucket);
  } else {
    throw errors::malformed_policy("Could not parse the policy: Statement is empty!");
  }
  try {
    auth::parse_policy(policy);  // the rest the evaluator needs: principals, conditions, fields
  } catch (const auth::PolicyError& error) {
    throw errors::malformed_policy(error.what());
  }
  return policy;
}

bool policy_is_public(const Json& policy) {
  auto statements = policy.value("Statement", Json::array());
  if (statements.is_object()) statements = Json::array({statements});
  for (const auto& statement : statements) {
    if (statement.value("Effect", "") == "Allow" && !statement.contains("Condition") &&
        statement.contains("Principal") && grants_everyone(statement["Principal"])) {
      return true;
    }
  }
  return false;
}

}  // namespace nimbus::s3
