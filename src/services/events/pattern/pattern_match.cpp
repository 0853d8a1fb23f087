// The matcher: one Pattern against one event, recursively, with array consistency.
#include <algorithm>
#include <cctype>

#include "services/events/pattern/pattern.h"

namespace nimbus::events::pattern {
namespace {

// Arrays nested deeper than this count as empty, so a hostile event cannot exhaust the stack.
constexpr int kMaxArrayDepth = 64;

// Calls f on each leaf value of v: v itself if it is a scalar, the scalars of a (nested) array.
// Objects are not leaves (exists matches leaves only, as AWS documents).
template <class F>
bool any_leaf(const Json& v, const F& f, int depth = 0) {
  if (v.is_array()) {
    if (depth >= kMaxArrayDepth) return false;
    return std::any_of(v.begin(), v.end(), [&](const Json& e) { return any_leaf(e, f, depth + 1); });
  }
  return !v.is_object() && f(v);
}

bool iequal(std::string_view text, std::string_view folded) {
  return text.size() == folded.size() &&
         std::equal(text.begin(), text.end(), folded.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

bool numbers_equal(double a, double b) {
  return numeric_in_range(a) && numeric_in_range(b) ? numeric_key(a) == numeric_key(b) : a == b;
}

bool exact(const Json& want, const Json& v) {
  if (want.is_string()) return v.is_string() && v.get_ref<const std::string&>() == want.get_ref<const std::string&>();
  if (want.is_number()) return v.is_number() && numbers_equal(want.get<double>(), v.get<double>());
  if (want.is_boolean()) return v.is_boolean() && v.get<bool>() == want.get<bool>();
  return v.is_null();
}

bool in_range(const Matcher& m, const Json& v) {
  if (!v.is_number() || !numeric_in_range(v.get<double>())) return false;
  int64_t key = numeric_key(v.get<double>());
  return (m.low_open ? key > m.low : key >= m.low) && (m.high_open ? key < m.high : key <= m.high);
}

bool in_block(const Matcher& m, std::string_view text) {
  std::string ip = parse_ip(text);
  return ip.size() == m.first.size() && ip >= m.first && ip <= m.last;
}

bool value_matches(const Matcher& m, const Json& v) {
  using K = Matcher::Kind;
  if (m.kind == K::Exact) return exact(m.value, v);
  if (m.kind == K::Numeric) return in_range(m, v);
  if (m.kind == K::AnythingBut) {
    if (v.is_number()) {
      double number = v.get<double>();
      return !numeric_in_range(number) ||
             std::find(m.numbers.begin(), m.numbers.end(), numeric_key(number)) == m.numbers.end();
    }
    return !v.is_string() || std::find(m.strings.begin(), m.strings.end(), v.get_ref<const std::string&>()) ==
                                 m.strings.end();
  }
  bool negated = m.kind == K::AnythingButPrefix || m.kind == K::AnythingButSuffix ||
                 m.kind == K::AnythingButIgnoreCase || m.kind == K::AnythingButWildcard;
  // The string operators: anything-but forms match every non-string, the others none.
  if (!v.is_string()) return negated;
  std::string_view s = v.get_ref<const std::string&>();
  auto prefix = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
  auto suffix = [&](std::string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; };
  auto any_string = [&](auto test) { return std::any_of(m.strings.begin(), m.strings.end(), test); };
  auto any_glob = [&] {
    return std::any_of(m.wildcards.begin(), m.wildcards.end(), [&](const Wildcard& w) { return w.matches(s); });
  };
  switch (m.kind) {
    case K::Prefix: return prefix(m.strings[0]);
    case K::PrefixIgnoreCase: return s.size() >= m.strings[0].size() && iequal(s.substr(0, m.strings[0].size()), m.strings[0]);
    case K::Suffix: return suffix(m.strings[0]);
    case K::SuffixIgnoreCase:
      return s.size() >= m.strings[0].size() && iequal(s.substr(s.size() - m.strings[0].size()), m.strings[0]);
    case K::EqualsIgnoreCase: return iequal(s, m.strings[0]);
    case K::Wildcard: return any_glob();
    case K::Cidr: return in_block(m, s);
    case K::AnythingButPrefix: return !any_string(prefix);
    case K::AnythingButSuffix: return !any_string(suffix);
    case K::AnythingButIgnoreCase: return !any_string([&](const std::string& f) { return iequal(s, f); });
    case K::AnythingButWildcard: return !any_glob();
    default: return false;
  }
}

bool leaf_matches(const std::vector<Matcher>& matchers, const Json* v) {
  for (const Matcher& m : matchers) {
    if (m.kind == Matcher::Kind::Exists) {
      bool present = v && any_leaf(*v, [](const Json&) { return true; });
      if (present == m.exists) return true;
    } else if (v && any_leaf(*v, [&](const Json& s) { return value_matches(m, s); })) {
      return true;
    }
  }
  return false;
}

bool node_matches(const Node& node, const Json* v, int depth = 0) {
  if (v && v->is_array()) {
    // Each element must satisfy the whole object on its own; an empty array is like no value.
    if (v->empty() || depth >= kMaxArrayDepth) return node_matches(node, nullptr);
    return std::any_of(v->begin(), v->end(), [&](const Json& e) { return node_matches(node, &e, depth + 1); });
  }
  const bool object = v && v->is_object();
  for (const Field& field : node.fields) {
    const Json* child = nullptr;
    if (object) {
      auto it = v->find(field.name);
      if (it != v->end()) child = &*it;
    }
    if (!(field.object ? node_matches(*field.object, child) : leaf_matches(field.matchers, child))) return false;
  }
  return std::all_of(node.any_of.begin(), node.any_of.end(), [&](const std::vector<Node>& branches) {
    return std::any_of(branches.begin(), branches.end(), [&](const Node& b) { return node_matches(b, v, depth); });
  });
}

}  // namespace

bool matches(const Pattern& pattern, const Json& event) { return node_matches(pattern.root(), &event); }

}  // namespace nimbus::events::pattern
