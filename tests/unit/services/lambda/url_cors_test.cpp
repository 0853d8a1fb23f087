// Function URL CORS: which requests are preflights and the headers Lambda answers them with.

#include "services/lambda/url_cors.h"

#include <gtest/gtest.h>

#include <map>

namespace nimbus::lambda {
namespace {

std::map<std::string, std::string> as_map(const Headers& headers) { return {headers.begin(), headers.end()}; }

const nlohmann::json kCors = {{"AllowOrigins", {"https://app.example.com"}},
                              {"AllowMethods", {"GET", "POST"}},
                              {"ExposeHeaders", {"x-a", "x-b"}},
                              {"MaxAge", 60},
                              {"AllowCredentials", true}};

TEST(UrlCors, APreflightNeedsOptionsAnOriginAndARequestedMethod) {
  EXPECT_TRUE(is_preflight("OPTIONS", "https://a", "POST"));
  EXPECT_FALSE(is_preflight("OPTIONS", "", "POST"));
  EXPECT_FALSE(is_preflight("OPTIONS", "https://a", ""));
  EXPECT_FALSE(is_preflight("POST", "https://a", "POST"));
}

TEST(UrlCors, AnAllowedPreflightGetsTheConfiguredHeaders) {
  auto headers = as_map(preflight_headers(kCors, "HTTPS://APP.example.com", "post", "content-type"));
  EXPECT_EQ(headers["Access-Control-Allow-Origin"], "HTTPS://APP.example.com");
  EXPECT_EQ(headers["Access-Control-Allow-Methods"], "GET,POST");
  EXPECT_EQ(headers["Access-Control-Allow-Headers"], "content-type");  // echoed without AllowHeaders
  EXPECT_EQ(headers["Access-Control-Max-Age"], "60");
  EXPECT_EQ(headers["Access-Control-Allow-Credentials"], "true");
}

TEST(UrlCors, OriginsAndMethodsOutsideTheConfigGetNoHeaders) {
  EXPECT_TRUE(preflight_headers(kCors, "https://evil.example.com", "GET", "").empty());
  EXPECT_TRUE(preflight_headers(kCors, "https://app.example.com", "DELETE", "").empty());
  EXPECT_TRUE(preflight_headers(nlohmann::json::object(), "https://app.example.com", "GET", "").empty());
  EXPECT_TRUE(response_cors_headers(kCors, "https://evil.example.com").empty());
  EXPECT_TRUE(response_cors_headers(kCors, "").empty());
}

TEST(UrlCors, AWildcardOriginAnswersStarUnlessCredentialsAreAllowed) {
  nlohmann::json any = {{"AllowOrigins", {"*"}}, {"AllowMethods", {"*"}}};
  EXPECT_EQ(as_map(preflight_headers(any, "https://x", "PATCH", ""))["Access-Control-Allow-Origin"], "*");
  any["AllowCredentials"] = true;
  EXPECT_EQ(as_map(response_cors_headers(any, "https://x"))["Access-Control-Allow-Origin"], "https://x");
}

TEST(UrlCors, ResponsesToAnAllowedOriginExposeTheConfiguredHeaders) {
  auto headers = as_map(response_cors_headers(kCors, "https://app.example.com"));
  EXPECT_EQ(headers["Access-Control-Allow-Origin"], "https://app.example.com");
  EXPECT_EQ(headers["Access-Control-Expose-Headers"], "x-a,x-b");
  EXPECT_EQ(headers["Access-Control-Allow-Credentials"], "true");
}

}  // namespace
}  // namespace nimbus::lambda
