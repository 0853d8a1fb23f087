#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/expr/ast.h"
#include "services/dynamodb/expr/placeholders.h"
#include "services/dynamodb/expr/tokenizer.h"

namespace nimbus::dynamodb::expr {

// The recursive-descent parser behind parse_condition / parse_update / parse_projection (internal).
// Syntax errors are thrown at once; the other errors are noted by kind while parsing and the first
// of the most important kind is thrown at the end, the order DynamoDB reports them in. Messages are
// bare: the public entry points add "Invalid <Kind>Expression: ".
class Parser {
 public:
  enum class Mode { Condition, Update, Projection };
  Parser(std::string_view text, Placeholders& placeholders, Mode mode);

  Condition condition();
  Update update();
  Projection projection();

 private:
  enum class Pending {
    Parens,
    UnknownFunction,
    MisusedFunction,
    Reserved,
    Section,
    Name,
    Value,
    Overlap,
    Conflict,
    OperandCount,
    Distinct,
    Function,
    Count_
  };
  // A condition or, until an operator makes it one, an operand (`(a)` and `size(a)` start as
  // operands).
  struct Node {
    bool is_condition = false;
    Condition condition;
    Operand operand;
    bool parenthesized = false;
  };

  // Tokens.
  const Token& peek(size_t ahead = 0) const;
  const Token& next();
  bool at(Tok kind) const { return peek().kind == kind; }
  bool at_keyword(std::string_view word) const;
  void expect(Tok kind);
  [[noreturn]] void syntax_error(size_t index) const;
  [[noreturn]] void syntax_error() const { syntax_error(pos_); }

  // Errors reported after parsing.
  void note(Pending kind, std::string message);
  void throw_pending(std::initializer_list<Pending> order) const;
  void count_operator();
  void enter_parens();

  // Paths and operands (parser.cpp).
  Path path();
  PathElement name_element();
  Operand operand();
  Operand operand_in_parens();
  Operand function_call();
  void check_function(const Operand& call);
  void check_not_misused(const Operand& operand);
  void check_distinct(std::string_view op, const Operand& a, const Operand& b);
  void check_paths_disjoint(const std::vector<Path>& paths);

  // Conditions (condition_parse.cpp).
  Node or_node();
  Node and_node();
  Node not_node();
  Node primary();
  Condition as_condition(Node node, size_t error_at);
  Condition comparison(Operand left);

  // Update clauses (update_parse.cpp).
  Operand set_value();
  void check_update_operand(std::string_view op, const Operand& value);

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Placeholders& placeholders_;
  Mode mode_;
  size_t operators_ = 0;
  size_t depth_ = 0;
  std::array<std::optional<std::string>, static_cast<size_t>(Pending::Count_)> pending_;
};

// True when `word` is one of DynamoDB's reserved words (case-insensitive).
bool is_reserved_word(std::string_view word);
bool iequals(std::string_view a, std::string_view b);

}  // namespace nimbus::dynamodb::expr
