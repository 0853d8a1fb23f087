// The --credentials file loader and the access key -> account rule.

#include <gtest/gtest.h>

#include <stdexcept>

#include "auth/credentials.h"

namespace nimbus::auth {
namespace {

constexpr const char* kTwoKeys = R"({"credentials":[
  {"access_key_id":"AKIAONE","secret_access_key":"s1","account_id":"111111111111"},
  {"access_key_id":"AKIATWO","secret_access_key":"s2","account_id":"222222222222"}]})";

void expect_load_error(const char* json, const std::string& fragment) {
  try {
    Credentials::parse(json, "creds.json");
    ADD_FAILURE() << "expected an error containing " << fragment;
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).rfind("creds.json", 0), 0u) << error.what();
  }
}

TEST(Credentials, FindsEveryListedKey) {
  const auto credentials = Credentials::parse(kTwoKeys, "test");
  ASSERT_EQ(credentials.size(), 2u);
  ASSERT_NE(credentials.find("AKIATWO"), nullptr);
  EXPECT_EQ(credentials.find("AKIATWO")->secret_access_key, "s2");
  EXPECT_EQ(credentials.find("AKIATHREE"), nullptr);
}

TEST(Credentials, RejectsMalformedFilesNamingTheProblem) {
  expect_load_error("{", "not valid JSON");
  expect_load_error(R"({"keys":[]})", "expected {\"credentials\"");
  expect_load_error(R"({"credentials":[]})", "no credentials");
  expect_load_error(R"({"credentials":[{"access_key_id":"A","account_id":"111111111111"}]})",
                    "credentials[0].secret_access_key");
  expect_load_error(
      R"({"credentials":[{"access_key_id":"A","secret_access_key":"s","account_id":"12"}]})",
      "account_id must be 12 digits");
  expect_load_error(R"({"credentials":[
      {"access_key_id":"A","secret_access_key":"s","account_id":"111111111111"},
      {"access_key_id":"A","secret_access_key":"t","account_id":"111111111111"}]})",
                    "listed twice");
}

TEST(Credentials, MissingFileIsReported) {
  EXPECT_THROW(Credentials::load_file("/nonexistent/creds.json"), std::runtime_error);
}

TEST(ResolveAccount, KnownKeyMapsToItsAccount) {
  const auto credentials = Credentials::parse(kTwoKeys, "test");
  EXPECT_EQ(resolve_account("AKIAONE", &credentials), "111111111111");
}

TEST(ResolveAccount, TwelveDigitKeyIsItsOwnAccount) {
  const auto credentials = Credentials::parse(kTwoKeys, "test");
  EXPECT_EQ(resolve_account("123456789012", &credentials), "123456789012");
  EXPECT_EQ(resolve_account("123456789012", nullptr), "123456789012");
}

TEST(ResolveAccount, AnyOtherKeyIsTheDefaultAccount) {
  EXPECT_EQ(resolve_account("test", nullptr), "000000000000");
  EXPECT_EQ(resolve_account("1234567890123", nullptr), "000000000000");
  EXPECT_EQ(resolve_account("12345678901a", nullptr), "000000000000");
}

}  // namespace
}  // namespace nimbus::auth
