#pragma once
// The character-level reader the parsers share: position, whitespace, identifiers, nesting
// depth, and errors that name their line and column.

#include <cstddef>
#include <string>
#include <string_view>

#include "services/apigateway/vtl/ast.h"
#include "services/apigateway/vtl/vtl.h"

namespace nimbus::apigateway::vtl {

inline bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
// Velocity identifiers may hold '-': $a-b is the variable "a-b".
inline bool is_ident_char(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct Scanner {
  std::string_view text;  // what is being read (a template, or a string literal's content)
  std::string_view full;  // the whole template, for positions in messages
  size_t i = 0;
  size_t origin = std::string_view::npos;  // reading a string literal: where it starts in `full`
  int depth = 0;

  bool at_end() const { return i >= text.size(); }
  char peek(size_t k = 0) const { return i + k < text.size() ? text[i + k] : '\0'; }
  bool starts_with(std::string_view s) const { return text.substr(i).starts_with(s); }
  // The position to report for offset `at` (the string literal's, inside a string).
  size_t pos_of(size_t at) const { return origin == std::string_view::npos ? at : origin; }
  size_t pos() const { return pos_of(i); }

  [[noreturn]] void fail(const std::string& message, size_t at) const;
  [[noreturn]] void fail(const std::string& message) const { fail(message, i); }

  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++i;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  void expect(char c, std::string_view what) {
    skip_space();
    if (!eat(c)) fail("expected '" + std::string(1, c) + "' " + std::string(what));
  }
  std::string identifier() {
    size_t start = i;
    while (!at_end() && is_ident_char(peek())) ++i;
    return std::string(text.substr(start, i - start));
  }
  // A directive's trailing blanks and one line end, which Velocity does not render.
  void gobble_line_end() {
    size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j < text.size() && text[j] == '\n') {
      i = j + 1;
    } else if (j < text.size() && text[j] == '\r') {
      i = j + 1 < text.size() && text[j + 1] == '\n' ? j + 2 : j + 1;
    }
  }
};

// Counts one level of nesting for as long as it lives; too deep is a TemplateError.
class NestingGuard {
 public:
  explicit NestingGuard(Scanner& sc) : sc_(sc) {
    if (++sc_.depth > limits::kMaxNesting) {
      sc_.fail("template nests deeper than " + std::to_string(limits::kMaxNesting) +
               " levels (directives, parentheses, operators, strings)");
    }
  }
  ~NestingGuard() { --sc_.depth; }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;

 private:
  Scanner& sc_;
};

// Expressions (parse_expr.cpp).
ExprPtr parse_expression(Scanner& sc);
// A reference at '$'. In text, what does not form a reference is left alone (nullopt and the
// scanner unmoved, false); in an expression it is an error.
bool parse_reference(Scanner& sc, bool in_text, Reference& out);
// The nodes of a template or of a "..." string's content (parser.cpp).
std::vector<Node> parse_nodes(Scanner& sc);

}  // namespace nimbus::apigateway::vtl
