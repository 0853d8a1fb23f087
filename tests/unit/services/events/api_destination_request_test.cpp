// The HTTP requests built for API destinations: authorization per connection type, parameters
// merged with the connection's winning, path wildcards, secrets kept out of Describe.

#include "services/events/api_destination_request.h"

#include <gtest/gtest.h>

namespace nimbus::events {
namespace {

std::string header(const outbound::HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

Json destination(const std::string& endpoint, const std::string& method = "POST") {
  return {{"InvocationEndpoint", endpoint}, {"HttpMethod", method}};
}

TEST(ApiDestinationRequest, AnApiKeyConnectionSendsItsKeyAsAHeaderWithEventBridgesOwnHeaders) {
  Json connection = {{"AuthorizationType", "API_KEY"},
                     {"AuthParameters", {{"ApiKeyAuthParameters", {{"ApiKeyName", "x-api-key"}, {"ApiKeyValue", "s3cret"}}}}}};
  auto request = invocation_request(destination("https://example.com/hook"), connection, Json::object(), R"({"a":1})", "");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://example.com/hook");
  EXPECT_EQ(header(request, "x-api-key"), "s3cret");
  EXPECT_EQ(header(request, "User-Agent"), "Amazon/EventBridge/ApiDestinations");
  EXPECT_EQ(header(request, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(request.body, R"({"a":1})");
}

TEST(ApiDestinationRequest, BasicAndOAuthConnectionsAuthorizeWithTheAuthorizationHeader) {
  Json basic = {{"AuthorizationType", "BASIC"},
                {"AuthParameters", {{"BasicAuthParameters", {{"Username", "user"}, {"Password", "pass"}}}}}};
  EXPECT_EQ(header(invocation_request(destination("http://h/"), basic, {}, "{}", ""), "Authorization"),
            "Basic dXNlcjpwYXNz");
  Json oauth = {{"AuthorizationType", "OAUTH_CLIENT_CREDENTIALS"}, {"AuthParameters", Json::object()}};
  EXPECT_EQ(header(invocation_request(destination("http://h/"), oauth, {}, "{}", "tok"), "Authorization"), "Bearer tok");
}

TEST(ApiDestinationRequest, PathWildcardsQueryAndHeadersMergeWithTheConnectionWinning) {
  Json connection = {
      {"AuthorizationType", "API_KEY"},
      {"AuthParameters",
       {{"ApiKeyAuthParameters", {{"ApiKeyName", "k"}, {"ApiKeyValue", "v"}}},
        {"InvocationHttpParameters",
         {{"HeaderParameters", {{{"Key", "x-team"}, {"Value", "connection"}, {"IsValueSecret", false}}}},
          {"QueryStringParameters", {{{"Key", "env"}, {"Value", "prod"}}}},
          {"BodyParameters", {{{"Key", "source"}, {"Value", "nimbus"}}}}}}}}};
  Json parameters = {{"PathParameterValues", {"42", "7"}},
                     {"HeaderParameters", {{"x-team", "target"}, {"x-trace", "t 1"}}},
                     {"QueryStringParameters", {{"env", "dev"}, {"q", "a b&c"}}}};
  auto request = invocation_request(destination("https://api.example.com/orders/*/items/*?fixed=1", "PUT"), connection,
                                    parameters, R"({"id":1})", "");
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.url, "https://api.example.com/orders/42/items/7?fixed=1&env=prod&q=a%20b%26c");
  EXPECT_EQ(header(request, "x-team"), "connection");
  EXPECT_EQ(header(request, "x-trace"), "t 1");
  EXPECT_EQ(Json::parse(request.body), Json::parse(R"({"id":1,"source":"nimbus"})"));
}

TEST(ApiDestinationRequest, GetAndHeadSendNoBody) {
  Json connection = {{"AuthorizationType", "API_KEY"}, {"AuthParameters", Json::object()}};
  EXPECT_TRUE(invocation_request(destination("http://h/", "GET"), connection, {}, "{}", "").body.empty());
}

TEST(ApiDestinationRequest, TheOAuthTokenRequestSendsClientCredentialsAsBasicAndParametersAsAForm) {
  Json connection = {
      {"AuthorizationType", "OAUTH_CLIENT_CREDENTIALS"},
      {"AuthParameters",
       {{"OAuthParameters",
         {{"ClientParameters", {{"ClientID", "id"}, {"ClientSecret", "secret"}}},
          {"AuthorizationEndpoint", "https://auth.example.com/token"},
          {"HttpMethod", "POST"},
          {"OAuthHttpParameters", {{"BodyParameters", {{{"Key", "scope"}, {"Value", "events write"}}}}}}}}}}};
  auto request = oauth_token_request(connection);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://auth.example.com/token");
  EXPECT_EQ(header(request, "Authorization"), "Basic aWQ6c2VjcmV0");
  EXPECT_EQ(header(request, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(request.body, "grant_type=client_credentials&scope=events%20write");
}

TEST(ApiDestinationRequest, TokensAreReadWithTheirExpiry) {
  auto token = parse_oauth_token(R"({"access_token":"abc","expires_in":3600,"token_type":"Bearer"})", 1000);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->access_token, "abc");
  EXPECT_EQ(token->expires_at_ms, 1000 + 3600 * 1000);
  EXPECT_FALSE(parse_oauth_token(R"({"error":"invalid_client"})", 0));
  EXPECT_FALSE(parse_oauth_token("not json", 0));
}

TEST(ApiDestinationRequest, RetryableStatusesAreThoseEventBridgeRetries) {
  for (int status : {401, 407, 409, 429, 500, 503, 599}) EXPECT_TRUE(retryable_status(status)) << status;
  for (int status : {200, 301, 400, 403, 404, 413}) EXPECT_FALSE(retryable_status(status)) << status;
}

TEST(ApiDestinationRequest, DescribeShowsNoSecrets) {
  Json auth = {{"ApiKeyAuthParameters", {{"ApiKeyName", "k"}, {"ApiKeyValue", "v"}}},
               {"InvocationHttpParameters",
                {{"HeaderParameters",
                  {{{"Key", "a"}, {"Value", "shown"}, {"IsValueSecret", false}},
                   {{"Key", "b"}, {"Value", "hidden"}, {"IsValueSecret", true}}}}}}};
  Json shown = public_auth_parameters(auth);
  EXPECT_EQ(shown["ApiKeyAuthParameters"], Json({{"ApiKeyName", "k"}}));
  EXPECT_EQ(shown["InvocationHttpParameters"]["HeaderParameters"][0]["Value"], "shown");
  EXPECT_FALSE(shown["InvocationHttpParameters"]["HeaderParameters"][1].contains("Value"));
  Json basic = public_auth_parameters({{"BasicAuthParameters", {{"Username", "u"}, {"Password", "p"}}}});
  EXPECT_EQ(basic["BasicAuthParameters"], Json({{"Username", "u"}}));
}

}  // namespace
}  // namespace nimbus::events
