#include "services/glue/crawler_schema.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

#include "sql/duckdb_session.h"
#include "sql/hive_types.h"

namespace nimbus::glue::crawler {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The key without its compression suffix.
std::string_view strip_compression(std::string_view key) {
  for (std::string_view suffix : {".gz", ".gzip", ".bz2", ".snappy", ".zst"}) {
    if (key.size() > suffix.size() && lower(key.substr(key.size() - suffix.size())) == suffix) {
      return key.substr(0, key.size() - suffix.size());
    }
  }
  return key;
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string file_list(const std::vector<SampleFile>& files) {
  std::string list = "[";
  for (const auto& file : files) list += (list.size() > 1 ? ", " : "") + quote_literal(file.path);
  return list + "]";
}

}  // namespace

std::string_view classification(DataFormat format) {
  switch (format) {
    case DataFormat::Parquet:
      return "parquet";
    case DataFormat::Json:
      return "json";
    case DataFormat::Csv:
      break;
  }
  return "csv";
}

DataFormat detect_format(std::string_view key, std::string_view head) {
  std::string name = lower(strip_compression(key));
  auto dot = name.rfind('.');
  auto slash = name.rfind('/');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    std::string extension = name.substr(dot + 1);
    if (extension == "parquet" || extension == "parq") return DataFormat::Parquet;
    if (extension == "json" || extension == "jsonl" || extension == "ndjson") return DataFormat::Json;
    if (extension == "csv" || extension == "tsv" || extension == "txt" || extension == "psv") return DataFormat::Csv;
  }
  if (head.starts_with("PAR1")) return DataFormat::Parquet;
  for (char c : head) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    return c == '{' || c == '[' ? DataFormat::Json : DataFormat::Csv;
  }
  return DataFormat::Csv;
}

std::string compression_type(std::string_view key) {
  std::string name = lower(key);
  if (name.ends_with(".gz") || name.ends_with(".gzip")) return "gzip";
  if (name.ends_with(".bz2")) return "bzip2";
  return "none";
}

std::string glue_type(std::string_view duckdb_type, DataFormat format) {
  auto source = format == DataFormat::Parquet ? sql::SourceFormat::Parquet
                : format == DataFormat::Json  ? sql::SourceFormat::Json
                                              : sql::SourceFormat::Csv;
  return sql::hive_type(duckdb_type, source);
}

std::string column_name(std::string_view duckdb_name, bool csv_without_header) {
  if (csv_without_header && duckdb_name.starts_with("column")) {
    auto digits = duckdb_name.substr(6);
    if (!digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(c); })) {
      return "col" + std::to_string(std::stoll(std::string(digits)));
    }
  }
  return lower(duckdb_name);
}

Schema infer_schema(sql::DuckDbSession& session, DataFormat format, const std::vector<SampleFile>& files) {
  Schema schema;
  schema.format = format;
  for (const auto& file : files) schema.sample_bytes += file.size;
  if (files.empty()) return schema;
  std::string list = file_list(files);
  std::string source;
  switch (format) {
    case DataFormat::Parquet:
      source = "read_parquet(" + list + ", union_by_name = true)";
      break;
    case DataFormat::Json:
      source = "read_json_auto(" + list + ", format = 'newline_delimited', union_by_name = true)";
      break;
    case DataFormat::Csv: {
      auto sniffed = session.rows("SELECT Delimiter, HasHeader FROM sniff_csv(" + quote_literal(files.front().path) + ")");
      if (!sniffed.empty()) {
        schema.delimiter = sniffed[0][0].value_or(",");
        schema.header = sniffed[0][1].value_or("false") == "true";
      }
      source = "read_csv_auto(" + list + ", union_by_name = true, header = " + (schema.header ? "true" : "false") +
               ", delim = " + quote_literal(schema.delimiter) + ")";
      break;
    }
  }
  auto described = session.describe("SELECT * FROM " + source);
  std::string stats = "SELECT count(*)";
  std::vector<size_t> integers;  // JSON's top-level integer columns, narrowed to int when they fit
  for (size_t i = 0; i < described.size(); ++i) {
    const auto& column = described[i];
    Column out{column_name(column.name, format == DataFormat::Csv && !schema.header),
               glue_type(column.duckdb_type, format)};
    if (format == DataFormat::Json && out.type == "bigint") {
      integers.push_back(i);
      stats += ", min(" + quote_identifier(column.name) + "), max(" + quote_identifier(column.name) + ")";
    }
    schema.columns.push_back(std::move(out));
  }
  auto counted = session.rows(stats + " FROM " + source);
  if (!counted.empty()) {
    const auto& row = counted[0];
    schema.sample_records = std::stoll(row.at(0).value_or("0"));
    for (size_t n = 0; n < integers.size(); ++n) {
      const auto& low = row.at(1 + 2 * n);
      const auto& high = row.at(2 + 2 * n);
      if (!low || !high) continue;
      int64_t lo = std::stoll(*low), hi = std::stoll(*high);
      if (lo >= std::numeric_limits<int32_t>::min() && hi <= std::numeric_limits<int32_t>::max()) {
        schema.columns[integers[n]].type = "int";
      }
    }
  }
  return schema;
}

}  // namespace nimbus::glue::crawler
