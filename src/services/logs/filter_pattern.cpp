// The filter pattern parser: text -> FilterPattern, and the parse cache.
#include "services/logs/filter_pattern.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace nimbus::logs::filter {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// What AWS accepts in a %regex% (letters, digits, `:_#=@/;,-`, the operators `^$?[]{}|\*+.`; no
// groups, no multibyte characters; we also let spaces through), and no quantifier right after
// another (`a+*`): std::regex backtracks, and stacked quantifiers make it exponential.
bool regex_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view(":_#=@/;,- ^$?[]{}|\\*+.").find(c) != std::string_view::npos;
}

void check_regex(std::string_view body) {
  auto refuse = [&](const char* why) {
    throw ParseError(std::string(why) + " in regular expression %" + std::string(body) + "%");
  };
  enum { Atom, Quantifier, Lazy } last = Atom;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (!regex_character(c)) refuse("unsupported character");
    if (c == '\\') {
      if (++i == body.size() || static_cast<unsigned char>(body[i]) < 0x21 || static_cast<unsigned char>(body[i]) > 0x7e ||
          std::isdigit(static_cast<unsigned char>(body[i]))) {
        refuse("unsupported escape");  // \1 would be a backreference, and there are no groups
      }
      last = Atom;
    } else if (c == '[') {  // a class is one atom; quantifiers inside it are literal
      size_t close = i + 1;
      if (close < body.size() && body[close] == ']') ++close;
      while (close < body.size() && body[close] != ']') close += body[close] == '\\' ? 2 : 1;
      for (size_t j = i + 1; j < close && j < body.size(); ++j) {
        if (!regex_character(body[j])) refuse("unsupported character");
      }
      i = close;
      last = Atom;
    } else if (c == '*' || c == '+' || c == '{') {
      if (last != Atom) refuse("a quantifier after a quantifier");
      if (c == '{') {  // {m}, {m,}, {m,n} with counts up to 1000
        size_t close = std::min(body.find('}', i), body.size());
        int count = 0;
        for (size_t j = i + 1; j < close; ++j) {
          count = std::isdigit(static_cast<unsigned char>(body[j])) ? count * 10 + (body[j] - '0') : 0;
          if (count > 1000) refuse("a repeat count over 1000");
        }
        i = close;
      }
      last = Quantifier;
    } else if (c == '?') {
      if (last == Lazy) refuse("a quantifier after a quantifier");
      last = last == Quantifier ? Lazy : Quantifier;
    } else {
      last = Atom;
    }
  }
}

std::shared_ptr<const std::regex> compile_regex(std::string_view body) {
  check_regex(body);
  try {
    return std::make_shared<const std::regex>(std::string(body), std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    throw ParseError("invalid regular expression %" + std::string(body) + "%");
  }
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  if (!(std::isdigit(static_cast<unsigned char>(copy[0])) || copy[0] == '-' || copy[0] == '+' || copy[0] == '.')) {
    return std::nullopt;  // "inf", "nan"
  }
  return value;
}

// Reads a "quoted" string starting at text[pos] == '"'; backslash escapes the next character.
std::string read_quoted(std::string_view text, size_t& pos) {
  std::string out;
  for (++pos; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '\\' && pos + 1 < text.size()) {
      out.push_back(text[++pos]);
    } else if (c == '"') {
      ++pos;
      return out;
    } else {
      out.push_back(c);
    }
  }
  throw ParseError("unterminated quoted string");
}

// --- unstructured terms ---------------------------------------------------------------------

FilterPattern parse_terms(std::string_view text) {
  FilterPattern pattern;
  pattern.kind = FilterPattern::Kind::Terms;
  size_t pos = 0;
  while (pos < text.size()) {
    if (is_space(text[pos])) {
      ++pos;
      continue;
    }
    Term term;
    if (text[pos] == '?' || (text[pos] == '-' && pos + 1 < text.size() && !is_space(text[pos + 1]))) {
      term.mode = text[pos] == '?' ? Term::Mode::Optional : Term::Mode::Excluded;
      ++pos;
      if (pos >= text.size() || is_space(text[pos])) throw ParseError("a term must follow '?'");
    }
    if (text[pos] == '"') {
      term.text = read_quoted(text, pos);
    } else if (text[pos] == '%') {
      size_t close = text.find('%', pos + 1);
      if (close == std::string_view::npos) throw ParseError("unterminated regular expression");
      term.text = std::string(text.substr(pos + 1, close - pos - 1));
      term.regex = compile_regex(term.text);
      pos = close + 1;
    } else {
      size_t start = pos;
      while (pos < text.size() && !is_space(text[pos])) ++pos;
      term.text = std::string(text.substr(start, pos - start));
    }
    pattern.terms.push_back(std::move(term));
  }
  // `""` or `" "` alone match everything.
  bool all_blank = !pattern.terms.empty();
  for (const auto& term : pattern.terms) {
    if (term.regex || term.mode != Term::Mode::Required || term.text.find_first_not_of(' ') != std::string::npos) {
      all_blank = false;
    }
  }
  if (pattern.terms.empty() || all_blank) pattern.kind = FilterPattern::Kind::MatchAll;
  return pattern;
}

// --- expressions (JSON and space-delimited) -------------------------------------------------

struct Token {
  enum class Kind { Word, Quoted, Regex, LParen, RParen, And, Or, Op, Comma, End } kind = Kind::End;
  std::string text;
  CompareOp op = CompareOp::Eq;
};

class Lexer {
 public:
  Lexer(std::string_view text, bool delimited) : text_(text), delimited_(delimited) {}

  Token next() {
    while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    Token token;
    if (pos_ >= text_.size()) return token;
    char c = text_[pos_];
    auto two = text_.substr(pos_, 2);
    if (c == '(') return advance(token, Token::Kind::LParen, 1);
    if (c == ')') return advance(token, Token::Kind::RParen, 1);
    if (c == ',' && delimited_) return advance(token, Token::Kind::Comma, 1);
    if (two == "&&") return advance(token, Token::Kind::And, 2);
    if (two == "||") return advance(token, Token::Kind::Or, 2);
    if (two == "!=") return op(token, CompareOp::Ne, 2);
    if (two == "<=") return op(token, CompareOp::Le, 2);
    if (two == ">=") return op(token, CompareOp::Ge, 2);
    if (c == '=') return op(token, CompareOp::Eq, two == "==" ? 2 : 1);
    if (c == '<') return op(token, CompareOp::Lt, 1);
    if (c == '>') return op(token, CompareOp::Gt, 1);
    if (c == '"') {
      token.kind = Token::Kind::Quoted;
      token.text = read_quoted(text_, pos_);
      return token;
    }
    if (c == '%') {
      size_t close = text_.find('%', pos_ + 1);
      if (close == std::string_view::npos) throw ParseError("unterminated regular expression");
      token.kind = Token::Kind::Regex;
      token.text = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      return token;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && !ends_word(text_[pos_])) ++pos_;
    if (pos_ == start) throw ParseError(std::string("unexpected character '") + c + "'");
    token.kind = Token::Kind::Word;
    token.text = std::string(text_.substr(start, pos_ - start));
    return token;
  }

 private:
  bool ends_word(char c) const {
    return is_space(c) || c == '(' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>' || c == '&' ||
           c == '|' || c == '"' || (delimited_ && c == ',');
  }
  Token advance(Token& token, Token::Kind kind, size_t width) {
    token.kind = kind;
    token.text = std::string(text_.substr(pos_, width));
    pos_ += width;
    return token;
  }
  Token op(Token& token, CompareOp compare, size_t width) {
    token.op = compare;
    return advance(token, Token::Kind::Op, width);
  }

  std::string_view text_;
  size_t pos_ = 0;
  bool delimited_;
};

std::vector<PathStep> parse_selector(const std::string& selector) {
  if (!selector.starts_with("$")) throw ParseError("selector must start with '$': " + selector);
  std::vector<PathStep> path;
  size_t pos = 1;
  while (pos < selector.size()) {
    if (selector[pos] == '.') {
      size_t start = ++pos;
      while (pos < selector.size() && selector[pos] != '.' && selector[pos] != '[') ++pos;
      if (pos == start) throw ParseError("empty key in selector " + selector);
      path.push_back({PathStep::Kind::Key, selector.substr(start, pos - start), 0});
    } else if (selector[pos] == '[') {
      size_t close = selector.find(']', pos);
      if (close == std::string::npos) throw ParseError("unterminated '[' in selector " + selector);
      std::string inside = selector.substr(pos + 1, close - pos - 1);
      if (inside == "*") {
        path.push_back({PathStep::Kind::AnyIndex, {}, 0});
      } else if (!inside.empty() && inside.size() <= 9 && inside.find_first_not_of("0123456789") == std::string::npos) {
        // At most 9 digits: any index an event can have, and never out of stoull's range.
        path.push_back({PathStep::Kind::Index, {}, static_cast<size_t>(std::stoull(inside))});
      } else {
        throw ParseError("invalid index in selector " + selector);
      }
      pos = close + 1;
    } else {
      throw ParseError("invalid selector " + selector);
    }
  }
  return path;
}

// Recursive descent over tokens: expr := and ('||' and)*; and := unary ('&&' unary)*;
// unary := '(' expr ')' | comparison.
class ExpressionParser {
 public:
  ExpressionParser(Lexer& lexer, bool json) : lexer_(lexer), json_(json) { token_ = lexer_.next(); }

  Condition expression() {
    Condition left = conjunction();
    if (token_.kind != Token::Kind::Or) return left;
    Condition node;
    node.kind = Condition::Kind::Or;
    node.children.push_back(std::move(left));
    while (token_.kind == Token::Kind::Or) {
      take();
      node.children.push_back(conjunction());
    }
    return node;
  }

  const Token& current() const { return token_; }
  Token take() {
    Token taken = std::move(token_);
    token_ = lexer_.next();
    return taken;
  }
  // The first field name a delimited slot declared.
  const std::string& first_selector() const { return first_selector_; }
  void reset_first_selector() { first_selector_.clear(); }

 private:
  Condition conjunction() {
    Condition left = unary();
    if (token_.kind != Token::Kind::And) return left;
    Condition node;
    node.kind = Condition::Kind::And;
    node.children.push_back(std::move(left));
    while (token_.kind == Token::Kind::And) {
      take();
      node.children.push_back(unary());
    }
    return node;
  }

  Condition unary() {
    if (token_.kind == Token::Kind::LParen) {
      take();
      Condition inner = expression();
      if (token_.kind != Token::Kind::RParen) throw ParseError("expected ')'");
      take();
      return inner;
    }
    return comparison();
  }

  Condition comparison() {
    if (token_.kind != Token::Kind::Word) throw ParseError("expected a selector, found '" + token_.text + "'");
    Condition node;
    node.selector = take().text;
    if (json_) node.path = parse_selector(node.selector);
    if (first_selector_.empty()) first_selector_ = node.selector;
    if (token_.kind == Token::Kind::Word && (token_.text == "IS" || token_.text == "NOT")) {
      std::string keyword = take().text;
      std::string what = token_.kind == Token::Kind::Word ? take().text : "";
      if (keyword == "IS" && what == "NULL") node.kind = Condition::Kind::IsNull;
      else if (keyword == "IS" && what == "TRUE") node.kind = Condition::Kind::IsTrue;
      else if (keyword == "IS" && what == "FALSE") node.kind = Condition::Kind::IsFalse;
      else if (keyword == "NOT" && what == "EXISTS") node.kind = Condition::Kind::NotExists;
      else throw ParseError("expected NULL, TRUE, FALSE or EXISTS after " + keyword);
      return node;
    }
    if (token_.kind != Token::Kind::Op) {
      if (json_) throw ParseError("expected an operator after " + node.selector);
      node.kind = Condition::Kind::Declared;
      return node;
    }
    node.kind = Condition::Kind::Compare;
    node.op = take().op;
    Token value = take();
    if (value.kind == Token::Kind::Quoted) {
      node.value.text = value.text;
    } else if (value.kind == Token::Kind::Regex) {
      node.value.text = value.text;
      node.value.regex = compile_regex(value.text);
    } else if (value.kind == Token::Kind::Word) {
      node.value.text = value.text;
      node.value.number = parse_number(value.text);
    } else {
      throw ParseError("expected a value after the operator");
    }
    bool ordering = node.op != CompareOp::Eq && node.op != CompareOp::Ne;
    if (ordering && !node.value.number) throw ParseError("a numeric comparison needs a number: " + value.text);
    return node;
  }

  Lexer& lexer_;
  bool json_;
  Token token_;
  std::string first_selector_;
};

FilterPattern parse_json(std::string_view text) {
  // text is "{ ... }"
  auto close = text.rfind('}');
  if (close == std::string_view::npos) throw ParseError("missing '}'");
  if (text.substr(close + 1).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    throw ParseError("unexpected text after '}'");
  }
  Lexer lexer(text.substr(1, close - 1), false);
  ExpressionParser parser(lexer, true);
  FilterPattern pattern;
  pattern.kind = FilterPattern::Kind::Json;
  pattern.condition = parser.expression();
  if (parser.current().kind != Token::Kind::End) throw ParseError("unexpected '" + parser.current().text + "'");
  return pattern;
}

FilterPattern parse_delimited(std::string_view text) {
  auto close = text.rfind(']');
  if (close == std::string_view::npos) throw ParseError("missing ']'");
  if (text.substr(close + 1).find_first_not_of(" \t\r\n") != std::string_view::npos) {
    throw ParseError("unexpected text after ']'");
  }
  Lexer lexer(text.substr(1, close - 1), true);
  ExpressionParser parser(lexer, false);
  FilterPattern pattern;
  pattern.kind = FilterPattern::Kind::Delimited;
  Condition all;
  all.kind = Condition::Kind::And;
  while (parser.current().kind != Token::Kind::End) {
    if (parser.current().kind == Token::Kind::Word && parser.current().text == "...") {
      parser.take();
      pattern.fields.push_back({"", true});
    } else {
      parser.reset_first_selector();
      Condition slot = parser.expression();
      pattern.fields.push_back({parser.first_selector(), false});
      if (slot.kind != Condition::Kind::Declared) all.children.push_back(std::move(slot));
    }
    if (parser.current().kind == Token::Kind::Comma) {
      parser.take();
    } else if (parser.current().kind != Token::Kind::End) {
      throw ParseError("expected ',' between fields, found '" + parser.current().text + "'");
    }
  }
  if (!all.children.empty()) pattern.condition = std::move(all);
  return pattern;
}

}  // namespace

FilterPattern parse(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  text.remove_prefix(start);
  if (text.front() == '{') return parse_json(text);
  if (text.front() == '[') return parse_delimited(text);
  return parse_terms(text);
}

std::shared_ptr<const FilterPattern> PatternCache::get(std::string_view text) {
  {
    std::lock_guard lock(mutex_);
    auto it = patterns_.find(std::string(text));
    if (it != patterns_.end()) return it->second;
  }
  auto parsed = std::make_shared<const FilterPattern>(parse(text));
  std::lock_guard lock(mutex_);
  if (patterns_.size() >= capacity_) patterns_.clear();
  patterns_.emplace(std::string(text), parsed);
  return parsed;
}

size_t PatternCache::size() const {
  std::lock_guard lock(mutex_);
  return patterns_.size();
}

}  // namespace nimbus::logs::filter
