#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace nimbus::dynamodb::expr {

// Tokens of DynamoDB's expression languages. Keywords (AND, SET, BETWEEN, ...) are Name tokens;
// the parser tells them apart case-insensitively.
enum class Tok {
  Name,              // [A-Za-z_][A-Za-z0-9_]*
  NamePlaceholder,   // #[A-Za-z0-9_]+
  ValuePlaceholder,  // :[A-Za-z0-9_]+
  Integer,           // [0-9]+ (list indexes)
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Plus,
  Minus,
  Unknown,  // any other character (or a lone # or :), reported as a syntax error's token
  End,
};

struct Token {
  Tok kind = Tok::End;
  size_t begin = 0;
  size_t end = 0;
  std::string_view text;
};

// Always ends with one End token (at the end of the text).
std::vector<Token> tokenize(std::string_view text);

}  // namespace nimbus::dynamodb::expr
