#pragma once
// A query's results as GetQueryResults pages them: the CSV Athena writes (header row, every value
// double-quoted, NULL as nothing), read from a byte offset so a page costs what it returns.

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace nimbus::athena {

struct ResultPage {
  nlohmann::json rows = nlohmann::json::array();  // [{"Data": [{"VarCharValue": "..."} or {}]}]
  std::optional<uint64_t> next_offset;           // where the next page starts; none at the end
};

// Up to `max_rows` rows of the CSV file from `offset` (the header is the file's first row).
// Throws std::runtime_error if the file is unreadable or `offset` is not a row's start it wrote.
ResultPage read_result_page(const std::filesystem::path& file, uint64_t offset, size_t max_rows);

// Athena's column info for a DuckDB type ("DECIMAL(38,2)" -> decimal, precision 38, scale 2).
nlohmann::json column_info(const std::string& name, const std::string& duckdb_type);

}  // namespace nimbus::athena
