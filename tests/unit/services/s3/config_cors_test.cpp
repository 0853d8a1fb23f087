#include <gtest/gtest.h>

#include "core/aws_error.h"
#include "services/s3/cors.h"

namespace nimbus::s3 {
namespace {

using Json = nlohmann::json;

Json configuration() {
  return Json::parse(R"({"CORSRules": [
    {"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["PUT", "POST"],
     "AllowedHeaders": ["x-amz-*", "Content-Type"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}
  ]})");
}

std::string header(const HeaderList& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

TEST(CorsTest, WildcardMatchesAnyRunAtItsPosition) {
  EXPECT_TRUE(wildcard_match("https://*.example.com", "https://app.example.com", false));
  EXPECT_TRUE(wildcard_match("*", "http://anything", false));
  EXPECT_TRUE(wildcard_match("x-amz-*", "X-AMZ-DATE", true));
  EXPECT_FALSE(wildcard_match("https://*.example.com", "https://example.org", false));
  EXPECT_FALSE(wildcard_match("abc*abc", "abc", false));
  EXPECT_FALSE(wildcard_match("https://a.com", "https://A.com", false));
}

TEST(CorsTest, PreflightMatchesOriginMethodAndEveryRequestedHeader) {
  auto config = configuration();
  CorsRequest request{"https://app.example.com", "PUT", split_header_list("Content-Type, X-Amz-Date"), true};
  const auto* rule = match_cors_rule(config, request);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule, &config["CORSRules"][0]);

  request.headers.push_back("authorization");
  EXPECT_EQ(match_cors_rule(config, request), nullptr);
}

TEST(CorsTest, MethodNotAllowedByAnyRuleIsRefused) {
  CorsRequest request{"https://app.example.com", "DELETE", {}, true};
  EXPECT_EQ(match_cors_rule(configuration(), request), nullptr);
}

TEST(CorsTest, ActualRequestIgnoresHeadersAndFallsThroughToLaterRules) {
  auto config = configuration();
  CorsRequest request{"http://other.site", "GET", {"anything"}, false};
  EXPECT_EQ(match_cors_rule(config, request), &config["CORSRules"][1]);
}

TEST(CorsTest, SpecificOriginIsEchoedWithCredentialsAndRuleDetails) {
  auto config = configuration();
  CorsRequest request{"https://app.example.com", "PUT", {"content-type"}, true};
  auto headers = cors_response_headers(config["CORSRules"][0], request);
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Methods"), "PUT, POST");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Headers"), "content-type");
  EXPECT_EQ(header(headers, "Access-Control-Expose-Headers"), "ETag");
  EXPECT_EQ(header(headers, "Access-Control-Max-Age"), "3000");
  EXPECT_EQ(header(headers, "Vary"), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
}

TEST(CorsTest, AnyOriginRuleAnswersStarWithoutCredentials) {
  auto config = configuration();
  CorsRequest request{"http://other.site", "GET", {}, false};
  auto headers = cors_response_headers(config["CORSRules"][1], request);
  EXPECT_EQ(header(headers, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(header(headers, "Access-Control-Allow-Credentials"), "<absent>");
  EXPECT_EQ(header(headers, "Access-Control-Max-Age"), "<absent>");
}

TEST(CorsTest, ValidationRejectsUnsupportedMethodsAndDoubleWildcards) {
  auto bad_method = Json::parse(R"({"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]})");
  try {
    validate_cors(bad_method);
    FAIL() << "accepted PATCH";
  } catch (const AwsError& error) {
    EXPECT_EQ(error.code, "InvalidRequest");
    EXPECT_EQ(error.message, "Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
  }
  auto two_stars = Json::parse(R"({"CORSRules": [{"AllowedOrigins": ["*.a.*"], "AllowedMethods": ["GET"]}]})");
  EXPECT_THROW(validate_cors(two_stars), AwsError);
  EXPECT_NO_THROW(validate_cors(configuration()));
}

}  // namespace
}  // namespace nimbus::s3
