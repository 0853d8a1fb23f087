#include "services/athena/table_source.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <system_error>

namespace nimbus::athena {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Hive's type grammar: name, name(p,s), array<t>, map<k,v>, struct<name:t,...>.
class HiveTypeParser {
 public:
  explicit HiveTypeParser(std::string_view text) : text_(text) {}

  std::string parse() {
    auto type = parse_type();
    skip_spaces();
    if (at_ < text_.size()) fail();
    return type;
  }

 private:
  [[noreturn]] void fail() const { throw UnsupportedTable("Unsupported Hive type: " + std::string(text_)); }
  void skip_spaces() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  void expect(char c) {
    skip_spaces();
    if (at_ >= text_.size() || text_[at_] != c) fail();
    ++at_;
  }
  bool accept(char c) {
    skip_spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  std::string word() {
    skip_spaces();
    size_t start = at_;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) ++at_;
    if (start == at_) fail();
    return lower(text_.substr(start, at_ - start));
  }
  std::string number() {
    skip_spaces();
    size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
    if (start == at_ || at_ - start > 3) fail();
    return std::string(text_.substr(start, at_ - start));
  }

  std::string parse_type() {
    if (++depth_ > 32) fail();
    auto name = word();
    std::string type;
    if (name == "array") {
      expect('<');
      type = parse_type() + "[]";
      expect('>');
    } else if (name == "map") {
      expect('<');
      auto key = parse_type();
      expect(',');
      auto value = parse_type();
      expect('>');
      type = "MAP(" + key + ", " + value + ")";
    } else if (name == "struct") {
      expect('<');
      type = "STRUCT(";
      bool first = true;
      while (!accept('>')) {
        if (!first) expect(',');
        first = false;
        auto field = word();
        expect(':');
        type += (type.back() == '(' ? "" : ", ") + quote_identifier(field) + " " + parse_type();
      }
      type += ")";
    } else if (name == "decimal") {
      std::string precision = "10", scale = "0";
      if (accept('(')) {
        precision = number();
        if (accept(',')) scale = number();
        expect(')');
      }
      if (std::stoi(precision) < 1 || std::stoi(precision) > 38 || std::stoi(scale) > std::stoi(precision)) fail();
      type = "DECIMAL(" + precision + "," + scale + ")";
    } else if (name == "varchar" || name == "char") {
      if (accept('(')) {
        number();
        expect(')');
      }
      type = "VARCHAR";
    } else {
      static const std::map<std::string, std::string, std::less<>> scalars = {
          {"string", "VARCHAR"}, {"int", "INTEGER"},    {"integer", "INTEGER"}, {"bigint", "BIGINT"},
          {"smallint", "SMALLINT"}, {"tinyint", "TINYINT"}, {"double", "DOUBLE"}, {"float", "FLOAT"},
          {"real", "FLOAT"},     {"boolean", "BOOLEAN"}, {"date", "DATE"},     {"timestamp", "TIMESTAMP"},
          {"binary", "BLOB"}};
      auto found = scalars.find(name);
      if (found == scalars.end()) fail();
      type = found->second;
    }
    --depth_;
    return type;
  }

  std::string_view text_;
  size_t at_ = 0;
  int depth_ = 0;
};

std::string parameter(const Json& object, const char* name) {
  if (!object.is_object() || !object.contains("Parameters") || !object["Parameters"].is_object()) return {};
  auto& parameters = object["Parameters"];
  return parameters.contains(name) && parameters[name].is_string() ? parameters[name].get<std::string>() : "";
}

const Json& storage(const Json& table) {
  static const Json empty = Json::object();
  return table.contains("StorageDescriptor") && table["StorageDescriptor"].is_object() ? table["StorageDescriptor"]
                                                                                       : empty;
}

// A partition value as a path segment DuckDB decodes back: percent-encoded but for safe characters.
std::string path_segment(std::string_view value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ' ') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out.empty() || out == "." || out == ".." ? "%" + out : out;
}

// The file's name in the tree: unique, with the key's extension, never hidden.
std::string tree_name(size_t index, const std::string& key_name) {
  std::string safe;
  for (char c : key_name) safe += c == '/' ? '_' : c;
  return std::to_string(index) + "-" + safe;
}

std::string char_option(const std::string& value, const char* fallback) {
  return quote_literal(value.empty() ? std::string(fallback) : value.substr(0, 1));
}

struct Column {
  std::string name;
  std::string type;
};

std::vector<Column> columns_of(const Json& list) {
  std::vector<Column> columns;
  if (!list.is_array()) return columns;
  for (const auto& column : list) {
    columns.push_back({lower(column.value("Name", "")), duckdb_type(column.value("Type", "string"))});
  }
  return columns;
}

}  // namespace

std::pair<std::string, std::string> split_s3(const std::string& location) {
  auto rest = location.substr(location.starts_with("s3a://") ? 6 : std::min<size_t>(5, location.size()));
  auto slash = rest.find('/');
  if (slash == std::string::npos) return {rest, ""};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string duckdb_type(std::string_view hive_type) { return HiveTypeParser(hive_type).parse(); }

std::string table_format(const Json& table) {
  const auto& sd = storage(table);
  std::string serde = sd.contains("SerdeInfo") ? lower(sd["SerdeInfo"].value("SerializationLibrary", "")) : "";
  std::string input = lower(sd.value("InputFormat", ""));
  std::string classification = lower(parameter(table, "classification"));
  if (serde.find("parquet") != std::string::npos || input.find("parquet") != std::string::npos ||
      classification == "parquet") {
    return "parquet";
  }
  if (serde.find("json") != std::string::npos || classification == "json") return "json";
  if (serde.find("opencsvserde") != std::string::npos) return "csv";
  if (serde.find("lazysimpleserde") != std::string::npos || classification == "csv" ||
      input.find("textinputformat") != std::string::npos) {
    return "text";
  }
  if (serde.empty() && input.empty() && classification.empty()) return "text";
  throw UnsupportedTable("HIVE_UNSUPPORTED_FORMAT: Unable to read table data stored with SerDe '" + serde + "'");
}

std::string create_table_view(const Json& table, const std::vector<PartitionData>& partitions,
                              const std::filesystem::path& root, const std::string& view) {
  auto format = table_format(table);
  const auto& sd = storage(table);
  auto columns = columns_of(sd.value("Columns", Json::array()));
  auto keys = columns_of(table.value("PartitionKeys", Json::array()));

  std::vector<std::string> paths;
  std::error_code error;
  for (const auto& partition : partitions) {
    auto dir = root;
    for (size_t i = 0; i < keys.size() && i < partition.values.size(); ++i) {
      dir /= keys[i].name + "=" + path_segment(partition.values[i]);
    }
    std::filesystem::create_directories(dir, error);
    for (const auto& file : partition.files) {
      auto path = dir / tree_name(paths.size(), file.key_name);
      if (file.bytes) {
        std::ofstream(path, std::ios::binary) << *file.bytes;
      } else {
        std::filesystem::create_symlink(file.body_file, path, error);
      }
      paths.push_back(path.string());
    }
  }

  std::string select;
  auto add_column = [&](const std::string& expression) { select += (select.empty() ? "" : ", ") + expression; };
  if (paths.empty()) {
    for (const auto& column : columns) add_column("CAST(NULL AS " + column.type + ") AS " + quote_identifier(column.name));
    for (const auto& key : keys) add_column("CAST(NULL AS " + key.type + ") AS " + quote_identifier(key.name));
    return "CREATE VIEW " + view + " AS SELECT " + select + " WHERE false";
  }

  std::string files = "[";
  for (const auto& path : paths) files += (files.size() > 1 ? ", " : "") + quote_literal(path);
  files += "]";
  std::string hive;
  if (!keys.empty()) {
    hive = ", hive_partitioning = true, hive_types = {";
    for (size_t i = 0; i < keys.size(); ++i) {
      hive += (i ? ", " : "") + quote_literal(keys[i].name) + ": " + quote_literal(keys[i].type);
    }
    hive += "}";
  } else {
    hive = ", hive_partitioning = false";
  }

  std::string source;
  bool text_columns = format == "text" || format == "csv";
  if (format == "parquet") {
    source = "read_parquet(" + files + hive + ")";
  } else {
    std::string column_types = "{";
    for (size_t i = 0; i < columns.size(); ++i) {
      column_types += (i ? ", " : "") + quote_literal(columns[i].name) + ": " +
                      quote_literal(text_columns ? "VARCHAR" : columns[i].type);
    }
    column_types += "}";
    if (format == "json") {
      source = "read_json(" + files + ", format = 'newline_delimited', columns = " + column_types + hive + ")";
    } else {
      const Json serde = sd.value("SerdeInfo", Json::object());
      std::string skip = parameter(table, "skip.header.line.count");
      std::string options = ", header = false, skip = " + (skip.empty() ? std::string("0") : std::to_string(std::stoi(skip)));
      if (format == "csv") {
        options += ", delim = " + char_option(parameter(serde, "separatorChar"), ",") +
                   ", quote = " + char_option(parameter(serde, "quoteChar"), "\"") +
                   ", escape = " + char_option(parameter(serde, "escapeChar"), "\\");
      } else {
        std::string delim = parameter(serde, "field.delim");
        if (delim.empty()) delim = parameter(serde, "serialization.format");
        if (delim.empty() || delim == "1") delim = "\x01";
        options += ", delim = " + quote_literal(delim.substr(0, 1)) + ", quote = '', escape = '', nullstr = '\\N'";
      }
      source = "read_csv(" + files + options + ", columns = " + column_types + hive + ", auto_detect = false)";
    }
  }
  for (const auto& column : columns) {
    auto name = quote_identifier(column.name);
    if (text_columns && column.type != "VARCHAR") {
      add_column("TRY_CAST(" + name + " AS " + column.type + ") AS " + name);
    } else if (format == "parquet") {
      add_column("CAST(" + name + " AS " + column.type + ") AS " + name);
    } else {
      add_column(name);
    }
  }
  for (const auto& key : keys) add_column(quote_identifier(key.name));
  return "CREATE VIEW " + view + " AS SELECT " + select + " FROM " + source;
}

}  // namespace nimbus::athena
