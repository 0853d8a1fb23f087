#pragma once
// DuckDB's types (as DESCRIBE prints them) as the Hive types the Glue catalog stores: what a
// crawler infers from a sample, and the columns of a table Athena writes (CTAS).

#include <string>
#include <string_view>

namespace nimbus::sql {

// Parquet keeps its types (int, decimal(p,s), timestamp); JSON and CSV, read as text, widen
// integers to bigint and reals to double, and JSON keeps dates as strings.
enum class SourceFormat { Parquet, Json, Csv };

// "STRUCT(a INTEGER, b VARCHAR[])" -> "struct<a:int,b:array<string>>"; unknown types -> "string".
std::string hive_type(std::string_view duckdb_type, SourceFormat format);

}  // namespace nimbus::sql
