#pragma once
// A crawler's classification of files and its schema inference: which format a file is (by its
// key's extension, else its first bytes), its compression, DuckDB's types named as Glue's crawler
// names them (Hive types), and the inference itself: DuckDB's readers (read_parquet,
// read_json_auto, read_csv_auto) described over a table's sample files. The DuckDB part runs on
// the crawl pool, never on an I/O thread.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::sql {
class DuckDbSession;
}

namespace nimbus::glue::crawler {

using Json = nlohmann::json;

enum class DataFormat { Parquet, Json, Csv };

// "parquet", "json", "csv": the table's `classification`.
std::string_view classification(DataFormat format);

// The format of an object from its key (".parquet", ".json", ".jsonl", ".ndjson", ".csv", ".tsv",
// ".txt", under a ".gz"/".bz2"/".snappy" suffix) or, when the key says nothing, its first bytes
// ("PAR1" parquet, '{' or '[' JSON, else CSV).
DataFormat detect_format(std::string_view key, std::string_view head);
// `compressionType` as the crawler writes it: "gzip", "bzip2" or "none".
std::string compression_type(std::string_view key);

// DuckDB's type name ("BIGINT", "STRUCT(x BIGINT, y VARCHAR)", "VARCHAR[]", "DECIMAL(10,2)") as
// the Hive type Glue's crawler writes for that format ("bigint", "struct<x:bigint,y:string>",
// "array<string>", "decimal(10,2)"). JSON and CSV values carry no date or time type of their own
// in Glue's classifiers: JSON strings stay "string" whatever they look like.
std::string glue_type(std::string_view duckdb_type, DataFormat format);

struct Column {
  std::string name;
  std::string type;  // Hive type
};

// One table's inferred schema and the statistics of its sample.
struct Schema {
  DataFormat format = DataFormat::Csv;
  std::vector<Column> columns;
  // CSV only: its delimiter and whether the first line is a header (then skip.header.line.count).
  std::string delimiter = ",";
  bool header = false;
  int64_t sample_records = 0;
  int64_t sample_bytes = 0;
};

// A sample file: a local path DuckDB reads (named with the key's extension, which tells DuckDB
// its compression) and its size in bytes.
struct SampleFile {
  std::string path;
  int64_t size = 0;
};

// Infers a table's columns from its sample files, all of one format (union by name), and counts
// their records. Throws sql::EngineError when DuckDB cannot read them.
Schema infer_schema(sql::DuckDbSession& session, DataFormat format, const std::vector<SampleFile>& files);

// Column names lowercased as Hive keeps them; an unnamed CSV column (DuckDB's "column0") is
// Glue's "col0".
std::string column_name(std::string_view duckdb_name, bool csv_without_header);

}  // namespace nimbus::glue::crawler
