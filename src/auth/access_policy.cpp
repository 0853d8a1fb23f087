#include "auth/access_policy.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace nimbus::auth {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kStatementFields[] = {"Sid",      "Effect",      "Principal", "NotPrincipal",
                                                 "Action",   "NotAction",   "Resource",  "NotResource",
                                                 "Condition"};

bool is_account_id(std::string_view text) {
  return text.size() == 12 && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A string or a non-empty list of strings.
std::vector<std::string> string_list(const Json& value, const char* field) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array() && !value.empty()) {
    for (const auto& item : value) {
      if (!item.is_string()) throw PolicyError(std::string("Policy has an invalid value in ") + field);
      out.push_back(item.get<std::string>());
    }
  } else {
    throw PolicyError(std::string("Policy has an invalid value in ") + field);
  }
  return out;
}

std::vector<std::string> parse_principals(const Json& value) {
  if (value.is_string()) {
    if (value != "*") throw PolicyError("Invalid principal in policy");
    return {"*"};
  }
  if (!value.is_object() || value.empty()) throw PolicyError("Invalid principal in policy");
  std::vector<std::string> principals;
  for (const auto& [kind, names] : value.items()) {
    for (auto& name : string_list(names, "Principal")) {
      if (kind == "AWS") {
        bool valid = name == "*" || is_account_id(name) || name.starts_with("arn:aws:iam::") ||
                     name.starts_with("arn:aws:sts::");
        if (!valid) throw PolicyError("Invalid principal in policy");
        principals.push_back(name);
      } else if (kind == "Service") {
        principals.push_back("service:" + name);
      } else if (kind == "CanonicalUser") {
        principals.push_back("canonical:" + name);
      } else if (kind == "Federated") {
        principals.push_back("federated:" + name);
      } else {
        throw PolicyError("Invalid principal in policy");
      }
    }
  }
  return principals;
}

// Exactly one of `field` and `not_field`; the list and whether it was the Not form.
std::pair<std::vector<std::string>, bool> either(const Json& statement, const char* field,
                                                 const char* not_field) {
  bool has = statement.contains(field), has_not = statement.contains(not_field);
  if (has && has_not) throw PolicyError(std::string("Statement cannot have both ") + field + " and " + not_field);
  if (!has && !has_not) throw PolicyError(std::string("Missing required field ") + field);
  return {string_list(statement[has ? field : not_field], has ? field : not_field), has_not};
}

PolicyStatement parse_statement(const Json& json) {
  if (!json.is_object()) throw PolicyError("Statement is not well-formed");
  for (const auto& [field, value] : json.items()) {
    if (std::find(std::begin(kStatementFields), std::end(kStatementFields), field) == std::end(kStatementFields)) {
      throw PolicyError("Unknown field " + field);
    }
  }
  PolicyStatement statement;
  if (json.contains("Sid")) {
    if (!json["Sid"].is_string()) throw PolicyError("Statement IDs (SID) must be strings");
    statement.sid = json["Sid"].get<std::string>();
  }
  auto effect = json.find("Effect");
  if (effect == json.end()) throw PolicyError("Missing required field Effect");
  if (*effect != "Allow" && *effect != "Deny") throw PolicyError("Invalid effect: " + effect->dump());
  statement.allow = *effect == "Allow";

  bool has_principal = json.contains("Principal"), has_not_principal = json.contains("NotPrincipal");
  if (has_principal == has_not_principal) {
    throw PolicyError(has_principal ? "Statement cannot have both Principal and NotPrincipal"
                                    : "Missing required field Principal");
  }
  statement.not_principal = has_not_principal;
  statement.principals = parse_principals(json[has_principal ? "Principal" : "NotPrincipal"]);

  std::tie(statement.actions, statement.not_action) = either(json, "Action", "NotAction");
  for (const auto& action : statement.actions) {
    if (action != "*" && action.find(':') == std::string::npos) throw PolicyError("Policy has invalid action");
  }
  std::tie(statement.resources, statement.not_resource) = either(json, "Resource", "NotResource");

  if (auto condition = json.find("Condition"); condition != json.end()) {
    if (!condition->is_object()) throw PolicyError("Condition is not well-formed");
    for (const auto& [operator_name, keys] : condition->items()) {
      try {
        auto tests = parse_condition_block(operator_name, keys);
        statement.conditions.insert(statement.conditions.end(), tests.begin(), tests.end());
      } catch (const std::invalid_argument& error) {
        throw PolicyError(error.what());
      }
    }
  }
  return statement;
}

bool principal_listed(const std::vector<std::string>& principals, const PolicyPrincipal& caller) {
  for (const auto& principal : principals) {
    if (principal == "*") return true;
    if (caller.account_id.empty()) continue;  // anonymous: only "*" names it
    if (principal == caller.account_id || principal == caller.arn ||
        principal == "arn:aws:iam::" + caller.account_id + ":root") {
      return true;
    }
  }
  return false;
}

bool any_matches(const std::vector<std::string>& patterns, const std::string& value, bool ignore_case) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) { return wildcard_match(pattern, value, ignore_case); });
}

}  // namespace

Policy parse_policy(const Json& document) {
  if (!document.is_object()) throw PolicyError("This policy contains invalid Json");
  for (const auto& [field, value] : document.items()) {
    if (field != "Version" && field != "Id" && field != "Statement") throw PolicyError("Unknown field " + field);
  }
  Policy policy;
  if (document.contains("Version")) {
    const auto& version = document["Version"];
    if (version != "2012-10-17" && version != "2008-10-17") {
      throw PolicyError("The policy must contain a valid version string");
    }
    policy.version = version.get<std::string>();
  }
  auto statements = document.find("Statement");
  if (statements == document.end()) throw PolicyError("Missing required field Statement");
  if (statements->is_array()) {
    if (statements->empty()) throw PolicyError("Could not parse the policy: Statement is empty!");
    for (const auto& statement : *statements) policy.statements.push_back(parse_statement(statement));
  } else {
    policy.statements.push_back(parse_statement(*statements));
  }
  return policy;
}

bool statement_applies(const PolicyStatement& statement, const AccessRequest& request) {
  if (principal_listed(statement.principals, request.principal) == statement.not_principal) return false;
  if (any_matches(statement.actions, request.action, true) == statement.not_action) return false;
  if (any_matches(statement.resources, request.resource, false) == statement.not_resource) return false;
  return std::all_of(statement.conditions.begin(), statement.conditions.end(),
                     [&](const ConditionTest& test) { return condition_holds(test, request.keys); });
}

PolicyDecision evaluate_policy(const Policy& policy, const AccessRequest& request) {
  bool allowed = false;
  for (const auto& statement : policy.statements) {
    if (!statement_applies(statement, request)) continue;
    if (!statement.allow) return PolicyDecision::kDeny;
    allowed = true;
  }
  return allowed ? PolicyDecision::kAllow : PolicyDecision::kNone;
}

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto same = [ignore_case](char a, char b) {
    if (!ignore_case) return a == b;
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  };
  // Iterative glob with backtracking to the last `*`: linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace nimbus::auth
