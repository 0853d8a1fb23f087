// IAM resource policies: parsing (what AWS refuses), principal/action/resource matching, explicit
// Deny winning, and condition operators with IAM's rules for absent keys.

#include <gtest/gtest.h>

#include "auth/access_policy.h"

namespace nimbus::auth {
namespace {

using Json = nlohmann::json;

constexpr const char* kOwner = "111111111111";
constexpr const char* kOther = "222222222222";

PolicyPrincipal account(const std::string& id) { return {id, "arn:aws:iam::" + id + ":root"}; }

AccessRequest request(const std::string& action, const std::string& resource,
                      PolicyPrincipal principal = account(kOther), ConditionContext keys = {}) {
  return {std::move(principal), action, resource, std::move(keys)};
}

Json statement(const std::string& effect, Json principal, Json action, Json resource) {
  return {{"Effect", effect}, {"Principal", principal}, {"Action", action}, {"Resource", resource}};
}

PolicyDecision decide(const Json& statements, const AccessRequest& request) {
  return evaluate_policy(parse_policy({{"Version", "2012-10-17"}, {"Statement", statements}}), request);
}

std::string parse_error(const Json& document) {
  try {
    parse_policy(document);
  } catch (const PolicyError& error) {
    return error.what();
  }
  return "";
}

bool holds(const std::string& op, const Json& keys, const ConditionContext& context) {
  auto tests = parse_condition_block(op, keys);
  for (const auto& test : tests) {
    if (!condition_holds(test, context)) return false;
  }
  return true;
}

TEST(WildcardMatch, StarsAndQuestionMarks) {
  EXPECT_TRUE(wildcard_match("s3:Get*", "s3:GetObject"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b/c"));
  EXPECT_FALSE(wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_FALSE(wildcard_match("a?c", "ac"));
  EXPECT_TRUE(wildcard_match("*a*b*c", "xxaxxbxxbxc"));
  EXPECT_FALSE(wildcard_match("*a*b*c", "xxaxxbxxbx"));
  EXPECT_FALSE(wildcard_match("S3:GETOBJECT", "s3:GetObject"));
  EXPECT_TRUE(wildcard_match("S3:GET*", "s3:GetObject", true));
}

TEST(PolicyParse, AcceptsSingleStatementObjectsAndLists) {
  auto policy = parse_policy({{"Version", "2012-10-17"},
                              {"Statement", statement("Allow", "*", "s3:GetObject", "arn:aws:s3:::b/*")}});
  ASSERT_EQ(policy.statements.size(), 1u);
  EXPECT_TRUE(policy.statements[0].allow);
  EXPECT_EQ(policy.statements[0].principals, std::vector<std::string>{"*"});
  auto listed = parse_policy({{"Statement", Json::array({statement("Deny", {{"AWS", {kOther, "*"}}},
                                                                   Json::array({"s3:*"}), "*")})}});
  EXPECT_FALSE(listed.statements[0].allow);
  EXPECT_EQ(listed.statements[0].principals.size(), 2u);
}

TEST(PolicyParse, RefusesWhatAwsRefuses) {
  auto good = statement("Allow", "*", "s3:GetObject", "arn:aws:s3:::b/*");
  auto with = [&](const std::string& field, Json value) {
    Json s = good;
    if (value.is_null()) {
      s.erase(field);
    } else {
      s[field] = value;
    }
    return Json{{"Version", "2012-10-17"}, {"Statement", Json::array({s})}};
  };
  EXPECT_EQ(parse_error(with("Effect", "Permit")), "Invalid effect: \"Permit\"");
  EXPECT_EQ(parse_error(with("Effect", nullptr)), "Missing required field Effect");
  EXPECT_EQ(parse_error(with("Principal", nullptr)), "Missing required field Principal");
  EXPECT_EQ(parse_error(with("Principal", "someone")), "Invalid principal in policy");
  EXPECT_EQ(parse_error(with("Principal", {{"AWS", "not-an-account"}})), "Invalid principal in policy");
  EXPECT_EQ(parse_error(with("Action", nullptr)), "Missing required field Action");
  EXPECT_EQ(parse_error(with("Action", "GetObject")), "Policy has invalid action");
  EXPECT_EQ(parse_error(with("Resource", nullptr)), "Missing required field Resource");
  EXPECT_EQ(parse_error(with("Condition", {{"StringEqualz", {{"aws:SourceIp", "x"}}}})),
            "Invalid Condition type : StringEqualz");
  EXPECT_EQ(parse_error(with("Colour", "blue")), "Unknown field Colour");
  EXPECT_EQ(parse_error({{"Version", "2020-01-01"}, {"Statement", Json::array({good})}}),
            "The policy must contain a valid version string");
  EXPECT_EQ(parse_error({{"Version", "2012-10-17"}}), "Missing required field Statement");
  EXPECT_EQ(parse_error({{"Statement", Json::array()}}), "Could not parse the policy: Statement is empty!");
  Json both = good;
  both["NotAction"] = "s3:PutObject";
  EXPECT_EQ(parse_error({{"Statement", both}}), "Statement cannot have both Action and NotAction");
}

TEST(PolicyEvaluate, AllowsOnlyMatchingPrincipalActionAndResource) {
  auto allow = statement("Allow", {{"AWS", std::string("arn:aws:iam::") + kOther + ":root"}},
                         "s3:GetObject", "arn:aws:s3:::b/*");
  EXPECT_EQ(decide(allow, request("s3:GetObject", "arn:aws:s3:::b/k")), PolicyDecision::kAllow);
  EXPECT_EQ(decide(allow, request("s3:getobject", "arn:aws:s3:::b/k")), PolicyDecision::kAllow);
  EXPECT_EQ(decide(allow, request("s3:PutObject", "arn:aws:s3:::b/k")), PolicyDecision::kNone);
  EXPECT_EQ(decide(allow, request("s3:GetObject", "arn:aws:s3:::b")), PolicyDecision::kNone);
  EXPECT_EQ(decide(allow, request("s3:GetObject", "arn:aws:s3:::other/k")), PolicyDecision::kNone);
  EXPECT_EQ(decide(allow, request("s3:GetObject", "arn:aws:s3:::b/k", account("333333333333"))),
            PolicyDecision::kNone);
  EXPECT_EQ(decide(allow, request("s3:GetObject", "arn:aws:s3:::b/k", {})), PolicyDecision::kNone);
}

TEST(PolicyEvaluate, AccountIdsRootArnsAndStarNameAccounts) {
  auto by_id = statement("Allow", {{"AWS", kOther}}, "s3:*", "*");
  EXPECT_EQ(decide(by_id, request("s3:ListBucket", "arn:aws:s3:::b")), PolicyDecision::kAllow);
  auto user = statement("Allow", {{"AWS", std::string("arn:aws:iam::") + kOther + ":user/alice"}}, "s3:*", "*");
  EXPECT_EQ(decide(user, request("s3:ListBucket", "arn:aws:s3:::b")), PolicyDecision::kNone);
  auto everyone = statement("Allow", {{"AWS", "*"}}, "s3:GetObject", "arn:aws:s3:::b/*");
  EXPECT_EQ(decide(everyone, request("s3:GetObject", "arn:aws:s3:::b/k", {})), PolicyDecision::kAllow);
  auto service = statement("Allow", {{"Service", "logging.s3.amazonaws.com"}}, "s3:*", "*");
  EXPECT_EQ(decide(service, request("s3:GetObject", "arn:aws:s3:::b/k")), PolicyDecision::kNone);
}

TEST(PolicyEvaluate, ExplicitDenyWinsOverAllow) {
  auto statements = Json::array({statement("Allow", "*", "s3:*", "arn:aws:s3:::b/*"),
                                 statement("Deny", "*", "s3:DeleteObject", "arn:aws:s3:::b/keep/*")});
  EXPECT_EQ(decide(statements, request("s3:DeleteObject", "arn:aws:s3:::b/keep/x")), PolicyDecision::kDeny);
  EXPECT_EQ(decide(statements, request("s3:DeleteObject", "arn:aws:s3:::b/tmp/x")), PolicyDecision::kAllow);
  EXPECT_EQ(decide(statements, request("s3:DeleteObject", "arn:aws:s3:::b/keep/x", account(kOwner))),
            PolicyDecision::kDeny);
}

TEST(PolicyEvaluate, NotPrincipalNotActionAndNotResource) {
  Json not_principal = {{"Effect", "Deny"}, {"NotPrincipal", {{"AWS", kOwner}}}, {"Action", "s3:*"},
                        {"Resource", "*"}};
  EXPECT_EQ(decide(not_principal, request("s3:GetObject", "arn:aws:s3:::b/k")), PolicyDecision::kDeny);
  EXPECT_EQ(decide(not_principal, request("s3:GetObject", "arn:aws:s3:::b/k", {})), PolicyDecision::kDeny);
  EXPECT_EQ(decide(not_principal, request("s3:GetObject", "arn:aws:s3:::b/k", account(kOwner))),
            PolicyDecision::kNone);
  Json not_action = {{"Effect", "Allow"}, {"Principal", "*"}, {"NotAction", "s3:Delete*"}, {"Resource", "*"}};
  EXPECT_EQ(decide(not_action, request("s3:GetObject", "arn:aws:s3:::b/k")), PolicyDecision::kAllow);
  EXPECT_EQ(decide(not_action, request("s3:DeleteObject", "arn:aws:s3:::b/k")), PolicyDecision::kNone);
  Json not_resource = {{"Effect", "Deny"}, {"Principal", "*"}, {"Action", "s3:*"},
                       {"NotResource", "arn:aws:s3:::b/public/*"}};
  EXPECT_EQ(decide(not_resource, request("s3:GetObject", "arn:aws:s3:::b/private/k")), PolicyDecision::kDeny);
  EXPECT_EQ(decide(not_resource, request("s3:GetObject", "arn:aws:s3:::b/public/k")), PolicyDecision::kNone);
}

TEST(PolicyEvaluate, ConditionsMustAllHold) {
  Json allow = statement("Allow", "*", "s3:ListBucket", "arn:aws:s3:::b");
  allow["Condition"] = {{"StringLike", {{"s3:prefix", Json::array({"home/*", ""})}}},
                        {"IpAddress", {{"aws:SourceIp", "127.0.0.0/8"}}}};
  ConditionContext keys = {{"s3:prefix", {"home/alice"}}, {"aws:sourceip", {"127.0.0.1"}}};
  EXPECT_EQ(decide(allow, request("s3:ListBucket", "arn:aws:s3:::b", account(kOther), keys)), PolicyDecision::kAllow);
  keys["aws:sourceip"] = {"10.1.1.1"};
  EXPECT_EQ(decide(allow, request("s3:ListBucket", "arn:aws:s3:::b", account(kOther), keys)), PolicyDecision::kNone);
  keys = {{"aws:sourceip", {"127.0.0.1"}}};  // no prefix at all: StringLike fails
  EXPECT_EQ(decide(allow, request("s3:ListBucket", "arn:aws:s3:::b", account(kOther), keys)), PolicyDecision::kNone);
}

TEST(PolicyConditions, StringOperatorsAndAbsentKeys) {
  ConditionContext acl = {{"s3:x-amz-acl", {"public-read"}}};
  EXPECT_TRUE(holds("StringEquals", {{"s3:x-amz-acl", "public-read"}}, acl));
  EXPECT_TRUE(holds("StringEquals", {{"S3:X-AMZ-ACL", Json::array({"private", "public-read"})}}, acl));
  EXPECT_FALSE(holds("StringEquals", {{"s3:x-amz-acl", "PUBLIC-READ"}}, acl));
  EXPECT_TRUE(holds("StringEqualsIgnoreCase", {{"s3:x-amz-acl", "PUBLIC-READ"}}, acl));
  EXPECT_FALSE(holds("StringNotEquals", {{"s3:x-amz-acl", Json::array({"private", "public-read"})}}, acl));
  EXPECT_TRUE(holds("StringNotEquals", {{"s3:x-amz-acl", "private"}}, acl));
  EXPECT_TRUE(holds("StringLike", {{"s3:x-amz-acl", "public-*"}}, acl));
  EXPECT_FALSE(holds("StringNotLike", {{"s3:x-amz-acl", "public-*"}}, acl));
  EXPECT_TRUE(holds("StringNotEqualsIgnoreCase", {{"s3:x-amz-acl", "PRIVATE"}}, acl));
  // Absent keys: positive operators fail, negated ones pass, IfExists passes.
  ConditionContext none;
  EXPECT_FALSE(holds("StringEquals", {{"s3:x-amz-acl", "private"}}, none));
  EXPECT_TRUE(holds("StringNotEquals", {{"s3:x-amz-acl", "private"}}, none));
  EXPECT_TRUE(holds("StringEqualsIfExists", {{"s3:x-amz-acl", "private"}}, none));
  EXPECT_FALSE(holds("StringEqualsIfExists", {{"s3:x-amz-acl", "private"}}, acl));
  // Several keys in one block are AND-ed.
  ConditionContext two = {{"a:x", {"1"}}, {"a:y", {"2"}}};
  EXPECT_TRUE(holds("StringEquals", {{"a:x", "1"}, {"a:y", "2"}}, two));
  EXPECT_FALSE(holds("StringEquals", {{"a:x", "1"}, {"a:y", "3"}}, two));
}

TEST(PolicyConditions, BoolNullNumericDateBinaryAndArn) {
  ConditionContext keys = {{"aws:securetransport", {"false"}},
                           {"s3:max-keys", {"50"}},
                           {"aws:currenttime", {"2024-06-01T12:00:00Z"}},
                           {"aws:epochtime", {"1717243200"}},
                           {"a:bin", {"QmluYXJ5"}},
                           {"aws:sourcearn", {"arn:aws:sns:us-east-1:111111111111:topic"}}};
  EXPECT_TRUE(holds("Bool", {{"aws:SecureTransport", false}}, keys));
  EXPECT_TRUE(holds("Bool", {{"aws:SecureTransport", "FALSE"}}, keys));
  EXPECT_FALSE(holds("Bool", {{"aws:SecureTransport", "true"}}, keys));
  EXPECT_TRUE(holds("Null", {{"s3:x-amz-acl", "true"}}, keys));
  EXPECT_FALSE(holds("Null", {{"s3:x-amz-acl", "false"}}, keys));
  EXPECT_TRUE(holds("Null", {{"s3:max-keys", false}}, keys));
  EXPECT_TRUE(holds("NumericLessThan", {{"s3:max-keys", 100}}, keys));
  EXPECT_FALSE(holds("NumericLessThan", {{"s3:max-keys", "50"}}, keys));
  EXPECT_TRUE(holds("NumericLessThanEquals", {{"s3:max-keys", "50"}}, keys));
  EXPECT_TRUE(holds("NumericGreaterThan", {{"s3:max-keys", "10.5"}}, keys));
  EXPECT_TRUE(holds("NumericGreaterThanEquals", {{"s3:max-keys", 50}}, keys));
  EXPECT_TRUE(holds("NumericEquals", {{"s3:max-keys", 50}}, keys));
  EXPECT_TRUE(holds("NumericNotEquals", {{"s3:max-keys", 51}}, keys));
  EXPECT_FALSE(holds("NumericEquals", {{"s3:max-keys", "fifty"}}, keys));
  EXPECT_TRUE(holds("DateGreaterThan", {{"aws:CurrentTime", "2024-01-01T00:00:00Z"}}, keys));
  EXPECT_TRUE(holds("DateLessThan", {{"aws:CurrentTime", "2024-06-02"}}, keys));
  EXPECT_TRUE(holds("DateEquals", {{"aws:EpochTime", "2024-06-01T14:00:00+02:00"}}, keys));
  EXPECT_TRUE(holds("DateNotEquals", {{"aws:CurrentTime", "2024-06-01T12:00:01Z"}}, keys));
  EXPECT_TRUE(holds("DateLessThanEquals", {{"aws:CurrentTime", 1717243200}}, keys));
  EXPECT_TRUE(holds("DateGreaterThanEquals", {{"aws:CurrentTime", "2024-06-01T12:00:00.000Z"}}, keys));
  EXPECT_TRUE(holds("BinaryEquals", {{"a:bin", "QmluYXJ5"}}, keys));
  EXPECT_TRUE(holds("ArnLike", {{"aws:SourceArn", "arn:aws:sns:*:111111111111:*"}}, keys));
  EXPECT_TRUE(holds("ArnEquals", {{"aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic"}}, keys));
  EXPECT_TRUE(holds("ArnNotLike", {{"aws:SourceArn", "arn:aws:sqs:*"}}, keys));
  EXPECT_FALSE(holds("ArnNotEquals", {{"aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:topic"}}, keys));
}

TEST(PolicyConditions, IpAddressesAndNetworks) {
  ConditionContext v4 = {{"aws:sourceip", {"192.168.1.77"}}};
  EXPECT_TRUE(holds("IpAddress", {{"aws:SourceIp", "192.168.1.0/24"}}, v4));
  EXPECT_TRUE(holds("IpAddress", {{"aws:SourceIp", Json::array({"10.0.0.0/8", "192.168.0.0/16"})}}, v4));
  EXPECT_TRUE(holds("IpAddress", {{"aws:SourceIp", "192.168.1.77"}}, v4));
  EXPECT_FALSE(holds("IpAddress", {{"aws:SourceIp", "192.168.1.76/32"}}, v4));
  EXPECT_FALSE(holds("IpAddress", {{"aws:SourceIp", "192.168.1.128/25"}}, v4));
  EXPECT_TRUE(holds("IpAddress", {{"aws:SourceIp", "0.0.0.0/0"}}, v4));
  EXPECT_TRUE(holds("NotIpAddress", {{"aws:SourceIp", "10.0.0.0/8"}}, v4));
  EXPECT_FALSE(holds("NotIpAddress", {{"aws:SourceIp", "192.168.0.0/16"}}, v4));
  EXPECT_FALSE(holds("IpAddress", {{"aws:SourceIp", "2001:db8::/32"}}, v4));
  ConditionContext v6 = {{"aws:sourceip", {"2001:db8:0:1::5"}}};
  EXPECT_TRUE(holds("IpAddress", {{"aws:SourceIp", "2001:db8::/32"}}, v6));
  EXPECT_FALSE(holds("IpAddress", {{"aws:SourceIp", "2001:db9::/32"}}, v6));
  EXPECT_TRUE(holds("NotIpAddress", {{"aws:SourceIp", "10.0.0.0/8"}}, {}));  // absent: negated passes
}

TEST(PolicyConditions, SetQualifiers) {
  ConditionContext tags = {{"aws:tagkeys", {"env", "team"}}};
  EXPECT_TRUE(holds("ForAnyValue:StringEquals", {{"aws:TagKeys", "env"}}, tags));
  EXPECT_FALSE(holds("ForAllValues:StringEquals", {{"aws:TagKeys", "env"}}, tags));
  EXPECT_TRUE(holds("ForAllValues:StringEquals", {{"aws:TagKeys", Json::array({"env", "team", "x"})}}, tags));
  EXPECT_TRUE(holds("ForAllValues:StringEquals", {{"aws:TagKeys", "env"}}, {}));
  EXPECT_FALSE(holds("ForAnyValue:StringEquals", {{"aws:TagKeys", "env"}}, {}));
  EXPECT_TRUE(holds("ForAnyValue:StringNotEquals", {{"aws:TagKeys", "env"}}, tags));
  EXPECT_FALSE(holds("ForAllValues:StringNotEquals", {{"aws:TagKeys", "env"}}, tags));
}

TEST(PolicyConditions, RefusesUnknownOperatorsAndBadValues) {
  EXPECT_THROW(parse_condition_block("StringSorta", {{"k", "v"}}), std::invalid_argument);
  EXPECT_THROW(parse_condition_block("NullIfExists", {{"k", "true"}}), std::invalid_argument);
  EXPECT_THROW(parse_condition_block("StringEquals", {{"k", {{"nested", 1}}}}), std::invalid_argument);
  EXPECT_THROW(parse_condition_block("StringEquals", "k"), std::invalid_argument);
  EXPECT_EQ(parse_condition_block("ForAnyValue:StringLikeIfExists", {{"K", "v"}})[0].key, "k");
}

TEST(PolicyDates, Formats) {
  EXPECT_EQ(parse_policy_date("2024-06-01T12:00:00Z"), 1717243200.0);
  EXPECT_EQ(parse_policy_date("2024-06-01"), 1717200000.0);
  EXPECT_EQ(parse_policy_date("1717243200"), 1717243200.0);
  EXPECT_EQ(parse_policy_date("2024-06-01T12:00Z"), 1717243200.0);
  EXPECT_FALSE(parse_policy_date("June 1st").has_value());
  EXPECT_FALSE(parse_policy_date("2024-13-01").has_value());
}

}  // namespace
}  // namespace nimbus::auth
