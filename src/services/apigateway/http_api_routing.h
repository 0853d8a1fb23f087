#pragma once
// Route keys of HTTP APIs ("GET /users/{id}", "ANY /{proxy+}", "$default") and how a request
// selects one, as API Gateway does: the most specific match wins (literal segments before
// {variables}, which come before a greedy {proxy+}; a route's own method before ANY), and
// $default catches what nothing else matches. A pure library (no service state).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::apigateway {

struct RouteKeyParts {
  bool is_default = false;  // "$default"
  std::string method;       // "GET", ..., "ANY"
  std::string path;         // "/users/{id}"
  // One entry per path segment: the literal text, or the variable's name with kind.
  enum class Kind { Literal, Variable, Greedy };
  std::vector<std::pair<Kind, std::string>> segments;
};

// The parts of a route key; nullopt when it is not "$default" or "<METHOD> /<path>" with an
// HTTP method (or ANY) and variables as whole segments, a greedy one only last.
std::optional<RouteKeyParts> parse_route_key(std::string_view key);

struct RouteCandidate {
  std::string id;
  std::string key;
};

struct RouteMatch {
  std::string id;
  std::string key;
  std::map<std::string, std::string> path_parameters;  // percent-decoded values
};

// The route `method` + `raw_path` (percent-encoded, no query) selects among `routes`.
std::optional<RouteMatch> match_route(const std::vector<RouteCandidate>& routes, std::string_view method,
                                      std::string_view raw_path);

// Routes with their keys parsed once (keys that do not parse are left out), for serving the same
// routes request after request.
struct CompiledRoute {
  std::string id;
  std::string key;
  RouteKeyParts parts;
};
std::vector<CompiledRoute> compile_routes(const std::vector<RouteCandidate>& routes);
std::optional<RouteMatch> match_route(const std::vector<CompiledRoute>& routes, std::string_view method,
                                      std::string_view raw_path);

}  // namespace nimbus::apigateway
