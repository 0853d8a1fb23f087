#include "services/apigateway/http_api_routing.h"

#include <array>

#include "core/text.h"

namespace nimbus::apigateway {
namespace {

using Kind = RouteKeyParts::Kind;

constexpr std::array<std::string_view, 8> kMethods = {"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path == "/") return out;
  if (path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string decoded(std::string_view text) {
  auto value = text::percent_decode(text, false);
  return value ? *value : std::string(text);
}

// How specific a match is: smaller is more specific.
struct Rank {
  bool greedy = false;
  std::vector<int> kinds;
  bool any_method = false;
  bool operator<(const Rank& other) const {
    if (greedy != other.greedy) return !greedy;
    if (kinds != other.kinds) return kinds < other.kinds;
    return !any_method && other.any_method;
  }
};

}  // namespace

std::optional<RouteKeyParts> parse_route_key(std::string_view key) {
  RouteKeyParts parts;
  if (key == "$default") {
    parts.is_default = true;
    return parts;
  }
  auto space = key.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string_view method = key.substr(0, space);
  std::string_view path = key.substr(space + 1);
  bool known = false;
  for (auto m : kMethods) known = known || m == method;
  if (!known || path.empty() || path.front() != '/') return std::nullopt;
  parts.method = std::string(method);
  parts.path = std::string(path);
  auto segments = split_path(path);
  for (size_t i = 0; i < segments.size(); ++i) {
    auto segment = segments[i];
    if (segment.empty()) return std::nullopt;
    auto open = segment.find('{');
    auto close = segment.find('}');
    if (open == std::string_view::npos && close == std::string_view::npos) {
      parts.segments.emplace_back(Kind::Literal, std::string(segment));
      continue;
    }
    if (open != 0 || close != segment.size() - 1 || segment.size() < 3) return std::nullopt;
    std::string_view name = segment.substr(1, segment.size() - 2);
    if (name.back() == '+') {
      name.remove_suffix(1);
      if (name.empty() || i + 1 != segments.size()) return std::nullopt;
      parts.segments.emplace_back(Kind::Greedy, std::string(name));
    } else {
      if (name.find_first_of("{}+") != std::string_view::npos) return std::nullopt;
      parts.segments.emplace_back(Kind::Variable, std::string(name));
    }
  }
  return parts;
}

std::vector<CompiledRoute> compile_routes(const std::vector<RouteCandidate>& routes) {
  std::vector<CompiledRoute> compiled;
  for (const auto& route : routes) {
    if (auto parts = parse_route_key(route.key)) compiled.push_back({route.id, route.key, std::move(*parts)});
  }
  return compiled;
}

std::optional<RouteMatch> match_route(const std::vector<RouteCandidate>& routes, std::string_view method,
                                      std::string_view raw_path) {
  return match_route(compile_routes(routes), method, raw_path);
}

std::optional<RouteMatch> match_route(const std::vector<CompiledRoute>& routes, std::string_view method,
                                      std::string_view raw_path) {
  auto request = split_path(raw_path);
  std::optional<RouteMatch> best;
  std::optional<Rank> best_rank;
  const CompiledRoute* fallback = nullptr;
  for (const auto& route : routes) {
    const RouteKeyParts* parts = &route.parts;
    if (parts->is_default) {
      fallback = &route;
      continue;
    }
    if (parts->method != "ANY" && parts->method != method) continue;
    Rank rank;
    rank.any_method = parts->method == "ANY";
    RouteMatch match{route.id, route.key, {}};
    bool ok = true;
    size_t i = 0;
    for (; i < parts->segments.size() && ok; ++i) {
      const auto& [kind, text] = parts->segments[i];
      if (kind == Kind::Greedy) {
        // One or more segments, the rest of the path.
        if (i >= request.size() || (i + 1 == request.size() && request[i].empty())) {
          ok = false;
          break;
        }
        std::string rest;
        for (size_t j = i; j < request.size(); ++j) {
          if (j > i) rest += '/';
          rest += request[j];
        }
        match.path_parameters[text] = decoded(rest);
        rank.greedy = true;
        rank.kinds.push_back(2);
        i = request.size();
        break;
      }
      if (i >= request.size()) {
        ok = false;
        break;
      }
      if (kind == Kind::Literal) {
        ok = request[i] == text;
        rank.kinds.push_back(0);
      } else {
        ok = !request[i].empty();
        match.path_parameters[text] = decoded(request[i]);
        rank.kinds.push_back(1);
      }
    }
    if (!ok) continue;
    if (!rank.greedy && i != request.size()) continue;
    if (!best_rank || rank < *best_rank) {
      best_rank = rank;
      best = std::move(match);
    }
  }
  if (!best && fallback) best = RouteMatch{fallback->id, fallback->key, {}};
  return best;
}

}  // namespace nimbus::apigateway
