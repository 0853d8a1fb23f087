#include "services/athena/result_pages.h"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace nimbus::athena {

ResultPage read_result_page(const std::filesystem::path& file, uint64_t offset, size_t max_rows) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("results unreadable");
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in) throw std::runtime_error("bad offset");
  ResultPage page;
  uint64_t position = offset;
  std::vector<char> buffer(1 << 16);
  nlohmann::json row = nlohmann::json::array();
  std::string value;
  bool quoted = false, in_quotes = false, after_quote = false, field_started = false;
  auto end_field = [&] {
    row.push_back(quoted ? nlohmann::json{{"VarCharValue", value}} : nlohmann::json::object());
    value.clear();
    quoted = in_quotes = after_quote = field_started = false;
  };
  while (page.rows.size() < max_rows) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    for (size_t i = 0; i < got; ++i) {
      char c = buffer[i];
      ++position;
      if (in_quotes) {
        if (c == '"') {
          in_quotes = false;
          after_quote = true;
        } else {
          value += c;
        }
        continue;
      }
      if (c == '"') {
        if (after_quote) value += '"';  // a doubled quote inside a quoted value
        in_quotes = true;
        quoted = true;
        after_quote = false;
        field_started = true;
      } else if (c == ',') {
        end_field();
      } else if (c == '\n') {
        end_field();
        page.rows.push_back({{"Data", std::move(row)}});
        row = nlohmann::json::array();
        if (page.rows.size() == max_rows) {
          page.next_offset = position;
          break;
        }
      } else if (c != '\r') {
        value += c;
        field_started = true;
      }
    }
  }
  if (in_quotes || field_started || !row.empty()) throw std::runtime_error("bad offset");
  // A page that ends exactly at the file's end has no next page.
  if (page.next_offset && *page.next_offset >= std::filesystem::file_size(file)) page.next_offset.reset();
  return page;
}

nlohmann::json column_info(const std::string& name, const std::string& duckdb_type) {
  std::string type = "varchar";
  int precision = 2147483647, scale = 0;
  static const std::regex decimal(R"(DECIMAL\((\d+),(\d+)\))");
  std::smatch match;
  if (std::regex_match(duckdb_type, match, decimal)) {
    type = "decimal";
    precision = std::stoi(match[1].str());
    scale = std::stoi(match[2].str());
  } else if (duckdb_type.ends_with("[]")) {
    type = "array", precision = 0;
  } else if (duckdb_type.starts_with("MAP(")) {
    type = "map", precision = 0;
  } else if (duckdb_type.starts_with("STRUCT(")) {
    type = "row", precision = 0;
  } else {
    static const std::map<std::string, std::pair<std::string, int>> scalars = {
        {"BIGINT", {"bigint", 19}},      {"HUGEINT", {"bigint", 19}},      {"UBIGINT", {"bigint", 19}},
        {"INTEGER", {"integer", 10}},    {"UINTEGER", {"bigint", 19}},     {"SMALLINT", {"smallint", 5}},
        {"USMALLINT", {"integer", 10}},  {"TINYINT", {"tinyint", 3}},      {"UTINYINT", {"smallint", 5}},
        {"DOUBLE", {"double", 17}},      {"FLOAT", {"float", 17}},         {"BOOLEAN", {"boolean", 0}},
        {"DATE", {"date", 0}},           {"TIMESTAMP", {"timestamp", 3}},  {"TIMESTAMP WITH TIME ZONE", {"timestamp with time zone", 3}},
        {"TIME", {"time", 3}},           {"BLOB", {"varbinary", 1073741824}}, {"INTERVAL", {"interval day to second", 0}},
        {"UUID", {"uuid", 0}},           {"JSON", {"json", 0}}};
    auto found = scalars.find(duckdb_type);
    if (found != scalars.end()) std::tie(type, precision) = found->second;
  }
  return {{"CatalogName", "hive"}, {"SchemaName", ""},      {"TableName", ""},   {"Name", name},
          {"Label", name},         {"Type", type},          {"Precision", precision}, {"Scale", scale},
          {"Nullable", "UNKNOWN"}, {"CaseSensitive", type == "varchar"}};
}

}  // namespace nimbus::athena
