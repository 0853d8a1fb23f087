#include "services/athena/hive_ddl.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace nimbus::athena {

namespace {

enum class TokenKind { Word, Quoted, String, Symbol, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // a word as written, a quoted name or string unescaped, a symbol's character
  std::string raw;   // as written (with its quotes), for error messages
  int line = 1;
  int column = 0;  // 0-based, as Hive reports it
};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

[[noreturn]] void syntax_error(int line, int column, const std::string& what) {
  throw DdlError(2, 1000,
                 "FAILED: ParseException line " + std::to_string(line) + ":" + std::to_string(column) + " " + what);
}

[[noreturn]] void not_supported(const std::string& what) {
  throw DdlError(2, 1000, "NOT_SUPPORTED: nimbus does not run " + what + " statements yet");
}

[[noreturn]] void semantic_error(const std::string& what) {
  throw DdlError(2, 1003, "FAILED: SemanticException " + what);
}

void append_utf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

bool hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Hive's string literal escapes: \n \t \r \b \0 \Z, \ooo octal, \uXXXX; \% and \_ stay escaped;
// any other escaped character is itself.
std::string unescape_hive(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char next = body[i + 1];
    if (next == 'u' && i + 5 < body.size() && hex_digit(body[i + 2]) && hex_digit(body[i + 3]) &&
        hex_digit(body[i + 4]) && hex_digit(body[i + 5])) {
      append_utf8(out, static_cast<unsigned>(std::stoul(std::string(body.substr(i + 2, 4)), nullptr, 16)));
      i += 5;
      continue;
    }
    if (i + 3 < body.size() && next >= '0' && next <= '1' && body[i + 2] >= '0' && body[i + 2] <= '7' &&
        body[i + 3] >= '0' && body[i + 3] <= '7') {
      out += static_cast<char>((next - '0') * 64 + (body[i + 2] - '0') * 8 + (body[i + 3] - '0'));
      i += 3;
      continue;
    }
    ++i;
    switch (next) {
      case '0':
        out += '\0';
        break;
      case 'b':
        out += '\b';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'Z':
        out += '\x1A';
        break;
      case '%':
        out += "\\%";
        break;
      case '_':
        out += "\\_";
        break;
      default:
        out += next;
        break;
    }
  }
  return out;
}

std::vector<Token> lex(std::string_view sql) {
  std::vector<Token> tokens;
  int line = 1;
  size_t line_start = 0;
  size_t i = 0;
  auto advance_lines = [&](size_t from, size_t to) {
    for (size_t k = from; k < to; ++k) {
      if (sql[k] == '\n') {
        ++line;
        line_start = k + 1;
      }
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      advance_lines(i, i + 1);
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      auto end = sql.find("*/", i + 2);
      size_t stop = end == std::string_view::npos ? sql.size() : end + 2;
      advance_lines(i, stop);
      i = stop;
      continue;
    }
    Token token;
    token.line = line;
    token.column = static_cast<int>(i - line_start);
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      size_t end = i;
      while (end < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) ++end;
      token.kind = TokenKind::Word;
      token.text = std::string(sql.substr(i, end - i));
      i = end;
    } else if (c == '`') {
      std::string name;
      size_t k = i + 1;
      for (;; ++k) {
        if (k >= sql.size()) syntax_error(token.line, token.column, "character '<EOF>' not supported here");
        if (sql[k] == '`') {
          if (k + 1 < sql.size() && sql[k + 1] == '`') {
            name += '`';
            ++k;
            continue;
          }
          break;
        }
        name += sql[k];
      }
      if (name.empty()) syntax_error(token.line, token.column, "cannot recognize input near '``'");
      advance_lines(i, k);
      token.kind = TokenKind::Quoted;
      token.text = name;
      token.raw = std::string(sql.substr(i, k + 1 - i));
      i = k + 1;
    } else if (c == '\'' || c == '"') {
      size_t k = i + 1;
      while (k < sql.size() && sql[k] != c) k += sql[k] == '\\' ? 2 : 1;
      if (k >= sql.size()) syntax_error(token.line, token.column, "character '<EOF>' not supported here");
      advance_lines(i, k);
      token.kind = TokenKind::String;
      token.text = unescape_hive(sql.substr(i + 1, k - i - 1));
      token.raw = std::string(sql.substr(i, k + 1 - i));
      i = k + 1;
    } else {
      token.kind = TokenKind::Symbol;
      token.text = std::string(1, c);
      ++i;
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = TokenKind::End;
  end.line = line;
  end.column = static_cast<int>(sql.size() - line_start);
  tokens.push_back(end);
  return tokens;
}

const std::set<std::string>& primitive_types() {
  static const std::set<std::string> types = {"boolean", "tinyint",   "smallint", "int",     "integer",
                                              "bigint",  "float",     "double",   "string",  "binary",
                                              "date",    "timestamp", "decimal",  "varchar", "char"};
  return types;
}

std::string number_text(const Token& token) {
  if (token.kind != TokenKind::Word || token.text.empty() || token.text.size() > 9 ||
      !std::all_of(token.text.begin(), token.text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return {};
  }
  return std::to_string(std::stoi(token.text));
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  HiveStatement statement() {
    HiveStatement out;
    std::string first = keyword();
    if (first == "CREATE") {
      create(out);
    } else if (first == "DROP") {
      drop(out);
    } else if (first == "ALTER") {
      alter(out);
    } else if (first == "MSCK") {
      if (!accept("REPAIR")) not_supported("MSCK TABLE (without REPAIR)");
      expect("TABLE");
      out.kind = HiveStatementKind::RepairTable;
      table_name(out);
    } else if (first == "SHOW") {
      show(out);
    } else if (first == "DESCRIBE" || first == "DESC") {
      describe(out);
    } else if (first.empty()) {
      fail("statement");
    } else {
      not_supported(first);
    }
    accept_symbol(';');
    if (peek().kind != TokenKind::End) fail("statement");
    return out;
  }

  std::string type() {
    const Token& start = peek();
    // Nesting is bounded, so no statement can exhaust the stack.
    if (++depth_ > kMaxTypeDepth) syntax_error(start.line, start.column, "type nested too deeply");
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{depth_};
    std::string name = lower(identifier("column type"));
    if (name == "array") {
      expect_symbol('<');
      std::string element = type();
      expect_symbol('>');
      return "array<" + element + ">";
    }
    if (name == "map") {
      expect_symbol('<');
      std::string key = type();
      expect_symbol(',');
      std::string value = type();
      expect_symbol('>');
      return "map<" + key + "," + value + ">";
    }
    if (name == "struct") {
      expect_symbol('<');
      std::string fields;
      do {
        std::string field = lower(identifier("struct field"));
        expect_symbol(':');
        std::string field_type = type();
        if (accept("COMMENT")) string_literal("comment");
        fields += (fields.empty() ? "" : ",") + field + ":" + field_type;
      } while (accept_symbol(','));
      expect_symbol('>');
      return "struct<" + fields + ">";
    }
    if (!primitive_types().contains(name)) {
      syntax_error(start.line, start.column, "cannot recognize input near '" + start.text + "' in column type");
    }
    if (name == "integer") name = "int";
    if (name == "decimal") {
      std::string precision = "10", scale = "0";
      if (accept_symbol('(')) {
        precision = number("decimal precision");
        if (accept_symbol(',')) scale = number("decimal scale");
        expect_symbol(')');
      }
      if (std::stoi(precision) < 1 || std::stoi(precision) > 38 || std::stoi(scale) > std::stoi(precision)) {
        semantic_error("Invalid decimal type decimal(" + precision + "," + scale + ")");
      }
      return "decimal(" + precision + "," + scale + ")";
    }
    if (name == "varchar" || name == "char") {
      expect_symbol('(');
      std::string length = number("length");
      expect_symbol(')');
      return name + "(" + length + ")";
    }
    return name;
  }

  bool at_end() const { return peek().kind == TokenKind::End; }

 private:
  const Token& peek(size_t ahead = 0) const { return tokens_[std::min(at_ + ahead, tokens_.size() - 1)]; }
  const Token& next() {
    const Token& token = peek();
    if (at_ + 1 < tokens_.size()) ++at_;
    return token;
  }

  [[noreturn]] void fail(const std::string& context) const {
    std::string near;
    for (size_t k = 0; k < 3; ++k) {
      const Token& token = peek(k);
      std::string shown = token.kind == TokenKind::End ? "<EOF>" : token.raw.empty() ? token.text : token.raw;
      near += (k ? " '" : "'") + shown + "'";
      if (token.kind == TokenKind::End) break;
    }
    syntax_error(peek().line, peek().column, "cannot recognize input near " + near + " in " + context);
  }

  bool is(std::string_view word, size_t ahead = 0) const {
    const Token& token = peek(ahead);
    return token.kind == TokenKind::Word && upper(token.text) == word;
  }
  bool accept(std::string_view word) {
    if (!is(word)) return false;
    next();
    return true;
  }
  void expect(std::string_view word) {
    if (!accept(word)) fail(lower(word) + " clause");
  }
  // The next word, upper-cased; "" when the next token is not a word (nothing consumed).
  std::string keyword() {
    if (peek().kind != TokenKind::Word) return {};
    return upper(next().text);
  }
  bool accept_symbol(char symbol) {
    if (peek().kind != TokenKind::Symbol || peek().text[0] != symbol) return false;
    next();
    return true;
  }
  void expect_symbol(char symbol) {
    if (!accept_symbol(symbol)) fail("'" + std::string(1, symbol) + "'");
  }
  std::string identifier(const std::string& context) {
    if (peek().kind != TokenKind::Word && peek().kind != TokenKind::Quoted) fail(context);
    return next().text;
  }
  std::string string_literal(const std::string& context) {
    if (peek().kind != TokenKind::String) fail(context);
    return next().text;
  }
  std::string number(const std::string& context) {
    std::string text = number_text(peek());
    if (text.empty()) fail(context);
    next();
    return text;
  }

  void if_not_exists(HiveStatement& out) {
    if (is("IF")) {
      next();
      expect("NOT");
      expect("EXISTS");
      out.if_exists = true;
    }
  }
  void if_exists(HiveStatement& out) {
    if (is("IF")) {
      next();
      expect("EXISTS");
      out.if_exists = true;
    }
  }

  // [db.]name, lowercased.
  void table_name(HiveStatement& out) {
    std::string first = lower(identifier("table name"));
    if (accept_symbol('.')) {
      out.database = first;
      out.table = lower(identifier("table name"));
    } else {
      out.table = first;
    }
  }

  Properties properties() {
    Properties out;
    expect_symbol('(');
    do {
      std::string key = string_literal("property list");
      expect_symbol('=');
      std::string value = string_literal("property list");
      out.emplace_back(key, value);
    } while (accept_symbol(','));
    expect_symbol(')');
    return out;
  }

  std::vector<HiveColumn> columns(const std::string& context) {
    std::vector<HiveColumn> out;
    expect_symbol('(');
    do {
      HiveColumn column;
      column.name = lower(identifier(context));
      column.type = type();
      if (accept("COMMENT")) column.comment = string_literal("column comment");
      out.push_back(std::move(column));
    } while (accept_symbol(','));
    expect_symbol(')');
    return out;
  }

  void create(HiveStatement& out) {
    if (accept("DATABASE") || accept("SCHEMA")) {
      out.kind = HiveStatementKind::CreateDatabase;
      if_not_exists(out);
      out.database = lower(identifier("database name"));
      if (accept("COMMENT")) out.comment = string_literal("comment");
      if (accept("LOCATION")) out.location = string_literal("location");
      if (accept("WITH")) {
        expect("DBPROPERTIES");
        out.properties = properties();
      }
      return;
    }
    bool external = accept("EXTERNAL");
    if (!accept("TABLE")) {
      if (external) fail("create table statement");
      if (is("OR") && is("REPLACE", 1) && is("VIEW", 2)) not_supported("CREATE OR REPLACE VIEW");
      std::string what = peek().kind == TokenKind::Word ? upper(peek().text) : "";
      not_supported(what.empty() ? "this CREATE" : "CREATE " + what);
    }
    out.kind = HiveStatementKind::CreateTable;
    if_not_exists(out);
    table_name(out);
    if (is("AS") || is("WITH")) not_supported("CREATE TABLE AS SELECT");
    if (is("LIKE")) not_supported("CREATE TABLE LIKE");
    out.columns = columns("column specification");
    if (accept("COMMENT")) out.comment = string_literal("table comment");
    if (accept("PARTITIONED")) {
      expect("BY");
      out.partition_keys = columns("partition column specification");
    }
    if (is("CLUSTERED") || is("SKEWED"))
      not_supported("CREATE TABLE with bucketing or skew (" + upper(peek().text) + " BY)");
    if (accept("ROW")) {
      expect("FORMAT");
      row_format(out.storage);
    }
    if (accept("STORED")) {
      if (is("BY")) not_supported("CREATE TABLE ... STORED BY");
      expect("AS");
      if (accept("INPUTFORMAT")) {
        out.storage.input_format = string_literal("input format");
        expect("OUTPUTFORMAT");
        out.storage.output_format = string_literal("output format");
      } else {
        std::string format = upper(identifier("file format"));
        static const std::set<std::string> formats = {"PARQUET", "TEXTFILE",     "JSON",   "JSONFILE", "ORC",
                                                      "AVRO",    "SEQUENCEFILE", "RCFILE", "ION"};
        if (!formats.contains(format)) semantic_error("Unrecognized file format in STORED AS clause: '" + format + "'");
        out.storage.stored_as = format;
      }
    }
    if (accept("LOCATION")) out.location = string_literal("location");
    if (accept("TBLPROPERTIES")) out.properties = properties();

    bool iceberg = false;
    for (const auto& [key, value] : out.properties) {
      if (lower(key) == "table_type" && lower(value) == "iceberg") iceberg = true;
    }
    if (iceberg) not_supported("CREATE TABLE for Iceberg tables");
    if (!external) semantic_error("Only external table creation is supported. Use CREATE EXTERNAL TABLE");
    std::set<std::string> names;
    for (const auto& column : out.columns) {
      if (!names.insert(column.name).second) semantic_error("[Error 10036]: Duplicate column name: " + column.name);
    }
    for (const auto& key : out.partition_keys) {
      if (!names.insert(key.name).second) semantic_error("[Error 10035]: Column repeated in partitioning columns");
      if (key.type.find('<') != std::string::npos) {
        semantic_error("Partition column " + key.name + " must be of a primitive type, not " + key.type);
      }
    }
  }

  void row_format(HiveStorage& storage) {
    if (accept("SERDE")) {
      storage.serde = string_literal("serde class");
      if (accept("WITH")) {
        expect("SERDEPROPERTIES");
        storage.serde_properties = properties();
      }
      return;
    }
    expect("DELIMITED");
    storage.delimited = true;
    if (accept("FIELDS")) {
      expect("TERMINATED");
      expect("BY");
      storage.delimiters.emplace_back("field.delim", string_literal("delimiter"));
      if (accept("ESCAPED")) {
        expect("BY");
        storage.delimiters.emplace_back("escape.delim", string_literal("delimiter"));
      }
    }
    if (accept("COLLECTION")) {
      expect("ITEMS");
      expect("TERMINATED");
      expect("BY");
      storage.delimiters.emplace_back("colelction.delim", string_literal("delimiter"));
    }
    if (accept("MAP")) {
      expect("KEYS");
      expect("TERMINATED");
      expect("BY");
      storage.delimiters.emplace_back("mapkey.delim", string_literal("delimiter"));
    }
    if (accept("LINES")) {
      expect("TERMINATED");
      expect("BY");
      storage.delimiters.emplace_back("line.delim", string_literal("delimiter"));
    }
    if (accept("NULL")) {
      expect("DEFINED");
      expect("AS");
      storage.delimiters.emplace_back("serialization.null.format", string_literal("null format"));
    }
  }

  void drop(HiveStatement& out) {
    if (accept("DATABASE") || accept("SCHEMA")) {
      out.kind = HiveStatementKind::DropDatabase;
      if_exists(out);
      out.database = lower(identifier("database name"));
      if (accept("CASCADE")) {
        out.cascade = true;
      } else {
        accept("RESTRICT");
      }
      return;
    }
    if (!accept("TABLE")) {
      std::string what = peek().kind == TokenKind::Word ? upper(peek().text) : "";
      not_supported(what.empty() ? "this DROP" : "DROP " + what);
    }
    out.kind = HiveStatementKind::DropTable;
    if_exists(out);
    table_name(out);
    accept("PURGE");
  }

  PartitionSpec partition_spec(bool drop) {
    PartitionSpec spec;
    expect("PARTITION");
    expect_symbol('(');
    do {
      std::string key = lower(identifier("partition specification"));
      if (!accept_symbol('=')) {
        if (drop && peek().kind == TokenKind::Symbol) not_supported("ALTER TABLE DROP PARTITION with comparisons");
        fail("partition specification");
      }
      std::string value;
      if (peek().kind == TokenKind::String) {
        value = next().text;
      } else {
        bool negative = accept_symbol('-');
        if (peek().kind != TokenKind::Word) fail("partition specification");
        value = (negative ? "-" : "") + next().text;
        if (accept_symbol('.')) {
          if (peek().kind != TokenKind::Word) fail("partition specification");
          value += "." + next().text;
        }
      }
      spec.values.emplace_back(key, value);
    } while (accept_symbol(','));
    expect_symbol(')');
    return spec;
  }

  void alter(HiveStatement& out) {
    if (!accept("TABLE")) {
      std::string what = peek().kind == TokenKind::Word ? upper(peek().text) : "";
      not_supported(what.empty() ? "this ALTER" : "ALTER " + what);
    }
    table_name(out);
    if (accept("ADD")) {
      if (is("COLUMNS")) not_supported("ALTER TABLE ADD COLUMNS");
      out.kind = HiveStatementKind::AddPartitions;
      if_not_exists(out);
      do {
        PartitionSpec spec = partition_spec(false);
        if (accept("LOCATION")) spec.location = string_literal("location");
        out.partitions.push_back(std::move(spec));
      } while (is("PARTITION"));
      return;
    }
    if (accept("DROP")) {
      out.kind = HiveStatementKind::DropPartitions;
      if_exists(out);
      do {
        out.partitions.push_back(partition_spec(true));
      } while (accept_symbol(','));
      accept("PURGE");
      return;
    }
    std::string what = peek().kind == TokenKind::Word ? upper(peek().text) : "";
    not_supported(what.empty() ? "this ALTER TABLE" : "ALTER TABLE " + what);
  }

  void show(HiveStatement& out) {
    std::string what = keyword();
    if (what == "DATABASES" || what == "SCHEMAS") {
      out.kind = HiveStatementKind::ShowDatabases;
      if (accept("LIKE") || peek().kind == TokenKind::String) out.pattern = string_literal("pattern");
    } else if (what == "TABLES") {
      out.kind = HiveStatementKind::ShowTables;
      if (accept("IN") || accept("FROM")) out.database = lower(identifier("database name"));
      if (accept("LIKE") || peek().kind == TokenKind::String) out.pattern = string_literal("pattern");
    } else if (what == "PARTITIONS") {
      out.kind = HiveStatementKind::ShowPartitions;
      table_name(out);
      if (is("PARTITION")) not_supported("SHOW PARTITIONS with a partition filter");
    } else if (what == "COLUMNS") {
      out.kind = HiveStatementKind::ShowColumns;
      if (!accept("IN") && !accept("FROM")) fail("show columns statement");
      table_name(out);
      if (accept("IN") || accept("FROM")) out.database = lower(identifier("database name"));
    } else if (what == "CREATE") {
      if (is("VIEW")) not_supported("SHOW CREATE VIEW");
      expect("TABLE");
      out.kind = HiveStatementKind::ShowCreateTable;
      table_name(out);
    } else if (what == "TBLPROPERTIES") {
      out.kind = HiveStatementKind::ShowTblProperties;
      table_name(out);
      if (accept_symbol('(')) {
        out.property = string_literal("property name");
        expect_symbol(')');
      }
    } else if (what.empty()) {
      fail("show statement");
    } else {
      not_supported("SHOW " + what);
    }
  }

  void describe(HiveStatement& out) {
    if (is("EXTENDED") || is("FORMATTED")) {
      // DESCRIBE EXTENDED t / DESCRIBE FORMATTED t (a table named "extended" still describes)
      if (peek(1).kind == TokenKind::Word || peek(1).kind == TokenKind::Quoted)
        not_supported("DESCRIBE " + upper(peek().text));
    }
    out.kind = HiveStatementKind::Describe;
    table_name(out);
    if (is("PARTITION")) not_supported("DESCRIBE with a partition");
    if (peek().kind == TokenKind::Word || peek().kind == TokenKind::Quoted) not_supported("DESCRIBE of one column");
  }

  static constexpr int kMaxTypeDepth = 64;
  std::vector<Token> tokens_;
  size_t at_ = 0;
  int depth_ = 0;
};

bool glob_match(std::string_view pattern, std::string_view name) {
  // Iterative wildcard match: O(pattern * name) at worst.
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && (pattern[p] == '.' || std::tolower(static_cast<unsigned char>(pattern[p])) ==
                                                               std::tolower(static_cast<unsigned char>(name[n])))) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

HiveStatement parse_hive_ddl(std::string_view sql) { return Parser(lex(sql)).statement(); }

std::string normalize_hive_type(std::string_view type) {
  Parser parser(lex(type));
  std::string out = parser.type();
  if (!parser.at_end()) throw DdlError(2, 1000, "FAILED: ParseException cannot recognize type " + std::string(type));
  return out;
}

bool hive_pattern_match(std::string_view pattern, std::string_view name) {
  size_t start = 0;
  while (true) {
    auto bar = pattern.find('|', start);
    auto alternative = pattern.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    // Hive trims each alternative.
    while (!alternative.empty() && alternative.front() == ' ') alternative.remove_prefix(1);
    while (!alternative.empty() && alternative.back() == ' ') alternative.remove_suffix(1);
    if (glob_match(alternative, name)) return true;
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

}  // namespace nimbus::athena
