// UpdateExpression and ProjectionExpression grammars:
//   update     := clause+            (each of SET, REMOVE, ADD, DELETE at most once, any order)
//   clause     := SET path = value (, path = value)* | REMOVE path (, path)*
//               | ADD path :value (, path :value)*   | DELETE path :value (, path :value)*
//   value      := operand [(+ | -) operand]
//   operand    := path | :value | if_not_exists(path, operand) | list_append(operand, operand)
//   projection := path (, path)*
#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/parser.h"

namespace nimbus::dynamodb::expr {
namespace {

constexpr std::string_view kClauses[] = {"SET", "REMOVE", "ADD", "DELETE"};

// The type names ADD and DELETE report for a literal of the wrong type.
std::string_view long_type_name(Type type) {
  switch (type) {
    case Type::S:
      return "STRING";
    case Type::N:
      return "NUMBER";
    case Type::B:
      return "BINARY";
    case Type::Null:
      return "NULL";
    case Type::Bool:
      return "BOOLEAN";
    case Type::L:
      return "LIST";
    case Type::M:
      return "MAP";
    default:
      return "";
  }
}

}  // namespace

Update Parser::update() {
  Update u;
  bool seen[4] = {};
  do {
    const Token& keyword = peek();
    size_t clause = 4;
    for (size_t i = 0; i < 4; ++i) {
      if (keyword.kind == Tok::Name && iequals(keyword.text, kClauses[i])) clause = i;
    }
    if (clause == 4) syntax_error();
    next();
    if (seen[clause]) {
      note(Pending::Section, "The \"" + std::string(kClauses[clause]) +
                                 "\" section can only be used once in an update expression;");
    }
    seen[clause] = true;
    for (;;) {
      UpdateAction action;
      action.kind = static_cast<UpdateAction::Kind>(clause);
      action.path = path();
      if (action.kind == UpdateAction::Kind::Set) {
        expect(Tok::Eq);
        action.value = set_value();
      } else if (action.kind != UpdateAction::Kind::Remove) {
        if (!at(Tok::ValuePlaceholder)) syntax_error();
        action.value = operand();
        check_update_operand(kClauses[clause], action.value);
      }
      u.actions.push_back(std::move(action));
      if (!at(Tok::Comma)) break;
      next();
    }
  } while (!at(Tok::End));
  std::vector<Path> paths;
  for (const UpdateAction& a : u.actions) paths.push_back(a.path);
  check_paths_disjoint(paths);
  throw_pending({Pending::Reserved, Pending::UnknownFunction, Pending::Section, Pending::Name,
                 Pending::Value, Pending::Overlap, Pending::Conflict, Pending::MisusedFunction,
                 Pending::OperandCount, Pending::Distinct, Pending::Function});
  return u;
}

Operand Parser::set_value() {
  Operand left = operand_in_parens();
  if (!at(Tok::Plus) && !at(Tok::Minus)) return left;
  Operand sum;
  sum.kind = next().kind == Tok::Plus ? Operand::Kind::Plus : Operand::Kind::Minus;
  count_operator();
  sum.args.push_back(std::move(left));
  sum.args.push_back(operand_in_parens());
  for (const Operand& arg : sum.args) {
    if (arg.kind == Operand::Kind::Value && type_of(arg.value) != Type::N) {
      note(Pending::Function,
           std::string("Incorrect operand type for operator or function; operator or function: ") +
               (sum.kind == Operand::Kind::Plus ? "+" : "-") +
               ", operand type: " + std::string(type_key(type_of(arg.value))));
    }
  }
  return sum;
}

// ADD takes a number or a set, DELETE a set.
void Parser::check_update_operand(std::string_view op, const Operand& value) {
  Type type = type_of(value.value);
  if (is_set(type) || (op == "ADD" && type == Type::N)) return;
  note(Pending::Function,
       "Incorrect operand type for operator or function; operator: " + std::string(op) +
           ", operand type: " + std::string(long_type_name(type)));
}

Projection Parser::projection() {
  Projection p;
  p.paths.push_back(path());
  while (at(Tok::Comma)) {
    next();
    p.paths.push_back(path());
  }
  if (!at(Tok::End)) syntax_error();
  check_paths_disjoint(p.paths);
  throw_pending(
      {Pending::Reserved, Pending::Name, Pending::Overlap, Pending::Conflict, Pending::Function});
  return p;
}

}  // namespace nimbus::dynamodb::expr
