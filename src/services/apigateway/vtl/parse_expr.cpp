// Expressions inside directives and method arguments: literals (numbers, 'strings', "interpolated
// $strings", true/false/null, [lists], [ranges..], {maps}), references, ! - and the binary
// operators with Velocity's precedence and word forms (and or not eq ne lt gt le ge).

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/vtl/scanner.h"

namespace nimbus::apigateway::vtl {

namespace {

ExprPtr make(Expr::Kind kind, size_t pos) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->pos = pos;
  return e;
}

// A word operator (and, or, ...) at the cursor, not the start of a longer word.
bool eat_word(Scanner& sc, std::string_view word) {
  if (!sc.starts_with(word) || is_ident_char(sc.peek(word.size()))) return false;
  sc.i += word.size();
  return true;
}

ExprPtr parse_unary(Scanner& sc);

ExprPtr binary(std::string op, ExprPtr left, ExprPtr right, size_t pos) {
  auto e = make(Expr::Kind::Binary, pos);
  e->op = std::move(op);
  e->items.push_back(std::move(left));
  e->items.push_back(std::move(right));
  return e;
}

// One precedence level: operators as {symbol, word, canonical}.
struct Op {
  std::string_view symbol, word, name;
};

// Each operator makes the (left-leaning) tree one level deeper, so it counts as nesting.
template <size_t N, typename Next>
ExprPtr parse_level(Scanner& sc, const Op (&ops)[N], Next next) {
  ExprPtr left = next(sc);
  std::vector<std::unique_ptr<NestingGuard>> levels;
  while (true) {
    sc.skip_space();
    size_t pos = sc.pos();
    const Op* found = nullptr;
    for (const Op& op : ops) {
      if (!op.symbol.empty() && sc.starts_with(op.symbol)) {
        // '<' must not take '<=', '!' is not '!='.
        if (op.symbol.size() == 1 && sc.peek(1) == '=' && op.symbol != "=") continue;
        sc.i += op.symbol.size();
        found = &op;
        break;
      }
      if (!op.word.empty() && eat_word(sc, op.word)) {
        found = &op;
        break;
      }
    }
    if (!found) return left;
    levels.push_back(std::make_unique<NestingGuard>(sc));
    ExprPtr right = next(sc);
    left = binary(std::string(found->name), std::move(left), std::move(right), pos);
  }
}

constexpr Op kMul[] = {{"*", "", "*"}, {"/", "", "/"}, {"%", "", "%"}};
constexpr Op kAdd[] = {{"+", "", "+"}, {"-", "", "-"}};
constexpr Op kRel[] = {{"<=", "le", "<="}, {">=", "ge", ">="}, {"<", "lt", "<"}, {">", "gt", ">"}};
constexpr Op kEq[] = {{"==", "eq", "=="}, {"!=", "ne", "!="}};
constexpr Op kAnd[] = {{"&&", "and", "&&"}};
constexpr Op kOr[] = {{"||", "or", "||"}};

ExprPtr parse_mul(Scanner& sc) { return parse_level(sc, kMul, parse_unary); }
ExprPtr parse_add(Scanner& sc) { return parse_level(sc, kAdd, parse_mul); }
ExprPtr parse_rel(Scanner& sc) { return parse_level(sc, kRel, parse_add); }
ExprPtr parse_eq(Scanner& sc) { return parse_level(sc, kEq, parse_rel); }
ExprPtr parse_and(Scanner& sc) { return parse_level(sc, kAnd, parse_eq); }

ExprPtr parse_number(Scanner& sc) {
  size_t start = sc.i;
  while (is_digit(sc.peek())) ++sc.i;
  bool is_float = false;
  if (sc.peek() == '.' && is_digit(sc.peek(1))) {  // not "1..3"
    is_float = true;
    ++sc.i;
    while (is_digit(sc.peek())) ++sc.i;
  }
  if ((sc.peek() == 'e' || sc.peek() == 'E') &&
      (is_digit(sc.peek(1)) ||
       ((sc.peek(1) == '-' || sc.peek(1) == '+') && is_digit(sc.peek(2))))) {
    is_float = true;
    sc.i += 2;
    while (is_digit(sc.peek())) ++sc.i;
  }
  std::string_view digits = sc.text.substr(start, sc.i - start);
  auto e = make(Expr::Kind::Literal, sc.pos_of(start));
  if (is_float) {
    double d = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (ec != std::errc()) sc.fail("number out of range", start);
    e->literal = d;
  } else {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc()) sc.fail("number out of range", start);
    e->literal = n;
  }
  return e;
}

ExprPtr parse_string(Scanner& sc) {
  size_t start = sc.i;
  char quote = sc.peek();
  ++sc.i;
  std::string content;
  while (true) {
    if (sc.at_end()) sc.fail("unterminated string", start);
    char c = sc.peek();
    if (c == quote) {
      if (sc.peek(1) == quote) {  // '' and "" stand for the quote itself
        content += quote;
        sc.i += 2;
        continue;
      }
      ++sc.i;
      break;
    }
    if (c == '\\' && quote == '"' && sc.peek(1) == '"') {  // \" does not end the string
      content += "\\\"";
      sc.i += 2;
      continue;
    }
    content += c;
    ++sc.i;
  }
  if (quote == '"' && content.find_first_of("$#") != std::string::npos) {
    NestingGuard guard(sc);
    Scanner inner;
    inner.text = content;
    inner.full = sc.full;
    inner.origin = sc.pos_of(start);
    inner.depth = sc.depth;
    auto e = make(Expr::Kind::Template, sc.pos_of(start));
    e->parts = parse_nodes(inner);
    return e;
  }
  auto e = make(Expr::Kind::Literal, sc.pos_of(start));
  e->literal = std::move(content);
  return e;
}

// [a, b], [a..b] or []
ExprPtr parse_list(Scanner& sc) {
  size_t start = sc.i;
  ++sc.i;
  sc.skip_space();
  auto e = make(Expr::Kind::List, sc.pos_of(start));
  if (sc.eat(']')) return e;
  e->items.push_back(parse_expression(sc));
  sc.skip_space();
  if (sc.starts_with("..")) {
    sc.i += 2;
    e->kind = Expr::Kind::Range;
    e->items.push_back(parse_expression(sc));
    sc.expect(']', "to close the range");
    return e;
  }
  while (true) {
    sc.skip_space();
    if (sc.eat(']')) return e;
    if (!sc.eat(',')) sc.fail("expected ',' or ']' in the list");
    e->items.push_back(parse_expression(sc));
  }
}

// {key: value, ...}
ExprPtr parse_map(Scanner& sc) {
  size_t start = sc.i;
  ++sc.i;
  sc.skip_space();
  auto e = make(Expr::Kind::Map, sc.pos_of(start));
  if (sc.eat('}')) return e;
  while (true) {
    e->items.push_back(parse_expression(sc));
    sc.expect(':', "between a map's key and value");
    e->items.push_back(parse_expression(sc));
    sc.skip_space();
    if (sc.eat('}')) return e;
    if (!sc.eat(',')) sc.fail("expected ',' or '}' in the map");
  }
}

ExprPtr parse_primary(Scanner& sc) {
  sc.skip_space();
  size_t pos = sc.pos();
  char c = sc.peek();
  if (c == '(') {
    ++sc.i;
    ExprPtr inner = parse_expression(sc);
    sc.expect(')', "to close '('");
    return inner;
  }
  if (c == '$') {
    auto e = make(Expr::Kind::Ref, pos);
    if (!parse_reference(sc, false, e->ref)) sc.fail("expected a reference after '$'");
    return e;
  }
  if (c == '"' || c == '\'') return parse_string(sc);
  if (is_digit(c)) return parse_number(sc);
  if (c == '[') return parse_list(sc);
  if (c == '{') return parse_map(sc);
  if (is_ident_start(c)) {
    size_t start = sc.i;
    std::string word = sc.identifier();
    auto e = make(Expr::Kind::Literal, pos);
    if (word == "true") {
      e->literal = true;
    } else if (word == "false") {
      e->literal = false;
    } else if (word == "null") {
      e->literal = nullptr;
    } else {
      sc.fail("unexpected '" + word + "' (references start with '$')", start);
    }
    return e;
  }
  if (sc.at_end()) sc.fail("unexpected end of template in an expression");
  sc.fail("unexpected '" + std::string(1, c) + "' in an expression");
}

ExprPtr parse_unary(Scanner& sc) {
  NestingGuard guard(sc);
  sc.skip_space();
  size_t pos = sc.pos();
  if ((sc.peek() == '!' && sc.peek(1) != '=') || eat_word(sc, "not")) {
    if (sc.peek() == '!') ++sc.i;
    auto e = make(Expr::Kind::Not, pos);
    e->items.push_back(parse_unary(sc));
    return e;
  }
  if (sc.peek() == '-') {
    ++sc.i;
    auto e = make(Expr::Kind::Neg, pos);
    e->items.push_back(parse_unary(sc));
    return e;
  }
  return parse_primary(sc);
}

// Method arguments up to ')' (the '(' is consumed).
void parse_arguments(Scanner& sc, std::vector<ExprPtr>& args) {
  sc.skip_space();
  if (sc.eat(')')) return;
  while (true) {
    args.push_back(parse_expression(sc));
    sc.skip_space();
    if (sc.eat(')')) return;
    if (!sc.eat(',')) sc.fail("expected ',' or ')' in the method's arguments");
  }
}

}  // namespace

ExprPtr parse_expression(Scanner& sc) {
  NestingGuard guard(sc);
  return parse_level(sc, kOr, parse_and);
}

bool parse_reference(Scanner& sc, bool in_text, Reference& out) {
  size_t start = sc.i;
  size_t j = start + 1;
  bool quiet = j < sc.text.size() && sc.text[j] == '!';
  if (quiet) ++j;
  bool braced = j < sc.text.size() && sc.text[j] == '{';
  if (braced) ++j;
  if (j >= sc.text.size() || !is_ident_start(sc.text[j])) return false;
  NestingGuard guard(sc);
  sc.i = j;
  Reference ref;
  ref.pos = sc.pos_of(start);
  ref.quiet = quiet;
  ref.root = sc.identifier();
  while (true) {
    if (sc.peek() == '.' && is_ident_start(sc.peek(1))) {
      ++sc.i;
      Segment segment;
      segment.name = sc.identifier();
      if (sc.eat('(')) {
        segment.kind = Segment::Kind::Method;
        parse_arguments(sc, segment.args);
      }
      ref.segments.push_back(std::move(segment));
    } else if (sc.peek() == '[') {
      size_t save = sc.i;
      Segment segment;
      segment.kind = Segment::Kind::Index;
      try {
        ++sc.i;
        segment.args.push_back(parse_expression(sc));
        sc.expect(']', "to close the index");
      } catch (const TemplateError&) {
        if (!in_text) throw;
        sc.i = save;  // "$name[" in text: the reference ends before '['
        break;
      }
      ref.segments.push_back(std::move(segment));
    } else {
      break;
    }
    if (ref.segments.size() > limits::kMaxSegments) {
      sc.fail("reference has more than " + std::to_string(limits::kMaxSegments) + " parts", start);
    }
  }
  if (braced && !sc.eat('}')) {
    if (!in_text) sc.fail("expected '}' to close the reference", start);
    sc.i = start;
    return false;
  }
  ref.text = std::string(sc.text.substr(start, sc.i - start));
  out = std::move(ref);
  return true;
}

}  // namespace nimbus::apigateway::vtl
