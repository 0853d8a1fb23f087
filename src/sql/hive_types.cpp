#include "sql/hive_types.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace nimbus::sql {
namespace {

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

// DuckDB's type grammar as DESCRIBE prints it: NAME, NAME(args), STRUCT(field TYPE, ...),
// MAP(K, V), TIMESTAMP WITH TIME ZONE, and any number of [] / [N] suffixes.
class DuckTypeReader {
 public:
  DuckTypeReader(std::string_view text, SourceFormat format) : text_(text), format_(format) {}

  std::string read() {
    auto type = type_at();
    return type;
  }

 private:
  void spaces() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  bool accept(char c) {
    spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  std::string word() {
    spaces();
    size_t start = at_;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) ++at_;
    return upper(text_.substr(start, at_ - start));
  }
  // A struct field name, bare or double-quoted.
  std::string field_name() {
    spaces();
    if (at_ < text_.size() && text_[at_] == '"') {
      std::string name;
      for (++at_; at_ < text_.size(); ++at_) {
        if (text_[at_] == '"') {
          if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
            name += '"';
            ++at_;
            continue;
          }
          ++at_;
          break;
        }
        name += text_[at_];
      }
      return name;
    }
    size_t start = at_;
    while (at_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    return std::string(text_.substr(start, at_ - start));
  }
  // Skips a parenthesised argument list (with quoted strings) already opened.
  void skip_arguments() {
    int depth = 1;
    char quote = 0;
    for (; at_ < text_.size() && depth > 0; ++at_) {
      char c = text_[at_];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
    }
  }
  std::string number() {
    spaces();
    size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
    return std::string(text_.substr(start, at_ - start));
  }

  std::string type_at() {
    if (++depth_ > 64) return "string";
    std::string name = word();
    std::string type;
    if (name == "STRUCT" && accept('(')) {
      type = "struct<";
      bool first = true;
      while (!accept(')') && at_ < text_.size()) {
        if (!first && !accept(',')) break;
        first = false;
        std::string field = lower(field_name());
        type += (type.back() == '<' ? "" : ",") + field + ":" + type_at();
      }
      type += ">";
    } else if (name == "MAP" && accept('(')) {
      std::string key = type_at();
      accept(',');
      std::string value = type_at();
      accept(')');
      type = "map<" + key + "," + value + ">";
    } else if ((name == "DECIMAL" || name == "NUMERIC") && accept('(')) {
      std::string precision = number();
      std::string scale = accept(',') ? number() : "0";
      accept(')');
      type = format_ == SourceFormat::Parquet ? "decimal(" + precision + "," + scale + ")" : "double";
    } else {
      if (accept('(')) skip_arguments();  // UNION(...), ENUM(...), VARCHAR(n)
      if (name == "TIMESTAMP" || name == "TIME") {
        // TIMESTAMP WITH TIME ZONE, TIME WITH TIME ZONE
        size_t saved = at_;
        if (word() == "WITH" && word() == "TIME" && word() == "ZONE") {
          name += "TZ";
        } else {
          at_ = saved;
        }
      }
      type = scalar(name);
    }
    // [] and [N]: lists and arrays.
    for (;;) {
      size_t saved = at_;
      if (!accept('[')) break;
      number();
      if (!accept(']')) {
        at_ = saved;
        break;
      }
      type = "array<" + type + ">";
    }
    --depth_;
    return type;
  }

  std::string scalar(const std::string& name) const {
    bool text_format = format_ != SourceFormat::Parquet;
    static const std::map<std::string, std::string, std::less<>> parquet = {
        {"BOOLEAN", "boolean"},  {"TINYINT", "tinyint"},   {"SMALLINT", "smallint"}, {"INTEGER", "int"},
        {"BIGINT", "bigint"},    {"UTINYINT", "smallint"}, {"USMALLINT", "int"},     {"UINTEGER", "bigint"},
        {"UBIGINT", "bigint"},   {"HUGEINT", "decimal(38,0)"}, {"UHUGEINT", "decimal(38,0)"},
        {"FLOAT", "float"},      {"DOUBLE", "double"},     {"VARCHAR", "string"},    {"BLOB", "binary"},
        {"DATE", "date"},        {"TIMESTAMP", "timestamp"}, {"TIMESTAMP_S", "timestamp"},
        {"TIMESTAMP_MS", "timestamp"}, {"TIMESTAMP_NS", "timestamp"}, {"TIMESTAMPTZ", "timestamp"},
        {"TIMESTAMP WITH TIME ZONE", "timestamp"}};
    if (!text_format) {
      auto found = parquet.find(name);
      return found == parquet.end() ? "string" : found->second;
    }
    // JSON and CSV: integers are bigint (JSON's top-level ones may narrow to int, see
    // infer_schema), reals double, and dates stay text in JSON.
    if (name == "BOOLEAN") return "boolean";
    if (name == "TINYINT" || name == "SMALLINT" || name == "INTEGER" || name == "BIGINT" || name == "UTINYINT" ||
        name == "USMALLINT" || name == "UINTEGER" || name == "UBIGINT" || name == "HUGEINT") {
      return "bigint";
    }
    if (name == "FLOAT" || name == "DOUBLE") return "double";
    if (format_ == SourceFormat::Csv) {
      if (name == "DATE") return "date";
      if (name.starts_with("TIMESTAMP")) return "timestamp";
    }
    return "string";
  }

  std::string_view text_;
  SourceFormat format_;
  size_t at_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string hive_type(std::string_view duckdb_type, SourceFormat format) {
  return DuckTypeReader(duckdb_type, format).read();
}

}  // namespace nimbus::sql
