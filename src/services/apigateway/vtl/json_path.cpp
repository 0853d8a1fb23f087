// JSONPath for $input.json / $input.path (see json_path.h).

#include "services/apigateway/vtl/json_path.h"

#include <charconv>

#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

bool JsonPath::definite() const {
  for (const JsonPathStep& step : steps) {
    if (step.deep || step.kind == JsonPathStep::Kind::Wildcard) return false;
  }
  return true;
}

namespace {

[[noreturn]] void bad_path(std::string_view text, const std::string& why) {
  throw TemplateError("invalid JSONPath '" + std::string(text) + "': " + why);
}

}  // namespace

JsonPath parse_json_path(std::string_view text) {
  std::string_view original = text;
  std::string prefixed;
  size_t start = 0;
  while (start < text.size() && text[start] == ' ') ++start;
  text = text.substr(start);
  if (text.empty() || text[0] != '$') {
    prefixed = "$." + std::string(text);
    text = prefixed;
  }
  JsonPath path;
  size_t i = 1;
  auto bracket = [&](JsonPathStep& step) {
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) bad_path(original, "unclosed '['");
    char c = text[i];
    if (c == '\'' || c == '"') {
      size_t close = text.find(c, i + 1);
      if (close == std::string_view::npos) bad_path(original, "unterminated name");
      step.key = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '*') {
      step.kind = JsonPathStep::Kind::Wildcard;
      ++i;
    } else if (c == '?' || c == '(') {
      bad_path(original, "filters and scripts are not supported");
    } else {
      size_t b = i;
      if (i < text.size() && text[i] == '-') ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
      auto [p, ec] = std::from_chars(text.data() + b, text.data() + i, step.index);
      if (ec != std::errc() || p != text.data() + i)
        bad_path(original, "expected an index, a name or '*' in brackets");
      step.kind = JsonPathStep::Kind::Index;
    }
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != ']') {
      bad_path(original, "expected ']' (unions and slices are not supported)");
    }
    ++i;
  };
  while (i < text.size()) {
    JsonPathStep step;
    if (text[i] == '.') {
      ++i;
      if (i < text.size() && text[i] == '.') {
        step.deep = true;
        ++i;
      }
      if (i < text.size() && text[i] == '[') {
        if (!step.deep) bad_path(original, "'.' before '['");
        bracket(step);  // ..[0], ..['a']
      } else if (i < text.size() && text[i] == '*') {
        step.kind = JsonPathStep::Kind::Wildcard;
        ++i;
      } else {
        size_t b = i;
        while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
        if (i == b) bad_path(original, "empty name");
        step.key = std::string(text.substr(b, i - b));
        while (!step.key.empty() && step.key.back() == ' ') step.key.pop_back();
      }
    } else if (text[i] == '[') {
      bracket(step);
    } else {
      bad_path(original, "unexpected '" + std::string(1, text[i]) + "'");
    }
    path.steps.push_back(std::move(step));
  }
  return path;
}

namespace {

struct Selector {
  const JsonPath& path;
  size_t max;
  std::vector<const Value*> out;
  size_t visits = 0;

  void visit() {
    if (++visits > 4'000'000) throw TemplateError("JSONPath selection does too much work");
  }

  void match_step(const JsonPathStep& step, const Value& v, size_t next) {
    switch (step.kind) {
      case JsonPathStep::Kind::Key:
        if (v.is_object()) {
          auto it = v.find(step.key);
          if (it != v.end()) walk(*it, next);
        }
        break;
      case JsonPathStep::Kind::Index:
        if (v.is_array()) {
          int64_t k = step.index < 0 ? step.index + static_cast<int64_t>(v.size()) : step.index;
          if (k >= 0 && static_cast<uint64_t>(k) < v.size()) walk(v[static_cast<size_t>(k)], next);
        }
        break;
      case JsonPathStep::Kind::Wildcard:
        if (v.is_structured()) {
          for (const Value& item : v) walk(item, next);
        }
        break;
    }
  }

  void deep(const JsonPathStep& step, const Value& v, size_t next) {
    if (out.size() >= max) return;
    visit();
    match_step(step, v, next);
    if (v.is_structured()) {
      for (const Value& item : v) deep(step, item, next);
    }
  }

  void walk(const Value& v, size_t k) {
    if (out.size() >= max) return;
    visit();
    if (k == path.steps.size()) {
      out.push_back(&v);
      return;
    }
    const JsonPathStep& step = path.steps[k];
    if (step.deep) {
      deep(step, v, k + 1);
    } else {
      match_step(step, v, k + 1);
    }
  }
};

}  // namespace

std::vector<const Value*> select(const JsonPath& path, const Value& root, size_t max_results) {
  Selector s{path, max_results, {}, 0};
  s.walk(root, 0);
  return std::move(s.out);
}

}  // namespace nimbus::apigateway::vtl
