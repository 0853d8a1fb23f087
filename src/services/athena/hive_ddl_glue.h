#pragma once
// Between Hive's DDL and the Glue Data Catalog, both ways, as Athena does it: the TableInput /
// DatabaseInput a CREATE stores (Hive's SerDe and input/output format for each STORED AS, its
// defaults, EXTERNAL=TRUE), partition names and folders (`year=2024/month=1`, Hive's path
// escapes), and what Hive prints of a Glue table for DESCRIBE, SHOW COLUMNS and SHOW CREATE TABLE.
// Pure (std and nlohmann::json only).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/athena/hive_ddl.h"

namespace nimbus::athena {

// Glue's DatabaseInput for CREATE DATABASE.
nlohmann::json database_input(const HiveStatement& statement);

// Glue's TableInput for CREATE EXTERNAL TABLE; `now_seconds` becomes transient_lastDdlTime.
nlohmann::json table_input(const HiveStatement& statement, int64_t now_seconds);

// Hive's escaping of a partition value in a folder name ("a/b" -> "a%2Fb") and back.
std::string escape_path_name(std::string_view value);
std::string unescape_path_name(std::string_view name);

// "year=2024/month=1" from the table's PartitionKeys (Glue Columns) and a partition's values.
std::string partition_name(const nlohmann::json& partition_keys, const std::vector<std::string>& values);

// The partition's values from a key below the table's location ("year=2024/month=1/part-0.parquet",
// or a folder marker ending in "/"), when its first folders name the partition keys in order; none
// for anything else (a file at the top, other folders, hidden `_`/`.` folders).
std::optional<std::vector<std::string>> partition_values_from_key(const nlohmann::json& partition_keys,
                                                                  std::string_view relative_key);

// A partition's folder under the table's location ("s3://b/t" + "year=2024" -> "s3://b/t/year=2024").
std::string partition_location(std::string_view table_location, std::string_view partition_name);

// DESCRIBE's lines (Hive: "name<pad 20>\ttype<pad 20>\tcomment<pad 20>", then the partition
// section; the empty line and the section's title end in "\t \t " as Athena shows them).
std::vector<std::string> describe_lines(const nlohmann::json& table);

// SHOW COLUMNS' rows: each column then partition key name, padded to 20 characters as Hive does.
std::vector<std::string> show_columns_rows(const nlohmann::json& table);

// SHOW CREATE TABLE's lines: the Hive DDL that recreates the table.
std::vector<std::string> show_create_table_lines(const nlohmann::json& table);

}  // namespace nimbus::athena
