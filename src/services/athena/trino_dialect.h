#pragma once
// Athena's SQL is Trino's; the engine is DuckDB. What differs for what Athena users write is
// bridged here: Trino's function names DuckDB spells otherwise (renamed in the text, outside
// strings, quoted names and comments, so lambdas pass through), Trino functions DuckDB lacks
// (macros created in each query's database), date_parse/date_format's MySQL-style literal formats
// (translated to strftime's), and `?` execution parameters (replaced by their
// literal text, as Athena does).

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nimbus::athena {

// The statement as DuckDB should run it. Throws std::invalid_argument when the parameters do not
// match the `?` placeholders (Athena's message).
std::string to_duckdb_sql(std::string_view athena_sql, const std::vector<std::string>& parameters);

// Statements creating Trino's functions DuckDB lacks (from_iso8601_timestamp, to_unixtime...).
const std::string& trino_function_macros();

// The statement's first keyword, upper-cased ("SELECT", "WITH", "CREATE"), skipping comments and
// parentheses; "" for none.
std::string first_keyword(std::string_view sql);

// Athena's StatementType for a statement: "DDL" (CREATE, DROP, ALTER, MSCK, PREPARE, DEALLOCATE), "UTILITY" (SHOW,
// DESCRIBE, EXPLAIN) or "DML" (queries, and anything else: the engine says what is wrong with it).
std::string statement_type(std::string_view sql);

}  // namespace nimbus::athena
