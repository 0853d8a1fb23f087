#include "services/athena/write_statement.h"

#include <algorithm>
#include <cctype>

namespace nimbus::athena {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Reads the statement's frame token by token; `rest()` is the text from the current position.
class Frame {
 public:
  explicit Frame(std::string_view sql) : sql_(sql) {}

  void skip() {
    for (;;) {
      while (at_ < sql_.size() && std::isspace(static_cast<unsigned char>(sql_[at_]))) ++at_;
      if (sql_.substr(at_, 2) == "--") {
        auto end = sql_.find('\n', at_);
        at_ = end == std::string_view::npos ? sql_.size() : end;
      } else if (sql_.substr(at_, 2) == "/*") {
        auto end = sql_.find("*/", at_ + 2);
        at_ = end == std::string_view::npos ? sql_.size() : end + 2;
      } else {
        return;
      }
    }
  }
  // The next bare word, upper-cased, without consuming it ("" if none).
  std::string peek_word() {
    skip();
    size_t end = at_;
    while (end < sql_.size() && (std::isalnum(static_cast<unsigned char>(sql_[end])) || sql_[end] == '_')) ++end;
    std::string word(sql_.substr(at_, end - at_));
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
    return word;
  }
  bool accept_word(std::string_view word) {
    if (peek_word() != word) return false;
    at_ += word.size();
    return true;
  }
  void expect_word(std::string_view word) {
    if (!accept_word(word)) fail("missing '" + lower(word) + "'");
  }
  bool accept(char c) {
    skip();
    if (at_ < sql_.size() && sql_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c)) fail(std::string("missing '") + c + "'");
  }
  // A name: bare, "double-quoted" or `backticked`.
  std::string identifier() {
    skip();
    if (at_ < sql_.size() && (sql_[at_] == '"' || sql_[at_] == '`')) {
      char quote = sql_[at_++];
      std::string name;
      while (at_ < sql_.size()) {
        if (sql_[at_] == quote) {
          if (at_ + 1 < sql_.size() && sql_[at_ + 1] == quote) {
            name += quote;
            at_ += 2;
            continue;
          }
          ++at_;
          if (name.empty()) fail("zero-length delimited identifier");
          return lower(name);
        }
        name += sql_[at_++];
      }
      fail("unterminated identifier");
    }
    size_t end = at_;
    while (end < sql_.size() && (std::isalnum(static_cast<unsigned char>(sql_[end])) || sql_[end] == '_')) ++end;
    if (end == at_) fail("missing a name");
    std::string name(sql_.substr(at_, end - at_));
    at_ = end;
    return lower(name);
  }
  std::string string_literal() {
    skip();
    if (at_ >= sql_.size() || sql_[at_] != '\'') fail("missing a string");
    std::string value;
    for (++at_; at_ < sql_.size(); ++at_) {
      if (sql_[at_] == '\'') {
        if (at_ + 1 < sql_.size() && sql_[at_ + 1] == '\'') {
          value += '\'';
          ++at_;
          continue;
        }
        ++at_;
        return value;
      }
      value += sql_[at_];
    }
    fail("unterminated string");
  }
  // A property value: 'text', ARRAY['a', ...], a number or a bare word.
  std::string property_value(std::vector<std::string>* list) {
    skip();
    if (accept_word("ARRAY")) {
      expect('[');
      if (!accept(']')) {
        do {
          auto item = string_literal();
          if (list) list->push_back(lower(item));
        } while (accept(','));
        expect(']');
      }
      return "";
    }
    if (at_ < sql_.size() && sql_[at_] == '\'') return string_literal();
    size_t end = at_;
    while (end < sql_.size() && (std::isalnum(static_cast<unsigned char>(sql_[end])) || sql_[end] == '_' ||
                                 sql_[end] == '.')) {
      ++end;
    }
    if (end == at_) fail("missing a property value");
    std::string value(sql_.substr(at_, end - at_));
    at_ = end;
    return value;
  }
  std::string_view rest() {
    skip();
    return sql_.substr(at_);
  }
  [[noreturn]] void fail(const std::string& what) const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at_ && i < sql_.size(); ++i) {
      if (sql_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw WriteSyntaxError("line " + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
  }

 private:
  std::string_view sql_;
  size_t at_ = 0;
};

void read_name(Frame& frame, WriteStatement& statement) {
  auto first = frame.identifier();
  if (frame.accept('.')) {
    statement.database = first;
    statement.name = frame.identifier();
  } else {
    statement.name = first;
  }
}

// The query after AS: without a trailing ';' and, for CTAS, a trailing WITH [NO] DATA.
std::string query_text(std::string_view rest, WriteStatement* ctas) {
  std::string query(rest);
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.pop_back();
  }
  if (ctas) {
    std::string tail = lower(query);
    for (std::string_view suffix : {"with no data", "with data"}) {
      if (tail.size() > suffix.size() && tail.ends_with(suffix)) {
        auto head = tail.substr(0, tail.size() - suffix.size());
        // Only a clause at the end, separated by whitespace (not "... data" inside a name).
        size_t cut = head.find_last_not_of(" \t\r\n");
        if (cut != std::string::npos && cut + 1 < head.size()) {
          ctas->with_data = suffix == "with data";
          query.resize(cut + 1);
        }
        break;
      }
    }
  }
  return query;
}

}  // namespace

std::optional<WriteStatement> parse_write_statement(std::string_view sql) {
  Frame frame(sql);
  WriteStatement statement;
  if (frame.accept_word("CREATE")) {
    bool or_replace = false;
    if (frame.accept_word("OR")) {
      frame.expect_word("REPLACE");
      or_replace = true;
    }
    if (frame.accept_word("VIEW")) {
      statement.kind = WriteStatement::Kind::CreateView;
      statement.or_replace = or_replace;
      read_name(frame, statement);
      frame.expect_word("AS");
      statement.query = query_text(frame.rest(), nullptr);
      if (statement.query.empty()) frame.fail("missing the view's query");
      return statement;
    }
    if (or_replace || !frame.accept_word("TABLE")) return std::nullopt;
    statement.kind = WriteStatement::Kind::CreateTableAs;
    if (frame.accept_word("IF")) {
      frame.expect_word("NOT");
      frame.expect_word("EXISTS");
      statement.if_not_exists = true;
    }
    read_name(frame, statement);
    if (frame.accept_word("WITH")) {
      frame.expect('(');
      do {
        auto key = frame.identifier();
        frame.expect('=');
        auto value = frame.property_value(key == "partitioned_by" ? &statement.partitioned_by : nullptr);
        statement.properties[key] = value;
      } while (frame.accept(','));
      frame.expect(')');
    }
    // Anything else (columns in parentheses: a plain CREATE TABLE) is not a CTAS.
    if (!frame.accept_word("AS")) return std::nullopt;
    statement.query = query_text(frame.rest(), &statement);
    if (statement.query.empty()) frame.fail("missing the table's query");
    return statement;
  }
  if (frame.accept_word("DROP")) {
    if (!frame.accept_word("VIEW")) return std::nullopt;
    statement.kind = WriteStatement::Kind::DropView;
    if (frame.accept_word("IF")) {
      frame.expect_word("EXISTS");
      statement.if_exists = true;
    }
    read_name(frame, statement);
    if (!query_text(frame.rest(), nullptr).empty()) frame.fail("extraneous input after the view's name");
    return statement;
  }
  if (frame.accept_word("INSERT")) {
    frame.expect_word("INTO");
    statement.kind = WriteStatement::Kind::InsertInto;
    read_name(frame, statement);
    // A column list, unless the query itself starts with a parenthesis.
    auto rest = frame.rest();
    if (!rest.empty() && rest.front() == '(') {
      Frame probe(rest.substr(1));
      auto keyword = probe.peek_word();
      if (keyword != "SELECT" && keyword != "WITH" && keyword != "VALUES") {
        frame.expect('(');
        do {
          statement.columns.push_back(frame.identifier());
        } while (frame.accept(','));
        frame.expect(')');
      }
    }
    statement.query = query_text(frame.rest(), nullptr);
    if (statement.query.empty()) frame.fail("missing the rows to insert");
    return statement;
  }
  return std::nullopt;
}

}  // namespace nimbus::athena
