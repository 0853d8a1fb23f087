// Conditions against an item. As in DynamoDB a comparison with a missing operand or with operands
// of different (or unordered) types is false, never an error; `<>` is its negation, so it is true
// when exactly one side is missing.
#include "services/dynamodb/expr/document.h"
#include "services/dynamodb/expr/expression.h"

namespace nimbus::dynamodb::expr {
namespace {

const std::string& text_of(const Json& value) {
  return value.begin().value().get_ref<const std::string&>();
}

// Bytes of an S value, or the decoded bytes of a B value.
std::string bytes_of(const Json& value) {
  return type_of(value) == Type::B ? decode_base64(text_of(value)) : text_of(value);
}

// size(): string length (UTF-16 units, as DynamoDB's Java runtime counts), binary bytes, element
// counts of sets, lists and maps; nothing for other types.
std::optional<size_t> size_of(const Json& value) {
  const Json& v = value.begin().value();
  switch (type_of(value)) {
    case Type::S: {
      size_t units = 0;
      for (unsigned char c : v.get_ref<const std::string&>()) {
        if ((c & 0xc0) != 0x80) units += c >= 0xf0 ? 2 : 1;
      }
      return units;
    }
    case Type::B:
      return decode_base64(v.get<std::string>()).size();
    case Type::SS:
    case Type::NS:
    case Type::BS:
    case Type::L:
    case Type::M:
      return v.size();
    default:
      return std::nullopt;
  }
}

// The value of an operand, or nullptr when it has none (a missing path, size() of a number).
const Json* value_of(const Operand& op, const Json& item, Json& scratch) {
  switch (op.kind) {
    case Operand::Kind::Path:
      return find(item, op.path);
    case Operand::Kind::Value:
      return &op.value;
    case Operand::Kind::Function: {
      const Json* arg = value_of(op.args[0], item, scratch);
      if (!arg) return nullptr;
      std::optional<size_t> size = size_of(*arg);
      if (!size) return nullptr;
      scratch = Json{{"N", std::to_string(*size)}};
      return &scratch;
    }
    default:
      return nullptr;
  }
}

bool compare(Comparator comparator, const Json* a, const Json* b) {
  if (comparator == Comparator::Eq) return a && b && equal(*a, *b);
  if (comparator == Comparator::Ne) return (a || b) && !(a && b && equal(*a, *b));
  if (!a || !b) return false;
  std::optional<int> c = compare_ordered(*a, *b);
  if (!c) return false;
  switch (comparator) {
    case Comparator::Lt:
      return *c < 0;
    case Comparator::Le:
      return *c <= 0;
    case Comparator::Gt:
      return *c > 0;
    default:
      return *c >= 0;
  }
}

bool begins_with(const Json* value, const Json* prefix) {
  if (!value || !prefix) return false;
  Type t = type_of(*value);
  if (t != type_of(*prefix) || (t != Type::S && t != Type::B)) return false;
  return bytes_of(*value).starts_with(bytes_of(*prefix));
}

bool contains(const Json* haystack, const Json* needle) {
  if (!haystack || !needle) return false;
  Type h = type_of(*haystack);
  Type n = type_of(*needle);
  if ((h == Type::S || h == Type::B) && h == n)
    return bytes_of(*haystack).find(bytes_of(*needle)) != std::string::npos;
  const Json& elements = haystack->begin().value();
  if (h == Type::L) {
    for (const Json& e : elements) {
      if (equal(e, *needle)) return true;
    }
    return false;
  }
  bool element_type = (h == Type::SS && n == Type::S) || (h == Type::NS && n == Type::N) ||
                      (h == Type::BS && n == Type::B);
  if (!element_type) return false;
  std::string_view key = type_key(n);
  for (const Json& e : elements) {
    if (equal(Json{{key, e}}, *needle)) return true;
  }
  return false;
}

bool function(const Condition& c, const Json& item) {
  Json scratch_a, scratch_b;
  const Json* a = value_of(c.operands[0], item, scratch_a);
  if (c.function == "attribute_exists") return a != nullptr;
  if (c.function == "attribute_not_exists") return a == nullptr;
  const Json* b = value_of(c.operands[1], item, scratch_b);
  if (c.function == "attribute_type") return a && b && type_key(type_of(*a)) == text_of(*b);
  if (c.function == "begins_with") return begins_with(a, b);
  return contains(a, b);
}

}  // namespace

bool evaluate(const Condition& c, const Json& item) {
  switch (c.kind) {
    case Condition::Kind::And:
      return evaluate(c.children[0], item) && evaluate(c.children[1], item);
    case Condition::Kind::Or:
      return evaluate(c.children[0], item) || evaluate(c.children[1], item);
    case Condition::Kind::Not:
      return !evaluate(c.children[0], item);
    case Condition::Kind::Function:
      return function(c, item);
    case Condition::Kind::Compare: {
      Json scratch_a, scratch_b;
      return compare(c.comparator, value_of(c.operands[0], item, scratch_a),
                     value_of(c.operands[1], item, scratch_b));
    }
    case Condition::Kind::Between: {
      Json s0, s1, s2;
      const Json* v = value_of(c.operands[0], item, s0);
      return compare(Comparator::Ge, v, value_of(c.operands[1], item, s1)) &&
             compare(Comparator::Le, v, value_of(c.operands[2], item, s2));
    }
    case Condition::Kind::In: {
      Json scratch, candidate_scratch;
      const Json* v = value_of(c.operands[0], item, scratch);
      for (size_t i = 1; i < c.operands.size(); ++i) {
        if (compare(Comparator::Eq, v, value_of(c.operands[i], item, candidate_scratch)))
          return true;
      }
      return false;
    }
  }
  return false;
}

bool matches(const KeyTerm& term, const Json& item) {
  auto it = item.find(term.attribute);
  if (it == item.end()) return false;
  const Json* v = &*it;
  switch (term.op) {
    case KeyTerm::Op::Eq:
      return compare(Comparator::Eq, v, &term.values[0]);
    case KeyTerm::Op::Lt:
      return compare(Comparator::Lt, v, &term.values[0]);
    case KeyTerm::Op::Le:
      return compare(Comparator::Le, v, &term.values[0]);
    case KeyTerm::Op::Gt:
      return compare(Comparator::Gt, v, &term.values[0]);
    case KeyTerm::Op::Ge:
      return compare(Comparator::Ge, v, &term.values[0]);
    case KeyTerm::Op::Between:
      return compare(Comparator::Ge, v, &term.values[0]) &&
             compare(Comparator::Le, v, &term.values[1]);
    case KeyTerm::Op::BeginsWith:
      return begins_with(v, &term.values[0]);
  }
  return false;
}

}  // namespace nimbus::dynamodb::expr
