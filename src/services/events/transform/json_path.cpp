// EventBridge's JSONPath subset: parse, then walk the document.
#include "services/events/transform/json_path.h"

#include <cctype>

namespace nimbus::events::transform {
namespace {

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '/';
}

void walk(const std::vector<PathStep>& steps, size_t at, const Json& node, std::vector<const Json*>& out) {
  if (at == steps.size()) {
    out.push_back(&node);
    return;
  }
  const PathStep& step = steps[at];
  switch (step.kind) {
    case PathStep::Kind::Key:
      if (node.is_object()) {
        auto found = node.find(step.key);
        if (found != node.end()) walk(steps, at + 1, *found, out);
      }
      break;
    case PathStep::Kind::Index:
      if (node.is_array() && step.index < node.size()) walk(steps, at + 1, node[step.index], out);
      break;
    case PathStep::Kind::Wildcard:
      if (node.is_object() || node.is_array()) {
        for (const Json& child : node) walk(steps, at + 1, child, out);
      }
      break;
  }
}

}  // namespace

std::optional<JsonPath> parse_path(std::string_view text) {
  if (text.empty() || text[0] != '$') return std::nullopt;
  JsonPath path;
  size_t i = 1;
  while (i < text.size()) {
    PathStep step;
    if (text[i] == '.') {
      ++i;
      if (i < text.size() && text[i] == '*') {
        step.kind = PathStep::Kind::Wildcard;
        ++i;
      } else {
        size_t start = i;
        while (i < text.size() && name_char(text[i])) ++i;
        if (i == start) return std::nullopt;
        step.key = std::string(text.substr(start, i - start));
      }
    } else if (text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view inside = text.substr(i + 1, close - i - 1);
      if (inside == "*") {
        step.kind = PathStep::Kind::Wildcard;
      } else {
        // Indices past 9 digits select nothing in any real event; refusing them keeps size_t safe.
        if (inside.empty() || inside.size() > 9) return std::nullopt;
        step.kind = PathStep::Kind::Index;
        for (char c : inside) {
          if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
          step.index = step.index * 10 + static_cast<size_t>(c - '0');
        }
      }
      i = close + 1;
    } else {
      return std::nullopt;
    }
    path.has_wildcard = path.has_wildcard || step.kind == PathStep::Kind::Wildcard;
    path.steps.push_back(std::move(step));
  }
  return path;
}

std::optional<Json> select(const JsonPath& path, const Json& document) {
  std::vector<const Json*> matches;
  walk(path.steps, 0, document, matches);
  if (matches.empty()) return std::nullopt;
  if (!path.has_wildcard) return *matches.front();
  Json all = Json::array();
  for (const Json* match : matches) all.push_back(*match);
  return all;
}

}  // namespace nimbus::events::transform
