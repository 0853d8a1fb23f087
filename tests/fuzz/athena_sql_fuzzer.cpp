// libFuzzer target for what Athena reads of client input before DuckDB does: the Trino-to-DuckDB
// rewrite of a query (with two parameters, and with none), the statement classifier, the frame of
// writing statements (views, CTAS, INSERT INTO), and the Hive column type parser of a Glue table.
// Only their documented exceptions may escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/athena/table_source.h"
#include "services/athena/trino_dialect.h"
#include "services/athena/write_statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& parameters : {std::vector<std::string>{"'a'", "1"}, std::vector<std::string>{}}) {
    try {
      auto rewritten = nimbus::athena::to_duckdb_sql(text, parameters);
      if (rewritten.empty() && !text.empty()) std::abort();
    } catch (const std::invalid_argument&) {
    }
  }
  auto type = nimbus::athena::statement_type(text);
  if (type != "DML" && type != "DDL" && type != "UTILITY") std::abort();
  try {
    auto write = nimbus::athena::parse_write_statement(text);
    if (write && write->name.empty()) std::abort();
  } catch (const nimbus::athena::WriteSyntaxError&) {
  }
  try {
    nimbus::athena::duckdb_type(text);
  } catch (const nimbus::athena::UnsupportedTable&) {
  }
  return 0;
}
