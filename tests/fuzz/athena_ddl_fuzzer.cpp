// libFuzzer target for Athena's DDL and utility statements (Hive's dialect): the lexer and parser,
// the Glue TableInput a CREATE TABLE becomes and what DESCRIBE / SHOW CREATE TABLE print of it,
// Hive type normalisation, SHOW TABLES patterns and MSCK's partition folders. Only DdlError may
// escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "services/athena/hive_ddl.h"
#include "services/athena/hive_ddl_glue.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nimbus::athena;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto statement = parse_hive_ddl(text);
    if (statement.kind == HiveStatementKind::CreateTable) {
      auto table = table_input(statement, 0);
      table["DatabaseName"] = "db";
      describe_lines(table);
      show_columns_rows(table);
      show_create_table_lines(table);
      for (const auto& spec : statement.partitions) partition_location(spec.location.value_or(""), "k=v");
    }
    if (statement.kind == HiveStatementKind::CreateDatabase) database_input(statement);
  } catch (const DdlError& error) {
    if (error.category() != 2 || (error.type() != 1000 && error.type() != 1003)) std::abort();
  }
  try {
    normalize_hive_type(text);
  } catch (const DdlError&) {
  }
  auto half = text.size() / 2;
  hive_pattern_match(text.substr(0, half), text.substr(half));
  auto keys = nlohmann::json::parse(R"([{"Name":"year","Type":"int"},{"Name":"m","Type":"string"}])");
  if (auto values = partition_values_from_key(keys, text)) {
    if (values->size() != 2) std::abort();
    if (unescape_path_name(escape_path_name((*values)[1])) != (*values)[1]) std::abort();
    partition_name(keys, *values);
  }
  return 0;
}
