// Route keys of HTTP APIs and how a request selects one.

#include "services/apigateway/http_api_routing.h"

#include <gtest/gtest.h>

namespace nimbus::apigateway {
namespace {

std::optional<RouteMatch> pick(std::vector<std::string> keys, std::string_view method, std::string_view path) {
  std::vector<RouteCandidate> routes;
  for (size_t i = 0; i < keys.size(); ++i) routes.push_back({std::to_string(i), keys[i]});
  return match_route(routes, method, path);
}

TEST(HttpApiRouteKey, ParsesDefaultAndMethodPathKeys) {
  EXPECT_TRUE(parse_route_key("$default")->is_default);
  auto parts = parse_route_key("GET /users/{id}");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->method, "GET");
  ASSERT_EQ(parts->segments.size(), 2u);
  EXPECT_EQ(parts->segments[1].first, RouteKeyParts::Kind::Variable);
  EXPECT_EQ(parts->segments[1].second, "id");
  EXPECT_EQ(parse_route_key("ANY /{proxy+}")->segments[0].first, RouteKeyParts::Kind::Greedy);
  EXPECT_TRUE(parse_route_key("GET /"));
}

TEST(HttpApiRouteKey, RefusesMalformedKeys) {
  EXPECT_FALSE(parse_route_key("FETCH /a"));
  EXPECT_FALSE(parse_route_key("GET a"));
  EXPECT_FALSE(parse_route_key("GET"));
  EXPECT_FALSE(parse_route_key("GET /{a+}/b"));
  EXPECT_FALSE(parse_route_key("GET /a{b}"));
  EXPECT_FALSE(parse_route_key("GET /a//b"));
  EXPECT_FALSE(parse_route_key("get /a"));
}

TEST(HttpApiRouteMatch, TheMostSpecificRouteWins) {
  std::vector<std::string> keys = {"ANY /{proxy+}", "GET /pets/{id}", "GET /pets/dog", "$default", "ANY /pets/dog"};
  EXPECT_EQ(pick(keys, "GET", "/pets/dog")->key, "GET /pets/dog");
  EXPECT_EQ(pick(keys, "POST", "/pets/dog")->key, "ANY /pets/dog");
  auto by_id = pick(keys, "GET", "/pets/7");
  EXPECT_EQ(by_id->key, "GET /pets/{id}");
  EXPECT_EQ(by_id->path_parameters.at("id"), "7");
  EXPECT_EQ(pick(keys, "POST", "/pets/7")->key, "ANY /{proxy+}");
  EXPECT_EQ(pick(keys, "GET", "/")->key, "$default");
}

TEST(HttpApiRouteMatch, GreedyVariablesTakeTheRestOfThePathDecoded) {
  auto match = pick({"GET /files/{path+}"}, "GET", "/files/a/b%20c/d");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->path_parameters.at("path"), "a/b c/d");
  EXPECT_FALSE(pick({"GET /files/{path+}"}, "GET", "/files"));
  EXPECT_EQ(pick({"GET /files/{path+}", "GET /{proxy+}"}, "GET", "/files/x")->key, "GET /files/{path+}");
}

TEST(HttpApiRouteMatch, NothingMatchesWithoutADefaultRoute) {
  EXPECT_FALSE(pick({"GET /a"}, "GET", "/b"));
  EXPECT_FALSE(pick({"GET /a"}, "POST", "/a"));
  EXPECT_FALSE(pick({"GET /a/{id}"}, "GET", "/a"));
  EXPECT_FALSE(pick({"GET /a"}, "GET", "/a/b"));
  EXPECT_EQ(pick({"GET /"}, "GET", "/")->key, "GET /");
}

}  // namespace
}  // namespace nimbus::apigateway
