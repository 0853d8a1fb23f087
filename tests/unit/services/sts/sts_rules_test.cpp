#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "core/crypto.h"
#include "services/sts/session_table.h"
#include "services/sts/sts_rules.h"

namespace nimbus::sts {
namespace {

std::string b64url(const std::string& text) {
  std::string out = crypto::base64_encode(text);
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

TEST(RoleArn, ParsesAccountAndNameWithoutPath) {
  auto role = parse_role_arn("arn:aws:iam::111122223333:role/deploy/Builder");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->account, "111122223333");
  EXPECT_EQ(role->name, "Builder");
  EXPECT_EQ(role->partition, "aws");
}

TEST(RoleArn, RefusesOtherResourcesAndAccounts) {
  EXPECT_FALSE(parse_role_arn("arn:aws:iam::111122223333:user/bob"));
  EXPECT_FALSE(parse_role_arn("arn:aws:iam::1111:role/x"));
  EXPECT_FALSE(parse_role_arn("arn:aws:iam:us-east-1:111122223333:role/x"));
  EXPECT_FALSE(parse_role_arn("arn:aws:iam::111122223333:role/"));
  EXPECT_FALSE(parse_role_arn("not an arn"));
}

TEST(SessionName, AllowsWordsAndPunctuationOfThePattern) {
  EXPECT_NO_THROW(check_session_name("ci-run_1+=,.@x", "roleSessionName"));
  try {
    check_session_name("has space", "roleSessionName");
    FAIL();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "ValidationError");
    EXPECT_EQ(error.message,
              "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: "
              "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
}

TEST(Identifiers, TemporaryKeysLookLikeAws) {
  auto key = new_temporary_key_id();
  EXPECT_EQ(key.size(), 20u);
  EXPECT_EQ(key.substr(0, 4), "ASIA");
  EXPECT_NE(key, new_temporary_key_id());
  EXPECT_EQ(new_secret_access_key().size(), 40u);
  auto id = role_id("arn:aws:iam::111122223333:role/x");
  EXPECT_EQ(id.size(), 21u);
  EXPECT_EQ(id.substr(0, 4), "AROA");
  EXPECT_EQ(id, role_id("arn:aws:iam::111122223333:role/x"));
  EXPECT_NE(id, role_id("arn:aws:iam::111122223333:role/y"));
}

TEST(PackedPolicy, ChecksJsonAndDuplicateTags) {
  EXPECT_EQ(packed_policy_size(std::nullopt, Json::array()), 0);
  EXPECT_GT(packed_policy_size(std::string(R"({"Version":"2012-10-17","Statement":[]})"), Json::array()), 0);
  EXPECT_THROW(packed_policy_size(std::string("{oops"), Json::array()), AwsError);
  Json tags = Json::array({{{"Key", "Team"}, {"Value", "a"}}, {{"Key", "team"}, {"Value", "b"}}});
  try {
    packed_policy_size(std::nullopt, tags);
    FAIL();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "InvalidParameterValue");
  }
  Json big = Json::array();
  for (int i = 0; i < 50; ++i) big.push_back({{"Key", "k" + std::to_string(i) + std::string(120, 'k')}, {"Value", std::string(250, 'v')}});
  try {
    packed_policy_size(std::nullopt, big);
    FAIL();
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "PackedPolicyTooLarge");
  }
}

TEST(WebIdentityToken, ReadsTheClaimsOfAJwt) {
  std::string token = b64url(R"({"alg":"RS256"})") + "." + b64url(R"({"sub":"me","exp":123})") + ".sig";
  auto claims = web_identity_claims(token);
  ASSERT_TRUE(claims);
  EXPECT_EQ((*claims)["sub"], "me");
  EXPECT_EQ((*claims)["exp"], 123);
  EXPECT_FALSE(web_identity_claims("opaque"));
  EXPECT_FALSE(web_identity_claims("a.b.c"));
  EXPECT_FALSE(web_identity_claims(token + ".extra"));
}

TEST(SessionTable, RecordsRoundTrip) {
  IssuedSession session;
  session.credential = {"ASIAAAAAAAAAAAAAAAAA", "secret", "token", "111122223333", 1'700'000'000'000};
  session.arn = "arn:aws:sts::111122223333:assumed-role/x/s";
  session.user_id = "AROAX:s";
  session.issued_by = "AssumeRole";
  auto back = SessionTable::decode("ASIAAAAAAAAAAAAAAAAA", SessionTable::encode(session));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->credential.secret_access_key, "secret");
  EXPECT_EQ(back->credential.session_token, "token");
  EXPECT_EQ(back->credential.account_id, "111122223333");
  EXPECT_EQ(back->credential.expires_ms, 1'700'000'000'000);
  EXPECT_EQ(back->arn, session.arn);
  EXPECT_FALSE(SessionTable::decode("k", "not json"));
}

}  // namespace
}  // namespace nimbus::sts
