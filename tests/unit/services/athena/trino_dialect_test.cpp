#include "services/athena/trino_dialect.h"

#include <gtest/gtest.h>

#include "sql/duckdb_session.h"

namespace nimbus::athena {
namespace {

using sql::DuckDbSession;
using sql::EngineLimits;

TEST(TrinoDialect, ParametersReplaceQuestionMarksOutsideStringsNamesAndComments) {
  EXPECT_EQ(to_duckdb_sql("SELECT ? , '?', \"?\" -- ?\n/* ? */ FROM t WHERE a = ?", {"'x'", "2"}),
            "SELECT 'x' , '?', \"?\" -- ?\n/* ? */ FROM t WHERE a = 2");
}

TEST(TrinoDialect, ParameterCountMismatchIsRefused) {
  EXPECT_THROW(to_duckdb_sql("SELECT ?", {}), std::invalid_argument);
  EXPECT_THROW(to_duckdb_sql("SELECT 1", {"1"}), std::invalid_argument);
}

TEST(TrinoDialect, FunctionsDuckDbSpellsOtherwiseAreRenamedOnlyWhereCalled) {
  EXPECT_EQ(to_duckdb_sql("SELECT approx_distinct(x), transform(a, v -> v + 1), transform FROM t", {}),
            "SELECT approx_count_distinct(x), list_transform(a, v -> v + 1), transform FROM t");
  EXPECT_EQ(to_duckdb_sql("SELECT 'regexp_like(x)', s.regexp_like(x)", {}), "SELECT 'regexp_like(x)', s.regexp_like(x)");
}

TEST(TrinoDialect, LiteralDateFormatsAreTranslatedToStrftime) {
  EXPECT_EQ(to_duckdb_sql("SELECT date_parse(s, '%Y-%m-%d %H:%i:%s'), date_format(t, '%M %e, %Y %T')", {}),
            "SELECT strptime(s, '%Y-%m-%d %H:%M:%S'), strftime(t, '%B %-d, %Y %H:%M:%S')");
  EXPECT_EQ(to_duckdb_sql("SELECT date_format(date_parse('5', '%e'), '%i')", {}),
            "SELECT strftime(strptime('5', '%-d'), '%M')");
}

TEST(TrinoDialect, StatementTypesFollowTheFirstKeyword) {
  EXPECT_EQ(statement_type("  -- c\n(SELECT 1)"), "DML");
  EXPECT_EQ(statement_type("with x as (select 1) select * from x"), "DML");
  EXPECT_EQ(statement_type("SHOW TABLES"), "UTILITY");
  EXPECT_EQ(statement_type("CREATE EXTERNAL TABLE t (a int)"), "DDL");
  EXPECT_EQ(first_keyword("/* x */ select"), "SELECT");
}

TEST(TrinoDialect, EveryMacroIsCreatedAndAnswersAsTrinoWould) {
  DuckDbSession session(EngineLimits{"256MB", 1, {}});
  session.execute(trino_function_macros());
  auto rows = session.rows(to_duckdb_sql(
      "SELECT to_unixtime(from_iso8601_timestamp('1970-01-02T00:00:00Z')), cardinality(ARRAY[1, 2]), "
      "day_of_week(DATE '2024-01-01')", {}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "86400.0");
  EXPECT_EQ(rows[0][1], "2");
  EXPECT_EQ(rows[0][2], "1");
}

}  // namespace
}  // namespace nimbus::athena
