#include "services/dynamodb/expr/parser.h"

#include <algorithm>

#include "services/dynamodb/expr/expression_error.h"

namespace nimbus::dynamodb::expr {
namespace {

// DynamoDB's limits: 300 operators and functions per expression, 32 levels in a document path.
constexpr size_t kMaxOperators = 300;
constexpr size_t kMaxPathDepth = 32;
constexpr uint32_t kMaxListIndex = 0x7fffffff;

struct FunctionSpec {
  std::string_view name;
  size_t operands;
  bool in_update;  // true: update functions; false: condition functions
};
constexpr FunctionSpec kFunctions[] = {
    {"attribute_exists", 1, false}, {"attribute_not_exists", 1, false},
    {"attribute_type", 2, false},   {"begins_with", 2, false},
    {"contains", 2, false},         {"size", 1, false},
    {"if_not_exists", 2, true},     {"list_append", 2, true},
};
constexpr std::string_view kTypeNames[] = {"S",    "N", "B",  "NULL", "SS",
                                           "BOOL", "L", "BS", "NS",   "M"};

const FunctionSpec* find_function(std::string_view name) {
  for (const FunctionSpec& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool is_condition_keyword(const Token& t) {
  if (t.kind != Tok::Name) return false;
  for (std::string_view w : {"AND", "OR", "NOT", "BETWEEN", "IN"}) {
    if (iequals(t.text, w)) return true;
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto upper = [](char c) {
             return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
           };
           return upper(x) == upper(y);
         });
}

std::string path_text(const Path& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) out += ", ";
    out += path[i].is_index ? "[" + std::to_string(path[i].index) + "]" : path[i].name;
  }
  return out + "]";
}

Parser::Parser(std::string_view text, Placeholders& placeholders, Mode mode)
    : text_(text), tokens_(tokenize(text)), placeholders_(placeholders), mode_(mode) {}

const Token& Parser::peek(size_t ahead) const {
  return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
}

const Token& Parser::next() {
  const Token& t = peek();
  if (pos_ + 1 < tokens_.size()) ++pos_;
  return t;
}

bool Parser::at_keyword(std::string_view word) const {
  return at(Tok::Name) && iequals(peek().text, word);
}

void Parser::expect(Tok kind) {
  if (!at(kind)) syntax_error();
  next();
}

// DynamoDB's "near" is the text from the token before the offending one to the token after it.
void Parser::syntax_error(size_t index) const {
  const Token& t = tokens_[index];
  const Token& first = index > 0 ? tokens_[index - 1] : t;
  const Token& last =
      index + 1 < tokens_.size() && tokens_[index + 1].kind != Tok::End ? tokens_[index + 1] : t;
  std::string_view near = text_.substr(first.begin, last.end - first.begin);
  while (!near.empty() && (near.back() == ' ' || near.back() == '\t' || near.back() == '\r' ||
                           near.back() == '\n')) {
    near.remove_suffix(1);
  }
  std::string token = t.kind == Tok::End ? "<EOF>" : std::string(t.text);
  throw ExpressionError{"Syntax error; token: \"" + token + "\", near: \"" + std::string(near) +
                        "\""};
}

void Parser::note(Pending kind, std::string message) {
  // Conditions report an undefined name or value in document order, whichever comes first.
  if (kind == Pending::Value && mode_ != Mode::Update) kind = Pending::Name;
  auto& slot = pending_[static_cast<size_t>(kind)];
  if (!slot) slot = std::move(message);
}

void Parser::throw_pending(std::initializer_list<Pending> order) const {
  for (Pending kind : order) {
    if (const auto& message = pending_[static_cast<size_t>(kind)]) throw ExpressionError{*message};
  }
}

void Parser::count_operator() {
  if (++operators_ > kMaxOperators) {
    throw ExpressionError{"The expression contains too many operators; operator count: " +
                          std::to_string(kMaxOperators)};
  }
}

// Nesting is bounded like the operator count, so no input can exhaust the stack.
void Parser::enter_parens() {
  if (++depth_ > kMaxOperators) {
    throw ExpressionError{"The expression contains too many operators; operator count: " +
                          std::to_string(kMaxOperators)};
  }
}

Path Parser::path() {
  Path p;
  p.push_back(name_element());
  for (;;) {
    if (at(Tok::Dot)) {
      next();
      p.push_back(name_element());
    } else if (at(Tok::LBracket)) {
      next();
      if (!at(Tok::Integer)) syntax_error();
      std::string_view digits = next().text;
      uint64_t index = 0;
      for (char c : digits)
        index = std::min<uint64_t>(index * 10 + static_cast<uint64_t>(c - '0'),
                                   uint64_t{kMaxListIndex} + 1);
      if (index > kMaxListIndex)
        throw ExpressionError{"List index is not within the allowable range; index: " +
                              std::string(digits)};
      expect(Tok::RBracket);
      p.push_back({true, "", static_cast<uint32_t>(index)});
    } else {
      break;
    }
  }
  if (p.size() > kMaxPathDepth) {
    note(Pending::Function, "The document path has too many nesting levels; nesting levels: " +
                                std::to_string(p.size()));
  }
  return p;
}

PathElement Parser::name_element() {
  const Token& t = peek();
  if (t.kind == Tok::Name && !is_condition_keyword(t)) {
    next();
    if (is_reserved_word(t.text))
      note(Pending::Reserved,
           "Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
    return {false, std::string(t.text), 0};
  }
  if (t.kind == Tok::NamePlaceholder) {
    next();
    std::optional<std::string> name = placeholders_.name(t.text);
    if (!name) {
      note(Pending::Name,
           "An expression attribute name used in the document path is not defined; attribute "
           "name: " +
               std::string(t.text));
    }
    return {false, name.value_or(std::string(t.text)), 0};
  }
  syntax_error();
}

Operand Parser::operand() {
  const Token& t = peek();
  if (t.kind == Tok::ValuePlaceholder) {
    next();
    Operand op;
    op.kind = Operand::Kind::Value;
    op.name = std::string(t.text);
    if (const Json* v = placeholders_.value(t.text)) {
      op.value = *v;
    } else {
      note(Pending::Value,
           "An expression attribute value used in expression is not defined; attribute value: " +
               op.name);
      op.value = Json{{"NULL", true}};
    }
    return op;
  }
  if (t.kind == Tok::Name && peek(1).kind == Tok::LParen && !is_condition_keyword(t))
    return function_call();
  Operand op;
  op.path = path();
  return op;
}

Operand Parser::operand_in_parens() {
  if (!at(Tok::LParen)) return operand();
  enter_parens();
  next();
  bool doubled = at(Tok::LParen);
  Operand inner = operand_in_parens();
  expect(Tok::RParen);
  if (doubled) note(Pending::Parens, "The expression has redundant parentheses;");
  --depth_;
  return inner;
}

Operand Parser::function_call() {
  Operand call;
  call.kind = Operand::Kind::Function;
  call.name = std::string(next().text);
  count_operator();
  expect(Tok::LParen);
  call.args.push_back(operand_in_parens());
  while (at(Tok::Comma)) {
    next();
    call.args.push_back(operand_in_parens());
  }
  expect(Tok::RParen);
  check_function(call);
  return call;
}

void Parser::check_function(const Operand& call) {
  const FunctionSpec* spec = find_function(call.name);
  if (!spec) {
    note(Pending::UnknownFunction, "Invalid function name; function: " + call.name);
    return;
  }
  if (spec->in_update != (mode_ == Mode::Update)) {
    note(Pending::MisusedFunction,
         spec->in_update
             ? "The function is not allowed in a condition expression; function: " + call.name
             : "The function is not allowed in an update expression; function: " + call.name);
    return;
  }
  // In conditions only size() may be nested as an operand; update functions nest freely.
  if (mode_ != Mode::Update) {
    for (const Operand& arg : call.args) check_not_misused(arg);
  }
  if (call.args.size() != spec->operands) {
    note(Pending::OperandCount,
         "Incorrect number of operands for operator or function; operator or function: " +
             call.name + ", number of operands: " + std::to_string(call.args.size()));
    return;
  }
  if (call.args.size() == 2) check_distinct(call.name, call.args[0], call.args[1]);
  auto operand_type = [&](std::string_view type) {
    note(Pending::Function,
         "Incorrect operand type for operator or function; operator or function: " + call.name +
             ", operand type: " + std::string(type));
  };
  const std::string& name = call.name;
  if (name == "attribute_exists" || name == "attribute_not_exists" || name == "if_not_exists") {
    if (call.args[0].kind != Operand::Kind::Path) {
      note(Pending::Function,
           "Operator or function requires a document path; operator or function: " + name);
    }
  } else if (name == "begins_with" || name == "size" || name == "list_append") {
    for (const Operand& arg : call.args) {
      if (arg.kind != Operand::Kind::Value) continue;
      Type t = type_of(arg.value);
      bool ok = name == "begins_with" ? t == Type::S || t == Type::B
                : name == "size"      ? t != Type::N && t != Type::Bool && t != Type::Null
                                      : t == Type::L;
      if (!ok) operand_type(type_key(t));
    }
  } else if (name == "attribute_type") {
    const Operand& type = call.args[1];
    if (type.kind != Operand::Kind::Value || type_of(type.value) != Type::S) {
      operand_type(type.kind == Operand::Kind::Value ? type_key(type_of(type.value))
                                                     : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
    } else {
      std::string s = type.value["S"].get<std::string>();
      if (std::find(std::begin(kTypeNames), std::end(kTypeNames), s) == std::end(kTypeNames)) {
        note(Pending::Function, "Invalid attribute type name found; type: " + s +
                                    ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
      }
    }
  }
}

void Parser::check_not_misused(const Operand& operand) {
  if (operand.kind == Operand::Kind::Function && operand.name != "size") {
    note(Pending::MisusedFunction,
         "The function is not allowed to be used this way in an expression; function: " +
             operand.name);
  }
}

void Parser::check_distinct(std::string_view op, const Operand& a, const Operand& b) {
  if (a.kind == Operand::Kind::Path && b.kind == Operand::Kind::Path && a.path == b.path) {
    note(Pending::Distinct,
         "The first operand must be distinct from the remaining operands for this operator or "
         "function; operator: " +
             std::string(op) + ", first operand: " + path_text(a.path));
  }
}

// Paths written by one update (or read by one projection) may neither repeat nor contain each
// other ("overlap"), nor use a name and an index at the same level ("conflict").
void Parser::check_paths_disjoint(const std::vector<Path>& paths) {
  for (size_t j = 1; j < paths.size(); ++j) {
    for (size_t i = 0; i < j; ++i) {
      const Path& one = paths[i];
      const Path& two = paths[j];
      size_t common = std::min(one.size(), two.size());
      size_t k = 0;
      while (k < common && one[k] == two[k]) ++k;
      std::string which = "path one: " + path_text(one) + ", path two: " + path_text(two);
      if (k == common) {
        note(Pending::Overlap,
             "Two document paths overlap with each other; must remove or rewrite one of these "
             "paths; " +
                 which);
      } else if (one[k].is_index != two[k].is_index) {
        note(Pending::Conflict,
             "Two document paths conflict with each other; must remove or rewrite one of these "
             "paths; " +
                 which);
      }
    }
  }
}

}  // namespace nimbus::dynamodb::expr
