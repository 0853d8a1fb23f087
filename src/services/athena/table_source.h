#pragma once
// How a Glue table becomes something DuckDB reads: its objects, where S3 keeps them, linked into
// a Hive-style tree (<scratch>/<key>=<value>/...) so DuckDB prunes partitions from the WHERE
// clause itself and opens only the files of the partitions a query touches; and a view over
// read_parquet / read_json / read_csv as the table's SerDe says, with the catalog's column types.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nimbus::athena {

using Json = nlohmann::json;

// One object of the table: the file S3 keeps it in, or its bytes when S3 keeps it in the record.
struct DataFile {
  std::string key_name;  // the key's last segment, kept for its extension (".gz" decides compression)
  std::string body_file;
  std::optional<std::string> bytes;
};

struct PartitionData {
  std::vector<std::string> values;  // in PartitionKeys order; empty for an unpartitioned table
  std::vector<DataFile> files;
};

// A table DuckDB cannot read (an unknown SerDe, a type it cannot map); what() is Athena's text.
class UnsupportedTable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The table's data format from its SerDe, input format or classification: "parquet", "json",
// "csv" (OpenCSVSerde) or "text" (LazySimpleSerDe). Throws UnsupportedTable.
std::string table_format(const Json& table);

// A Hive type ("array<struct<a:int>>", "decimal(10,2)") as DuckDB's. Throws UnsupportedTable.
std::string duckdb_type(std::string_view hive_type);

// Links the table's files under `root` and answers the SQL of a view named `view` (quoted,
// schema-qualified) reading them. Throws UnsupportedTable.
std::string create_table_view(const Json& table, const std::vector<PartitionData>& partitions,
                              const std::filesystem::path& root, const std::string& view);

// "s3://bucket/key/prefix" -> bucket, "key/prefix" (s3a:// too).
std::pair<std::string, std::string> split_s3(const std::string& location);

// A name quoted for DuckDB ("a""b").
std::string quote_identifier(std::string_view name);
std::string quote_literal(std::string_view text);

}  // namespace nimbus::athena
