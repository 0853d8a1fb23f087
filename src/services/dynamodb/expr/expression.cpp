#include "services/dynamodb/expr/expression.h"

#include <string>

#include "services/dynamodb/expr/parser.h"

namespace nimbus::dynamodb::expr {
namespace {

// DynamoDB's expression strings are at most 4 KB.
constexpr size_t kMaxExpressionSize = 4096;

template <typename Parse>
auto parse_as(std::string_view kind, std::string_view text, Placeholders& placeholders,
              Parser::Mode mode, Parse parse) {
  try {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      throw ExpressionError{"The expression can not be empty;"};
    if (text.size() > kMaxExpressionSize) {
      throw ExpressionError{
          "Expression size has exceeded the maximum allowed size; expression size: " +
          std::to_string(text.size())};
    }
    Parser parser(text, placeholders, mode);
    return parse(parser);
  } catch (ExpressionError& e) {
    e.message = "Invalid " + std::string(kind) + ": " + e.message;
    throw;
  }
}

[[noreturn]] void key_error(std::string message) { throw ExpressionError{std::move(message)}; }

std::string upper_name(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::Or:
      return "OR";
    case Condition::Kind::Not:
      return "NOT";
    case Condition::Kind::In:
      return "IN";
    default:
      return "<>";
  }
}

// One `key op value` term; the key may be written on either side of a comparator.
KeyTerm key_term(const Condition& c) {
  std::string op_name = c.kind == Condition::Kind::Between ? "BETWEEN" : c.function;
  if (c.kind == Condition::Kind::Between || c.kind == Condition::Kind::Function) {
    if (c.operands[0].kind != Operand::Kind::Path) {
      key_error("Invalid condition in KeyConditionExpression: " + op_name +
                " operator must have the key attribute as its first operand");
    }
  }
  const Operand* key = nullptr;
  size_t key_at = 0;
  for (size_t i = 0; i < c.operands.size(); ++i) {
    const Operand& op = c.operands[i];
    if (op.kind == Operand::Kind::Function)
      key_error("KeyConditionExpressions cannot contain nested operations");
    if (op.kind != Operand::Kind::Path) continue;
    if (key)
      key_error(
          "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
          "condition");
    if (op.path.size() > 1)
      key_error("KeyConditionExpressions cannot have conditions on nested attributes");
    key = &op;
    key_at = i;
  }
  if (!key) key_error("Invalid condition in KeyConditionExpression: No key attribute specified");
  KeyTerm term;
  term.attribute = key->path[0].name;
  for (size_t i = 0; i < c.operands.size(); ++i) {
    if (i != key_at) term.values.push_back(c.operands[i].value);
  }
  if (c.kind == Condition::Kind::Between) {
    term.op = KeyTerm::Op::Between;
  } else if (c.kind == Condition::Kind::Function) {
    term.op = KeyTerm::Op::BeginsWith;
  } else {
    // `:v < key` is `key > :v`.
    bool flipped = key_at == 1;
    switch (c.comparator) {
      case Comparator::Lt:
        term.op = flipped ? KeyTerm::Op::Gt : KeyTerm::Op::Lt;
        break;
      case Comparator::Le:
        term.op = flipped ? KeyTerm::Op::Ge : KeyTerm::Op::Le;
        break;
      case Comparator::Gt:
        term.op = flipped ? KeyTerm::Op::Lt : KeyTerm::Op::Gt;
        break;
      case Comparator::Ge:
        term.op = flipped ? KeyTerm::Op::Le : KeyTerm::Op::Ge;
        break;
      default:
        term.op = KeyTerm::Op::Eq;
        break;
    }
  }
  return term;
}

void collect_key_terms(const Condition& c, KeyCondition& out) {
  switch (c.kind) {
    case Condition::Kind::And:
      for (const Condition& child : c.children) collect_key_terms(child, out);
      return;
    case Condition::Kind::Or:
    case Condition::Kind::Not:
    case Condition::Kind::In:
      key_error("Invalid operator used in KeyConditionExpression: " + upper_name(c));
    case Condition::Kind::Compare:
      if (c.comparator == Comparator::Ne)
        key_error("Invalid operator used in KeyConditionExpression: <>");
      break;
    case Condition::Kind::Function:
      if (c.function != "begins_with")
        key_error("Invalid operator used in KeyConditionExpression: " + c.function);
      break;
    case Condition::Kind::Between:
      break;
  }
  KeyTerm term = key_term(c);
  for (const KeyTerm& other : out.terms) {
    if (other.attribute == term.attribute)
      key_error("KeyConditionExpressions must only contain one condition per key");
  }
  out.terms.push_back(std::move(term));
}

}  // namespace

Condition parse_condition(std::string_view text, Placeholders& placeholders) {
  return parse_as("ConditionExpression", text, placeholders, Parser::Mode::Condition,
                  [](Parser& p) { return p.condition(); });
}

Condition parse_filter(std::string_view text, Placeholders& placeholders) {
  return parse_as("FilterExpression", text, placeholders, Parser::Mode::Condition,
                  [](Parser& p) { return p.condition(); });
}

KeyCondition parse_key_condition(std::string_view text, Placeholders& placeholders) {
  Condition c = parse_as("KeyConditionExpression", text, placeholders, Parser::Mode::Condition,
                         [](Parser& p) { return p.condition(); });
  // DynamoDB words these structural errors itself, without the "Invalid KeyConditionExpression: "
  // prefix.
  KeyCondition out;
  collect_key_terms(c, out);
  return out;
}

Update parse_update(std::string_view text, Placeholders& placeholders) {
  return parse_as("UpdateExpression", text, placeholders, Parser::Mode::Update,
                  [](Parser& p) { return p.update(); });
}

Projection parse_projection(std::string_view text, Placeholders& placeholders) {
  return parse_as("ProjectionExpression", text, placeholders, Parser::Mode::Projection,
                  [](Parser& p) { return p.projection(); });
}

}  // namespace nimbus::dynamodb::expr
