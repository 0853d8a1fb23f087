#include "services/athena/trino_dialect.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace nimbus::athena {

namespace {

// Trino names DuckDB knows under another name (lambdas as arguments rule out macros for these).
const std::map<std::string, std::string, std::less<>>& renamed_functions() {
  static const std::map<std::string, std::string, std::less<>> names = {
      {"transform", "list_transform"},   {"reduce", "list_reduce"},
      {"approx_distinct", "approx_count_distinct"}, {"approx_percentile", "approx_quantile"},
      {"regexp_like", "regexp_matches"}, {"json_extract_scalar", "json_extract_string"},
      {"arbitrary", "any_value"},
  };
  return names;
}

// Trino's date_parse/date_format take MySQL's format specifiers; DuckDB's strptime/strftime take
// C's, and only constant formats: a literal format is translated in the text.
const std::map<std::string, std::string, std::less<>>& format_functions() {
  static const std::map<std::string, std::string, std::less<>> names = {{"date_parse", "strptime"},
                                                                        {"date_format", "strftime"}};
  return names;
}

std::string mysql_to_strftime(std::string_view format) {
  static const std::map<char, std::string> specifiers = {
      {'M', "%B"}, {'i', "%M"}, {'s', "%S"}, {'T', "%H:%M:%S"}, {'c', "%-m"}, {'e', "%-d"}, {'k', "%-H"},
      {'W', "%A"}, {'h', "%I"}, {'l', "%-I"}, {'r', "%I:%M:%S %p"}, {'D', "%-d"}, {'v', "%V"}, {'x', "%G"}};
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size()) {
      auto found = specifiers.find(format[i + 1]);
      out += found != specifiers.end() ? found->second : std::string(format.substr(i, 2));
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Copies a quoted run ('...' or "...", the quote doubled inside) starting at `i`; returns its end.
size_t copy_quoted(std::string_view sql, size_t i, std::string& out) {
  char quote = sql[i];
  size_t j = i + 1;
  while (j < sql.size()) {
    if (sql[j] == quote) {
      if (j + 1 < sql.size() && sql[j + 1] == quote) {
        j += 2;
        continue;
      }
      ++j;
      break;
    }
    ++j;
  }
  out.append(sql.substr(i, j - i));
  return j;
}

// Copies a comment starting at `i` (-- to the line's end, /* to */); returns its end.
size_t copy_comment(std::string_view sql, size_t i, std::string& out) {
  size_t end = sql[i] == '-' ? sql.find('\n', i) : sql.find("*/", i + 2);
  end = end == std::string_view::npos ? sql.size() : end + (sql[i] == '-' ? 0 : 2);
  out.append(sql.substr(i, end - i));
  return end;
}

bool comment_at(std::string_view sql, size_t i) {
  return i + 1 < sql.size() && ((sql[i] == '-' && sql[i + 1] == '-') || (sql[i] == '/' && sql[i + 1] == '*'));
}

}  // namespace

std::string to_duckdb_sql(std::string_view sql, const std::vector<std::string>& parameters) {
  std::string out;
  out.reserve(sql.size());
  size_t used = 0;
  size_t i = 0;
  int depth = 0;
  // Open date_parse/date_format calls: the depth of their arguments, and whether the format (the
  // second argument) has begun.
  std::vector<std::pair<int, bool>> format_calls;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' && !format_calls.empty() && format_calls.back().first == depth && format_calls.back().second) {
      std::string literal;
      i = copy_quoted(sql, i, literal);
      std::string text = literal.size() >= 2 ? literal.substr(1, literal.size() - 2) : "";
      out += "'" + mysql_to_strftime(text) + "'";
      format_calls.pop_back();
    } else if (c == '\'' || c == '"') {
      i = copy_quoted(sql, i, out);
    } else if (comment_at(sql, i)) {
      i = copy_comment(sql, i, out);
    } else if (c == '?') {
      if (used == parameters.size()) throw std::invalid_argument("parameters");
      out += parameters[used++];
      ++i;
    } else if (identifier_char(c) && (i == 0 || !identifier_char(sql[i - 1]))) {
      size_t end = i;
      while (end < sql.size() && identifier_char(sql[end])) ++end;
      auto word = sql.substr(i, end - i);
      size_t next = end;
      while (next < sql.size() && std::isspace(static_cast<unsigned char>(sql[next]))) ++next;
      auto name = lower(word);
      auto renamed = renamed_functions().find(name);
      auto format_function = format_functions().find(name);
      bool called = next < sql.size() && sql[next] == '(' && (i == 0 || sql[i - 1] != '.');
      if (called && format_function != format_functions().end()) {
        out += format_function->second;
        format_calls.emplace_back(depth + 1, false);
      } else {
        out += called && renamed != renamed_functions().end() ? std::string_view(renamed->second) : word;
      }
      i = end;
    } else {
      if (c == '(') ++depth;
      if (c == ')') {
        if (!format_calls.empty() && format_calls.back().first == depth) format_calls.pop_back();
        --depth;
      }
      if (c == ',' && !format_calls.empty() && format_calls.back().first == depth) format_calls.back().second = true;
      out += c;
      ++i;
    }
  }
  if (used != parameters.size()) throw std::invalid_argument("parameters");
  return out;
}

const std::string& trino_function_macros() {
  static const std::string macros =
      "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ);\n"
      "CREATE MACRO from_iso8601_date(s) AS CAST(s AS DATE);\n"
      "CREATE MACRO to_iso8601(t) AS strftime(t, '%Y-%m-%dT%H:%M:%S.%gZ');\n"
      "CREATE MACRO from_unixtime(n) AS to_timestamp(n);\n"
      "CREATE MACRO to_unixtime(t) AS epoch(t);\n"
      "CREATE MACRO cardinality(x) AS len(x);\n"
      "CREATE MACRO day_of_week(t) AS isodow(t);\n"
      "CREATE MACRO day_of_year(t) AS dayofyear(t);\n";
  return macros;
}

std::string first_keyword(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(') {
      ++i;
    } else if (comment_at(sql, i)) {
      std::string skipped;
      i = copy_comment(sql, i, skipped);
    } else {
      break;
    }
  }
  size_t end = i;
  while (end < sql.size() && identifier_char(sql[end])) ++end;
  std::string word(sql.substr(i, end - i));
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
  return word;
}

std::string statement_type(std::string_view sql) {
  auto keyword = first_keyword(sql);
  if (keyword == "SHOW" || keyword == "DESCRIBE" || keyword == "DESC" || keyword == "EXPLAIN") return "UTILITY";
  if (keyword == "CREATE" || keyword == "DROP" || keyword == "ALTER" || keyword == "MSCK" || keyword == "PREPARE" ||
      keyword == "DEALLOCATE") {
    return "DDL";
  }
  // Queries, and statements nothing recognises (the engine's parse then says what is wrong).
  return "DML";
}

}  // namespace nimbus::athena
