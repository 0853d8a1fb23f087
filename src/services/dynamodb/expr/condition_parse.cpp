// ConditionExpression / FilterExpression grammar, DynamoDB's precedence from loosest to tightest:
//   or      := and (OR and)*
//   and     := not (AND not)*
//   not     := NOT primary | primary
//   primary := atom [comparator operand | BETWEEN operand AND operand | IN ( operand, ... )]
//   atom    := ( or ) | operand          operand := path | :value | function(operand, ...)
// An atom stays an operand until an operator follows it, so `(a) = :v` and `(a = :v)` both parse
// without backtracking.
#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/parser.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr size_t kMaxInOperands = 100;

std::optional<Comparator> comparator_of(Tok kind) {
  switch (kind) {
    case Tok::Eq:
      return Comparator::Eq;
    case Tok::Ne:
      return Comparator::Ne;
    case Tok::Lt:
      return Comparator::Lt;
    case Tok::Le:
      return Comparator::Le;
    case Tok::Gt:
      return Comparator::Gt;
    case Tok::Ge:
      return Comparator::Ge;
    default:
      return std::nullopt;
  }
}

bool is_boolean_function(const std::string& name) {
  return name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type" ||
         name == "begins_with" || name == "contains";
}

// The text of a literal bound in BETWEEN's errors: AttributeValue: {N:5}.
std::string bound_text(const Json& value) {
  const Json& v = value.begin().value();
  return "AttributeValue: {" + value.begin().key() + ":" +
         (v.is_string() ? v.get<std::string>() : v.dump()) + "}";
}

}  // namespace

Condition Parser::condition() {
  Node root = or_node();
  if (!at(Tok::End)) syntax_error();
  Condition c = as_condition(std::move(root), pos_);
  throw_pending({Pending::Parens, Pending::UnknownFunction, Pending::MisusedFunction,
                 Pending::Reserved, Pending::Name, Pending::OperandCount, Pending::Distinct,
                 Pending::Function});
  return c;
}

Parser::Node Parser::or_node() {
  Node left = and_node();
  while (at_keyword("OR")) {
    size_t at_operator = pos_;
    next();
    count_operator();
    Condition l = as_condition(std::move(left), at_operator);
    Node right = and_node();
    Node joined;
    joined.is_condition = true;
    joined.condition.kind = Condition::Kind::Or;
    joined.condition.children.push_back(std::move(l));
    joined.condition.children.push_back(as_condition(std::move(right), pos_));
    left = std::move(joined);
  }
  return left;
}

Parser::Node Parser::and_node() {
  Node left = not_node();
  while (at_keyword("AND")) {
    size_t at_operator = pos_;
    next();
    count_operator();
    Condition l = as_condition(std::move(left), at_operator);
    Node right = not_node();
    Node joined;
    joined.is_condition = true;
    joined.condition.kind = Condition::Kind::And;
    joined.condition.children.push_back(std::move(l));
    joined.condition.children.push_back(as_condition(std::move(right), pos_));
    left = std::move(joined);
  }
  return left;
}

Parser::Node Parser::not_node() {
  if (!at_keyword("NOT")) return primary();
  next();
  count_operator();
  Node inner = primary();
  Node negated;
  negated.is_condition = true;
  negated.condition.kind = Condition::Kind::Not;
  negated.condition.children.push_back(as_condition(std::move(inner), pos_));
  return negated;
}

Parser::Node Parser::primary() {
  Node atom;
  if (at(Tok::LParen)) {
    enter_parens();
    next();
    atom = or_node();
    expect(Tok::RParen);
    --depth_;
    if (atom.parenthesized) note(Pending::Parens, "The expression has redundant parentheses;");
    atom.parenthesized = true;
  } else {
    atom.operand = operand();
  }
  if (atom.is_condition) return atom;
  if (comparator_of(peek().kind) || at_keyword("BETWEEN") || at_keyword("IN")) {
    Node compared;
    compared.is_condition = true;
    compared.condition = comparison(std::move(atom.operand));
    return compared;
  }
  return atom;
}

Condition Parser::as_condition(Node node, size_t error_at) {
  if (node.is_condition) return std::move(node.condition);
  Operand& op = node.operand;
  if (op.kind != Operand::Kind::Function) syntax_error(error_at);
  if (!is_boolean_function(op.name)) {
    // size() alone, or an update function already noted as misplaced.
    note(Pending::MisusedFunction,
         "The function is not allowed to be used this way in an expression; function: " + op.name);
  }
  Condition c;
  c.kind = Condition::Kind::Function;
  c.function = op.name;
  c.operands = std::move(op.args);
  return c;
}

Condition Parser::comparison(Operand left) {
  Condition c;
  check_not_misused(left);
  c.operands.push_back(std::move(left));
  count_operator();
  if (std::optional<Comparator> comparator = comparator_of(peek().kind)) {
    std::string op(next().text);
    c.kind = Condition::Kind::Compare;
    c.comparator = *comparator;
    c.operands.push_back(operand_in_parens());
    check_not_misused(c.operands[1]);
    check_distinct(op, c.operands[0], c.operands[1]);
    return c;
  }
  if (at_keyword("BETWEEN")) {
    next();
    c.kind = Condition::Kind::Between;
    c.operands.push_back(operand_in_parens());
    if (!at_keyword("AND")) syntax_error();
    next();
    c.operands.push_back(operand_in_parens());
    for (const Operand& op : c.operands) check_not_misused(op);
    const Operand& low = c.operands[1];
    const Operand& high = c.operands[2];
    if (low.kind == Operand::Kind::Value && high.kind == Operand::Kind::Value) {
      std::string bounds = "lower bound operand: " + bound_text(low.value) +
                           ", upper bound operand: " + bound_text(high.value);
      if (type_of(low.value) != type_of(high.value)) {
        note(Pending::Function,
             "The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
      } else if (compare_ordered(low.value, high.value).value_or(0) > 0) {
        note(Pending::Function,
             "The BETWEEN operator requires upper bound to be greater than or equal to lower "
             "bound; " +
                 bounds);
      }
    }
    return c;
  }
  next();  // IN
  c.kind = Condition::Kind::In;
  expect(Tok::LParen);
  c.operands.push_back(operand_in_parens());
  while (at(Tok::Comma)) {
    next();
    c.operands.push_back(operand_in_parens());
  }
  expect(Tok::RParen);
  for (const Operand& op : c.operands) check_not_misused(op);
  if (c.operands.size() - 1 > kMaxInOperands) {
    note(Pending::Function,
         "The IN operator is provided with too many operands; number of operands: " +
             std::to_string(c.operands.size() - 1));
  }
  return c;
}

}  // namespace nimbus::dynamodb::expr
