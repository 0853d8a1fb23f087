// Tokenizer and recursive-descent parser of the GetPartitions expression (grammar in the header).
#include <cctype>
#include <optional>

#include "services/glue/partition_expression.h"
#include "services/glue/partition_number.h"

namespace nimbus::glue::expr {
namespace {

constexpr int kMaxDepth = 100;
constexpr size_t kMaxInList = 1000;

enum class Tok { Ident, QuotedIdent, String, Number, Op, LParen, RParen, Comma, End };

struct Token {
  Tok type{};
  std::string text;
  size_t at = 0;
};

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool digit(char c) { return c >= '0' && c <= '9'; }

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    size_t start = i;
    if (c == '\'' || c == '"' || c == '`') {
      // Quoted: the quote doubled stands for itself.
      std::string value;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == c) {
          if (i + 1 < text.size() && text[i + 1] == c) {
            value.push_back(c);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value.push_back(text[i++]);
      }
      if (!closed) throw ExpressionError("unterminated quoted text", start);
      out.push_back({c == '`' ? Tok::QuotedIdent : Tok::String, std::move(value), start});
      continue;
    }
    bool signed_number =
        (c == '-' || c == '+') && i + 1 < text.size() && (digit(text[i + 1]) || text[i + 1] == '.');
    if (digit(c) || signed_number || (c == '.' && i + 1 < text.size() && digit(text[i + 1]))) {
      ++i;
      while (i < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
              ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E')))) {
        ++i;
      }
      std::string number(text.substr(start, i - start));
      if (!is_number(number)) throw ExpressionError("malformed number " + number, start);
      out.push_back({Tok::Number, std::move(number), start});
      continue;
    }
    if (ident_start(c)) {
      while (i < text.size() && ident_char(text[i])) ++i;
      out.push_back({Tok::Ident, std::string(text.substr(start, i - start)), start});
      continue;
    }
    if (c == '(' || c == ')' || c == ',') {
      out.push_back({c == '('   ? Tok::LParen
                     : c == ')' ? Tok::RParen
                                : Tok::Comma,
                     std::string(1, c), start});
      ++i;
      continue;
    }
    if (c == '=') {
      out.push_back({Tok::Op, "=", start});
      ++i;
      continue;
    }
    if (c == '<' || c == '>' || c == '!') {
      std::string op(1, c);
      if (i + 1 < text.size() && (text[i + 1] == '=' || (c == '<' && text[i + 1] == '>')))
        op.push_back(text[i + 1]);
      if (op == "!") throw ExpressionError("unexpected character '!'", start);
      out.push_back({Tok::Op, op, start});
      i += op.size();
      continue;
    }
    throw ExpressionError(std::string("unexpected character '") + c + "'", start);
  }
  out.push_back({Tok::End, "", text.size()});
  return out;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, Expression& expression)
      : tokens_(std::move(tokens)), expression_(expression) {}

  std::unique_ptr<Node> parse_all() {
    auto node = parse_or(0);
    if (peek().type != Tok::End) fail("unexpected '" + peek().text + "'");
    return node;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    size_t index = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[index];
  }
  const Token& next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw ExpressionError(message, peek().at);
  }

  bool is_keyword(const Token& token, std::string_view word) const {
    return token.type == Tok::Ident && upper(token.text) == word;
  }
  bool accept_keyword(std::string_view word) {
    if (!is_keyword(peek(), word)) return false;
    next();
    return true;
  }
  void expect_keyword(std::string_view word) {
    if (!accept_keyword(word)) fail("expected " + std::string(word));
  }
  void expect(Tok type, std::string_view what) {
    if (peek().type != type) fail("expected " + std::string(what));
    next();
  }

  std::unique_ptr<Node> combine(Kind kind, std::unique_ptr<Node> left,
                                std::unique_ptr<Node> right) {
    if (left->kind != kind) {
      auto parent = std::make_unique<Node>();
      parent->kind = kind;
      parent->children.push_back(std::move(left));
      left = std::move(parent);
    }
    left->children.push_back(std::move(right));
    return left;
  }

  std::unique_ptr<Node> parse_or(int depth) {
    if (depth > kMaxDepth) fail("expression nested too deeply");
    auto node = parse_and(depth);
    while (accept_keyword("OR")) node = combine(Kind::Or, std::move(node), parse_and(depth));
    return node;
  }

  std::unique_ptr<Node> parse_and(int depth) {
    auto node = parse_not(depth);
    while (accept_keyword("AND")) node = combine(Kind::And, std::move(node), parse_not(depth));
    return node;
  }

  std::unique_ptr<Node> parse_not(int depth) {
    if (depth > kMaxDepth) fail("expression nested too deeply");
    if (accept_keyword("NOT")) {
      auto node = std::make_unique<Node>();
      node->kind = Kind::Not;
      node->children.push_back(parse_not(depth + 1));
      return node;
    }
    return parse_primary(depth);
  }

  std::unique_ptr<Node> parse_primary(int depth) {
    if (peek().type == Tok::LParen) {
      next();
      auto node = parse_or(depth + 1);
      expect(Tok::RParen, "')'");
      return node;
    }
    Operand left = parse_operand();
    auto node = std::make_unique<Node>();
    node->operands.push_back(left);
    if (peek().type == Tok::Op) {
      std::string op = next().text;
      node->kind = Kind::Compare;
      node->cmp = op == "="                  ? Cmp::Eq
                  : op == "<>" || op == "!=" ? Cmp::Ne
                  : op == "<"                ? Cmp::Lt
                  : op == ">"                ? Cmp::Gt
                  : op == "<="               ? Cmp::Le
                                             : Cmp::Ge;
      node->operands.push_back(parse_operand());
      check_types(*node);
      return node;
    }
    if (accept_keyword("IS")) {
      node->kind = Kind::IsNull;
      node->negated = accept_keyword("NOT");
      expect_keyword("NULL");
      return node;
    }
    node->negated = accept_keyword("NOT");
    if (accept_keyword("BETWEEN")) {
      node->kind = Kind::Between;
      node->operands.push_back(parse_operand());
      expect_keyword("AND");
      node->operands.push_back(parse_operand());
    } else if (accept_keyword("IN")) {
      node->kind = Kind::In;
      expect(Tok::LParen, "'('");
      do {
        if (node->operands.size() > kMaxInList) fail("too many values in IN list");
        node->operands.push_back(parse_operand());
      } while (peek().type == Tok::Comma && (next(), true));
      expect(Tok::RParen, "')'");
    } else if (accept_keyword("LIKE")) {
      node->kind = Kind::Like;
      node->operands.push_back(parse_operand());
      return node;
    } else {
      fail(peek().type == Tok::End ? "unexpected end of expression"
                                   : "unexpected '" + peek().text + "'");
    }
    check_types(*node);
    return node;
  }

  Operand parse_operand() {
    const Token& token = peek();
    switch (token.type) {
      case Tok::String: {
        next();
        return Operand{-1, token.text, false};
      }
      case Tok::Number: {
        next();
        return Operand{-1, token.text, true};
      }
      case Tok::QuotedIdent:
        next();
        return column(token);
      case Tok::Ident: {
        std::string word = upper(token.text);
        if ((word == "DATE" || word == "TIMESTAMP") && peek(1).type == Tok::String) {
          next();
          return Operand{-1, next().text, false};
        }
        static const char* const kReserved[] = {"AND", "OR",   "NOT", "BETWEEN",
                                                "IN",  "LIKE", "IS",  "NULL"};
        for (const char* reserved : kReserved) {
          if (word == reserved) fail("unexpected " + word);
        }
        next();
        return column(token);
      }
      case Tok::End:
        fail("unexpected end of expression");
      default:
        fail("unexpected '" + token.text + "'");
    }
  }

  Operand column(const Token& token) {
    std::string wanted = lower(token.text);
    for (size_t i = 0; i < expression_.keys.size(); ++i) {
      if (lower(expression_.keys[i].name) == wanted) return Operand{static_cast<int>(i), "", false};
    }
    throw ExpressionError("unknown partition key " + token.text, token.at);
  }

  // In a comparison with a numeric column every literal must be a number.
  void check_types(const Node& node) const {
    bool numeric = false;
    for (const auto& operand : node.operands) {
      if (operand.column >= 0 && expression_.numeric[static_cast<size_t>(operand.column)])
        numeric = true;
    }
    if (!numeric) return;
    for (const auto& operand : node.operands) {
      if (operand.column < 0 && !is_number(operand.text)) {
        throw ExpressionError("'" + operand.text + "' is not a number", peek().at);
      }
    }
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Expression& expression_;
};

}  // namespace

bool is_numeric_type(std::string_view type) {
  std::string t = lower(type);
  auto paren = t.find('(');
  if (paren != std::string::npos) t.resize(paren);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "tinyint" || t == "smallint" || t == "int" || t == "integer" || t == "bigint" ||
         t == "long" || t == "decimal" || t == "float" || t == "double";
}

Expression parse(std::string_view text, const std::vector<KeyColumn>& keys) {
  Expression expression;
  expression.keys = keys;
  for (const auto& key : keys) expression.numeric.push_back(is_numeric_type(key.type));
  auto tokens = tokenize(text);
  if (tokens.size() == 1) return expression;  // blank: everything matches
  Parser parser(std::move(tokens), expression);
  expression.root = parser.parse_all();
  return expression;
}

}  // namespace nimbus::glue::expr
