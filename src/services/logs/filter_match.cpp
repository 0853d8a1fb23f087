// The filter pattern matcher: FilterPattern x message -> bool.
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "services/logs/filter_pattern.h"

namespace nimbus::logs::filter {
namespace {

using Json = nlohmann::json;

std::optional<double> number_of(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || std::isnan(value)) return std::nullopt;
  return value;
}

bool compare_numbers(double left, CompareOp op, double right) {
  switch (op) {
    case CompareOp::Eq: return left == right;
    case CompareOp::Ne: return left != right;
    case CompareOp::Lt: return left < right;
    case CompareOp::Le: return left <= right;
    case CompareOp::Gt: return left > right;
    case CompareOp::Ge: return left >= right;
  }
  return false;
}

bool string_equals(const Value& value, std::string_view text) {
  if (value.regex) return std::regex_search(text.begin(), text.end(), *value.regex);
  return glob_match(value.text, text);
}

// A field value (delimited) or a JSON scalar rendered as text, compared with `condition`.
bool compare_text(const Condition& condition, std::string_view text, std::optional<double> number) {
  const Value& value = condition.value;
  if (condition.op == CompareOp::Eq || condition.op == CompareOp::Ne) {
    bool equal = value.number && number ? *number == *value.number : string_equals(value, text);
    return condition.op == CompareOp::Eq ? equal : !equal;
  }
  return number && value.number && compare_numbers(*number, condition.op, *value.number);
}

void resolve(const Json& node, const std::vector<PathStep>& path, size_t at, std::vector<const Json*>& out) {
  if (at == path.size()) {
    out.push_back(&node);
    return;
  }
  const PathStep& step = path[at];
  if (step.kind == PathStep::Kind::Key) {
    if (!node.is_object()) return;
    auto it = node.find(step.key);
    if (it != node.end()) resolve(*it, path, at + 1, out);
  } else if (step.kind == PathStep::Kind::Index) {
    if (node.is_array() && step.index < node.size()) resolve(node[step.index], path, at + 1, out);
  } else if (node.is_array()) {
    for (const auto& item : node) resolve(item, path, at + 1, out);
  }
}

bool json_compare(const Condition& condition, const Json& value) {
  if (value.is_string()) {
    // A JSON string compares as text (a quoted "200" is not the number 200); no ordering.
    if (condition.op != CompareOp::Eq && condition.op != CompareOp::Ne) return false;
    bool equal = string_equals(condition.value, value.get_ref<const std::string&>());
    return condition.op == CompareOp::Eq ? equal : !equal;
  }
  if (value.is_number()) return compare_text(condition, value.dump(), value.get<double>());
  if (value.is_boolean()) return compare_text(condition, value.get<bool>() ? "true" : "false", std::nullopt);
  if (value.is_null()) return compare_text(condition, "null", std::nullopt);
  return false;
}

bool eval_json(const Condition& condition, const Json& root) {
  switch (condition.kind) {
    case Condition::Kind::And:
      for (const auto& child : condition.children) {
        if (!eval_json(child, root)) return false;
      }
      return true;
    case Condition::Kind::Or:
      for (const auto& child : condition.children) {
        if (eval_json(child, root)) return true;
      }
      return false;
    case Condition::Kind::Declared:
      return true;
    default:
      break;
  }
  std::vector<const Json*> found;
  resolve(root, condition.path, 0, found);
  if (condition.kind == Condition::Kind::NotExists) return found.empty();
  for (const Json* value : found) {
    switch (condition.kind) {
      case Condition::Kind::IsNull:
        if (value->is_null()) return true;
        break;
      case Condition::Kind::IsTrue:
        if (value->is_boolean() && value->get<bool>()) return true;
        break;
      case Condition::Kind::IsFalse:
        if (value->is_boolean() && !value->get<bool>()) return true;
        break;
      default:
        if (json_compare(condition, *value)) return true;
    }
  }
  return false;
}

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;  // name -> value

bool eval_fields(const Condition& condition, const Fields& fields) {
  switch (condition.kind) {
    case Condition::Kind::And:
      for (const auto& child : condition.children) {
        if (!eval_fields(child, fields)) return false;
      }
      return true;
    case Condition::Kind::Or:
      for (const auto& child : condition.children) {
        if (eval_fields(child, fields)) return true;
      }
      return false;
    case Condition::Kind::Declared:
      return true;
    default:
      break;
  }
  for (const auto& [name, value] : fields) {
    if (name != condition.selector) continue;
    if (condition.kind != Condition::Kind::Compare) return false;
    return compare_text(condition, value, number_of(value));
  }
  return condition.kind == Condition::Kind::NotExists;
}

bool match_delimited(const FilterPattern& pattern, std::string_view message) {
  auto values = split_fields(message);
  const auto& slots = pattern.fields;
  size_t named = 0;
  size_t first_ellipsis = slots.size();
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].ellipsis) {
      first_ellipsis = std::min(first_ellipsis, i);
    } else {
      ++named;
    }
  }
  bool has_ellipsis = first_ellipsis < slots.size();
  if (has_ellipsis ? values.size() < named : values.size() != named) return false;
  Fields fields;
  // Slots before the first `...` take fields from the start, the rest from the end.
  for (size_t i = 0; i < first_ellipsis && i < slots.size(); ++i) fields.emplace_back(slots[i].name, values[i]);
  size_t from_end = 0;
  for (size_t i = slots.size(); i-- > first_ellipsis;) {
    if (slots[i].ellipsis) continue;
    ++from_end;
    fields.emplace_back(slots[i].name, values[values.size() - from_end]);
  }
  return !pattern.condition || eval_fields(*pattern.condition, fields);
}

bool match_terms(const FilterPattern& pattern, std::string_view message) {
  bool any_optional = false;
  bool optional_hit = false;
  for (const auto& term : pattern.terms) {
    bool hit = term.regex ? std::regex_search(message.begin(), message.end(), *term.regex)
                          : message.find(term.text) != std::string_view::npos;
    switch (term.mode) {
      case Term::Mode::Required:
        if (!hit) return false;
        break;
      case Term::Mode::Excluded:
        if (hit) return false;
        break;
      case Term::Mode::Optional:
        any_optional = true;
        optional_hit = optional_hit || hit;
        break;
    }
  }
  return !any_optional || optional_hit;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string_view> split_fields(std::string_view message) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos < message.size()) {
    if (message[pos] == ' ' || message[pos] == '\t') {
      ++pos;
      continue;
    }
    char close = message[pos] == '"' ? '"' : message[pos] == '[' ? ']' : '\0';
    if (close) {
      size_t end = message.find(close, pos + 1);
      if (end != std::string_view::npos) {
        fields.push_back(message.substr(pos + 1, end - pos - 1));
        pos = end + 1;
        continue;
      }
    }
    size_t end = message.find_first_of(" \t", pos);
    if (end == std::string_view::npos) end = message.size();
    fields.push_back(message.substr(pos, end - pos));
    pos = end;
  }
  return fields;
}

bool matches(const FilterPattern& pattern, std::string_view message) {
  switch (pattern.kind) {
    case FilterPattern::Kind::MatchAll:
      return true;
    case FilterPattern::Kind::Terms:
      return match_terms(pattern, message);
    case FilterPattern::Kind::Delimited:
      return match_delimited(pattern, message);
    case FilterPattern::Kind::Json: {
      auto root = Json::parse(message, nullptr, false);
      if (root.is_discarded() || !root.is_object()) return false;
      return eval_json(*pattern.condition, root);
    }
  }
  return false;
}

}  // namespace nimbus::logs::filter
