#include "services/dynamodb/partiql.h"

#include <cctype>
#include <charconv>

#include "services/dynamodb/dynamodb_errors.h"
#include "services/dynamodb/expr/expression_error.h"
#include "services/dynamodb/expr/value.h"

namespace nimbus::dynamodb::partiql {
namespace {

struct Token {
  enum class Kind { Word, Name, String, Number, Symbol, Parameter, End };
  Kind kind = Kind::End;
  std::string text;  // words as written; names and strings unquoted
};

[[noreturn]] void malformed(const std::string& detail) {
  throw errors::validation("Statement wasn't well formed, can't be processed: " + detail);
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  auto quoted = [&](char quote) {
    std::string out;
    for (++i;; ++i) {
      if (i >= text.size()) malformed("unterminated quoted text");
      if (text[i] == quote) {
        if (i + 1 < text.size() && text[i + 1] == quote) {
          out.push_back(quote);
          ++i;
          continue;
        }
        ++i;
        return out;
      }
      out.push_back(text[i]);
    }
  };
  while (i < text.size()) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'') {
      tokens.push_back({Token::Kind::String, quoted('\'')});
    } else if (c == '"') {
      tokens.push_back({Token::Kind::Name, quoted('"')});
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      tokens.push_back({Token::Kind::Number, std::string(text.substr(start, i - start))});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      tokens.push_back({Token::Kind::Word, std::string(text.substr(start, i - start))});
    } else if (c == '?') {
      tokens.push_back({Token::Kind::Parameter, "?"});
      ++i;
    } else {
      static const char* kTwoCharacter[] = {"<<", ">>", "<=", ">=", "<>", "!="};
      std::string symbol(1, c);
      for (const char* two : kTwoCharacter) {
        if (text.substr(i, 2) == two) symbol = two;
      }
      if (symbol.size() == 1 && std::string_view("=<>,.*()[]{}:+-;").find(c) == std::string_view::npos) {
        malformed("unexpected character '" + symbol + "'");
      }
      tokens.push_back({Token::Kind::Symbol, symbol});
      i += symbol.size();
    }
  }
  tokens.push_back({Token::Kind::End, ""});
  return tokens;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, const Json& parameters) : tokens_(tokenize(text)), parameters_(parameters) {}

  Statement statement() {
    Statement out;
    if (accept_word("SELECT")) {
      out.kind = Statement::Kind::Select;
      if (!accept_symbol("*")) {
        do out.projection.push_back(path()); while (accept_symbol(","));
      }
      expect_word("FROM");
      table_ref(out);
      if (accept_word("WHERE")) out.where = condition();
    } else if (accept_word("INSERT")) {
      out.kind = Statement::Kind::Insert;
      expect_word("INTO");
      table_ref(out);
      expect_word("VALUE");
      out.item = value();
      if (!out.item.contains("M")) malformed("INSERT's VALUE must be a map");
      out.item = out.item["M"];
    } else if (accept_word("UPDATE")) {
      out.kind = Statement::Kind::Update;
      table_ref(out);
      update_clauses(out);
      expect_word("WHERE");
      out.where = condition();
    } else if (accept_word("DELETE")) {
      out.kind = Statement::Kind::Delete;
      expect_word("FROM");
      table_ref(out);
      expect_word("WHERE");
      out.where = condition();
    } else {
      malformed("unsupported statement, expected SELECT, INSERT, UPDATE or DELETE");
    }
    accept_symbol(";");
    if (peek().kind != Token::Kind::End) malformed("unexpected token '" + peek().text + "'");
    if (parameter_index_ != (parameters_.is_array() ? parameters_.size() : 0)) {
      throw errors::validation("Number of parameters in request and statement don't match.");
    }
    return out;
  }

 private:
  const Token& peek() const { return tokens_[position_]; }
  Token next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }

  bool accept_word(std::string_view word) {
    if (peek().kind == Token::Kind::Word && iequals(peek().text, word)) {
      ++position_;
      return true;
    }
    return false;
  }
  void expect_word(std::string_view word) {
    if (!accept_word(word)) malformed("expected " + std::string(word) + " near '" + peek().text + "'");
  }
  bool accept_symbol(std::string_view symbol) {
    if (peek().kind == Token::Kind::Symbol && peek().text == symbol) {
      ++position_;
      return true;
    }
    return false;
  }
  void expect_symbol(std::string_view symbol) {
    if (!accept_symbol(symbol)) malformed("expected '" + std::string(symbol) + "' near '" + peek().text + "'");
  }

  std::string name() {
    Token token = next();
    if (token.kind != Token::Kind::Word && token.kind != Token::Kind::Name) {
      malformed("expected a name near '" + token.text + "'");
    }
    // A quoted name may be written empty (""); no table, index or attribute is called that.
    if (token.text.empty()) malformed("empty identifier");
    return token.text;
  }

  void table_ref(Statement& out) {
    out.table = name();
    if (accept_symbol(".")) out.index = name();
  }

  expr::Path path() {
    expr::Path out{expr::PathElement{false, name(), 0}};
    for (;;) {
      if (accept_symbol(".")) {
        out.push_back({false, name(), 0});
      } else if (accept_symbol("[")) {
        Token token = next();
        if (token.kind == Token::Kind::Number) {
          uint32_t index = 0;
          const char* end = token.text.data() + token.text.size();
          auto [stop, error] = std::from_chars(token.text.data(), end, index);
          if (error != std::errc() || stop != end) malformed("invalid list index '" + token.text + "'");
          out.push_back({true, "", index});
        } else if (token.kind == Token::Kind::String) {
          out.push_back({false, token.text, 0});
        } else {
          malformed("expected a list index or a map key near '" + token.text + "'");
        }
        expect_symbol("]");
      } else {
        return out;
      }
    }
  }

  Json parameter() {
    if (!parameters_.is_array() || parameter_index_ >= parameters_.size()) {
      throw errors::validation("Number of parameters in request and statement don't match.");
    }
    Json bound = parameters_[parameter_index_++];
    try {
      expr::validate_value(bound);
    } catch (const expr::ExpressionError& error) {
      throw errors::validation(error.message);
    }
    return bound;
  }

  // A literal or a parameter, as an attribute value.
  Json value() {
    if (peek().kind == Token::Kind::Parameter) {
      next();
      return parameter();
    }
    bool negative = accept_symbol("-");
    Token token = next();
    std::optional<Nesting> nested;
    switch (token.kind) {
      case Token::Kind::String:
        if (!negative) return {{"S", token.text}};
        break;
      case Token::Kind::Number: {
        Json number = {{"N", (negative ? "-" : "") + token.text}};
        try {
          expr::validate_value(number);
        } catch (const expr::ExpressionError& error) {
          throw errors::validation(error.message);
        }
        return number;
      }
      case Token::Kind::Word:
        if (iequals(token.text, "TRUE")) return {{"BOOL", true}};
        if (iequals(token.text, "FALSE")) return {{"BOOL", false}};
        if (iequals(token.text, "NULL")) return {{"NULL", true}};
        break;
      case Token::Kind::Symbol:
        if (token.text == "[" || token.text == "{" || token.text == "<<") nested.emplace(*this);
        if (token.text == "[") {
          Json list = Json::array();
          if (!accept_symbol("]")) {
            do list.push_back(value()); while (accept_symbol(","));
            expect_symbol("]");
          }
          return {{"L", list}};
        }
        if (token.text == "{") {
          Json map = Json::object();
          if (!accept_symbol("}")) {
            do {
              Token key = next();
              if (key.kind != Token::Kind::String && key.kind != Token::Kind::Name) malformed("expected a map key near '" + key.text + "'");
              expect_symbol(":");
              map[key.text] = value();
            } while (accept_symbol(","));
            expect_symbol("}");
          }
          return {{"M", map}};
        }
        if (token.text == "<<") return set();
        break;
      default:
        break;
    }
    malformed("expected a value near '" + token.text + "'");
  }

  Json set() {
    Json elements = Json::array();
    std::string type;
    if (!accept_symbol(">>")) {
      do {
        Json element = value();
        std::string element_type = element.begin().key();
        if (element_type != "S" && element_type != "N" && element_type != "B") malformed("a set holds strings, numbers or binaries");
        if (!type.empty() && type != element_type) malformed("a set's elements must have one type");
        type = element_type;
        elements.push_back(element.begin().value());
      } while (accept_symbol(","));
      expect_symbol(">>");
    }
    if (elements.empty()) malformed("a set may not be empty");
    Json set = {{type + "S", elements}};
    try {
      expr::validate_value(set);
    } catch (const expr::ExpressionError& error) {
      throw errors::validation(error.message);
    }
    return set;
  }

  bool at_value() const {
    const Token& token = peek();
    if (token.kind == Token::Kind::String || token.kind == Token::Kind::Number || token.kind == Token::Kind::Parameter) return true;
    if (token.kind == Token::Kind::Symbol) return token.text == "[" || token.text == "{" || token.text == "<<" || token.text == "-";
    return token.kind == Token::Kind::Word &&
           (iequals(token.text, "TRUE") || iequals(token.text, "FALSE") || iequals(token.text, "NULL"));
  }

  expr::Operand value_operand() {
    expr::Operand operand;
    operand.kind = expr::Operand::Kind::Value;
    operand.value = value();
    return operand;
  }

  expr::Operand path_operand() {
    expr::Operand operand;
    operand.kind = expr::Operand::Kind::Path;
    operand.path = path();
    return operand;
  }

  // A function call whose name was just read: its arguments in parentheses.
  expr::Operand call(const std::string& function) {
    expr::Operand operand;
    operand.kind = expr::Operand::Kind::Function;
    operand.name = function;
    Nesting nested(*this);
    expect_symbol("(");
    if (!accept_symbol(")")) {
      do operand.args.push_back(operand_term()); while (accept_symbol(","));
      expect_symbol(")");
    }
    return operand;
  }

  bool at_call() const {
    return peek().kind == Token::Kind::Word && tokens_[position_ + 1].kind == Token::Kind::Symbol &&
           tokens_[position_ + 1].text == "(";
  }

  expr::Operand operand_term() {
    if (at_value()) return value_operand();
    if (at_call()) {
      std::string function = next().text;
      for (auto& c : function) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return call(function);
    }
    return path_operand();
  }

  // --- conditions ---
  expr::Condition condition() {
    expr::Condition left = and_condition();
    while (accept_word("OR")) left = join(expr::Condition::Kind::Or, std::move(left), and_condition());
    return left;
  }
  expr::Condition and_condition() {
    expr::Condition left = not_condition();
    while (accept_word("AND")) left = join(expr::Condition::Kind::And, std::move(left), not_condition());
    return left;
  }
  expr::Condition not_condition() {
    if (accept_word("NOT")) {
      Nesting nested(*this);
      return negate(not_condition());
    }
    return primary();
  }
  static expr::Condition join(expr::Condition::Kind kind, expr::Condition a, expr::Condition b) {
    expr::Condition out;
    out.kind = kind;
    out.children.push_back(std::move(a));
    out.children.push_back(std::move(b));
    return out;
  }
  static expr::Condition negate(expr::Condition inner) {
    expr::Condition out;
    out.kind = expr::Condition::Kind::Not;
    out.children.push_back(std::move(inner));
    return out;
  }
  static expr::Condition function(const char* name, std::vector<expr::Operand> operands) {
    expr::Condition out;
    out.kind = expr::Condition::Kind::Function;
    out.function = name;
    out.operands = std::move(operands);
    return out;
  }

  expr::Condition primary() {
    if (accept_symbol("(")) {
      Nesting nested(*this);
      expr::Condition inner = condition();
      expect_symbol(")");
      return inner;
    }
    if (at_call()) {
      std::string function = next().text;
      for (auto& c : function) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      expr::Operand called = call(function);
      if (function != "size") {
        if (function == "exists") malformed("EXISTS is not supported");
        expr::Condition out;
        out.kind = expr::Condition::Kind::Function;
        out.function = function;
        out.operands = std::move(called.args);
        return out;
      }
      return comparison(std::move(called));
    }
    return comparison(operand_term());
  }

  expr::Condition comparison(expr::Operand left) {
    static const std::pair<const char*, expr::Comparator> kComparators[] = {
        {"=", expr::Comparator::Eq}, {"<>", expr::Comparator::Ne}, {"!=", expr::Comparator::Ne},
        {"<", expr::Comparator::Lt}, {"<=", expr::Comparator::Le}, {">", expr::Comparator::Gt},
        {">=", expr::Comparator::Ge}};
    for (const auto& [symbol, comparator] : kComparators) {
      if (accept_symbol(symbol)) {
        expr::Condition out;
        out.kind = expr::Condition::Kind::Compare;
        out.comparator = comparator;
        out.operands = {std::move(left), operand_term()};
        return out;
      }
    }
    if (accept_word("BETWEEN")) {
      expr::Condition out;
      out.kind = expr::Condition::Kind::Between;
      out.operands.push_back(std::move(left));
      out.operands.push_back(operand_term());
      expect_word("AND");
      out.operands.push_back(operand_term());
      return out;
    }
    if (accept_word("IN")) {
      expr::Condition out;
      out.kind = expr::Condition::Kind::In;
      out.operands.push_back(std::move(left));
      std::string close = accept_symbol("[") ? "]" : (expect_symbol("("), ")");
      do out.operands.push_back(operand_term()); while (accept_symbol(","));
      expect_symbol(close);
      return out;
    }
    if (accept_word("IS")) {
      bool negated = accept_word("NOT");
      if (left.kind != expr::Operand::Kind::Path) malformed("IS applies to an attribute");
      if (accept_word("MISSING")) {
        return function(negated ? "attribute_exists" : "attribute_not_exists", {std::move(left)});
      }
      expect_word("NULL");
      expr::Operand null_type;
      null_type.kind = expr::Operand::Kind::Value;
      null_type.value = {{"S", "NULL"}};
      expr::Condition is_null = function("attribute_type", {std::move(left), std::move(null_type)});
      return negated ? negate(std::move(is_null)) : is_null;
    }
    malformed("expected a comparison near '" + peek().text + "'");
  }

  // --- UPDATE ---
  void update_clauses(Statement& out) {
    bool any = false;
    for (;;) {
      if (accept_word("SET")) {
        do {
          expr::Path target = path();
          expect_symbol("=");
          out.actions.push_back(set_action(std::move(target)));
        } while (accept_symbol(","));
      } else if (accept_word("REMOVE")) {
        do {
          expr::UpdateAction action;
          action.kind = expr::UpdateAction::Kind::Remove;
          action.path = path();
          out.actions.push_back(std::move(action));
        } while (accept_symbol(","));
      } else {
        break;
      }
      any = true;
    }
    if (!any) malformed("UPDATE needs SET or REMOVE");
  }

  expr::UpdateAction set_action(expr::Path target) {
    expr::UpdateAction action;
    action.path = std::move(target);
    expr::Operand first = operand_term();
    if (first.kind == expr::Operand::Kind::Function && (first.name == "set_add" || first.name == "set_delete")) {
      if (first.args.size() != 2 || first.args[1].kind != expr::Operand::Kind::Value) {
        malformed(first.name + " takes the attribute and a set");
      }
      action.kind = first.name == "set_add" ? expr::UpdateAction::Kind::Add : expr::UpdateAction::Kind::Delete;
      action.value = std::move(first.args[1]);
      return action;
    }
    action.kind = expr::UpdateAction::Kind::Set;
    bool plus = accept_symbol("+");
    if (plus || accept_symbol("-")) {
      expr::Operand sum;
      sum.kind = plus ? expr::Operand::Kind::Plus : expr::Operand::Kind::Minus;
      sum.args.push_back(std::move(first));
      sum.args.push_back(operand_term());
      action.value = std::move(sum);
    } else {
      action.value = std::move(first);
    }
    return action;
  }

  // Bounds the parser's recursion: a statement nested deeper is refused, not a stack overflow.
  static constexpr int kMaxNesting = 64;
  struct Nesting {
    explicit Nesting(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxNesting) malformed("nested too deeply");
    }
    ~Nesting() { --parser_.depth_; }
    Parser& parser_;
  };

  std::vector<Token> tokens_;
  size_t position_ = 0;
  int depth_ = 0;
  const Json& parameters_;
  size_t parameter_index_ = 0;
};

}  // namespace

Statement parse(std::string_view text, const Json& parameters) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) malformed("empty statement");
  Parser parser(text, parameters);
  return parser.statement();
}

}  // namespace nimbus::dynamodb::partiql
