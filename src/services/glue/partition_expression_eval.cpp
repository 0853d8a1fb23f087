// Evaluation of a parsed partition expression on one partition's values.
#include "services/glue/partition_expression.h"
#include "services/glue/partition_number.h"

namespace nimbus::glue::expr {
namespace {

// The text of an operand for this partition; nullptr when the partition lacks the value.
const std::string* text_of(const Operand& operand, const std::vector<std::string>& values) {
  if (operand.column < 0) return &operand.text;
  auto index = static_cast<size_t>(operand.column);
  return index < values.size() ? &values[index] : nullptr;
}

bool numeric_node(const Expression& expression, const Node& node) {
  for (const auto& operand : node.operands) {
    if (operand.column >= 0 && expression.numeric[static_cast<size_t>(operand.column)]) return true;
  }
  return false;
}

// -1/0/1, or nullopt when the pair cannot be compared (a value that is not a number).
std::optional<int> compare(const std::string& a, const std::string& b, bool numeric) {
  if (numeric) return compare_numbers(a, b);
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool holds(Cmp cmp, int c) {
  switch (cmp) {
    case Cmp::Eq:
      return c == 0;
    case Cmp::Ne:
      return c != 0;
    case Cmp::Lt:
      return c < 0;
    case Cmp::Gt:
      return c > 0;
    case Cmp::Le:
      return c <= 0;
    case Cmp::Ge:
      return c >= 0;
  }
  return false;
}

bool evaluate(const Expression& expression, const Node& node,
              const std::vector<std::string>& values) {
  switch (node.kind) {
    case Kind::Or:
      for (const auto& child : node.children) {
        if (evaluate(expression, *child, values)) return true;
      }
      return false;
    case Kind::And:
      for (const auto& child : node.children) {
        if (!evaluate(expression, *child, values)) return false;
      }
      return true;
    case Kind::Not:
      return !evaluate(expression, *node.children.front(), values);
    case Kind::IsNull:
      return node.negated;  // a partition value is never NULL
    default:
      break;
  }
  std::vector<const std::string*> texts;
  for (const auto& operand : node.operands) {
    const std::string* text = text_of(operand, values);
    if (!text) return false;
    texts.push_back(text);
  }
  bool numeric = numeric_node(expression, node);
  bool result = false;
  switch (node.kind) {
    case Kind::Compare: {
      auto c = compare(*texts[0], *texts[1], numeric);
      return c && holds(node.cmp, *c);
    }
    case Kind::Between: {
      auto low = compare(*texts[0], *texts[1], numeric);
      auto high = compare(*texts[0], *texts[2], numeric);
      if (!low || !high) return false;
      result = *low >= 0 && *high <= 0;
      break;
    }
    case Kind::In: {
      for (size_t i = 1; i < texts.size() && !result; ++i) {
        auto c = compare(*texts[0], *texts[i], numeric);
        if (!c) return false;
        result = *c == 0;
      }
      break;
    }
    case Kind::Like:
      result = like(*texts[0], *texts[1]);
      break;
    default:
      return false;
  }
  return node.negated ? !result : result;
}

}  // namespace

bool like(std::string_view value, std::string_view pattern) {
  // Iterative wildcard match with one backtrack point (the last %): linear in practice.
  size_t v = 0, p = 0;
  size_t star = std::string_view::npos, resume = 0;
  while (v < value.size()) {
    if (p < pattern.size() &&
        (pattern[p] == '_' || (pattern[p] != '%' && pattern[p] == value[v]))) {
      ++v;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '%') {
      star = p++;
      resume = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

bool matches(const Expression& expression, const std::vector<std::string>& values) {
  if (!expression.root) return true;
  return evaluate(expression, *expression.root, values);
}

}  // namespace nimbus::glue::expr
