#pragma once
// IAM resource policies (S3 bucket policies): the JSON document parsed into statements, and the
// decision one policy gives for one request. Pure functions; no I/O, no service knowledge.
//
// Evaluation follows AWS's rules for a single resource policy: an explicit Deny wins, else an
// Allow that matches principal, action, resource and every condition, else no decision
// (implicit deny: whether that denies is the caller's rule, e.g. the bucket owner's account
// passes without an Allow).

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/policy_conditions.h"

namespace nimbus::auth {

// A policy AWS would refuse; what() reads like AWS's MalformedPolicy message.
struct PolicyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Who asks, as a resource policy sees the caller. Anonymous when account_id is empty.
struct PolicyPrincipal {
  std::string account_id;  // 12 digits; "" for an unsigned request
  std::string arn;         // "arn:aws:iam::123456789012:root" (nimbus models no IAM users)
};

// One request against a policy.
struct AccessRequest {
  PolicyPrincipal principal;
  std::string action;    // "s3:GetObject"
  std::string resource;  // "arn:aws:s3:::bucket/key"
  ConditionContext keys;  // condition keys present in the request
};

struct PolicyStatement {
  std::string sid;
  bool allow = true;  // Effect: Allow / Deny
  // Principal / NotPrincipal entries: "*", 12-digit accounts or IAM ARNs ({"AWS": ...}), and
  // "service:NAME", "canonical:ID", "federated:NAME" for the other principal kinds.
  std::vector<std::string> principals;
  bool not_principal = false;
  std::vector<std::string> actions;  // Action / NotAction patterns ("s3:Get*")
  bool not_action = false;
  std::vector<std::string> resources;  // Resource / NotResource patterns ("arn:aws:s3:::b/*")
  bool not_resource = false;
  std::vector<ConditionTest> conditions;  // all must hold
};

struct Policy {
  std::string version;  // "2012-10-17" or "2008-10-17"
  std::vector<PolicyStatement> statements;
};

enum class PolicyDecision { kNone, kAllow, kDeny };

// Parses a resource policy (Principal required). Throws PolicyError.
Policy parse_policy(const nlohmann::json& document);

PolicyDecision evaluate_policy(const Policy& policy, const AccessRequest& request);

// Whether one statement applies to the request (principal, action, resource, conditions).
bool statement_applies(const PolicyStatement& statement, const AccessRequest& request);

// IAM wildcard match: `*` any run of characters, `?` one character.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case = false);

}  // namespace nimbus::auth
