#include "sql/duckdb_session.h"

#include <gtest/gtest.h>

namespace nimbus::sql {
namespace {

EngineError::Kind kind_of_failure(DuckDbSession& session, const std::string& statement) {
  try {
    session.check(statement);
  } catch (const EngineError& error) {
    return error.kind();
  }
  ADD_FAILURE() << statement << " did not fail";
  return EngineError::Kind::Other;
}

TEST(DuckDbSession, ErrorsCarryTheirKind) {
  DuckDbSession session(EngineLimits{"256MB", 1, {}});
  EXPECT_EQ(kind_of_failure(session, "SELEC 1"), EngineError::Kind::Parser);
  EXPECT_EQ(kind_of_failure(session, "SELECT * FROM missing"), EngineError::Kind::Catalog);
  EXPECT_EQ(kind_of_failure(session, "SELECT missing FROM (SELECT 1 a)"), EngineError::Kind::Binder);
}

TEST(DuckDbSession, DescribeAndRowsAnswerTypesAndValues) {
  DuckDbSession session(EngineLimits{"256MB", 1, {}});
  auto columns = session.describe("SELECT 1::BIGINT AS n, 'x' AS s, NULL::DOUBLE AS d");
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].name, "n");
  EXPECT_EQ(columns[0].duckdb_type, "BIGINT");
  EXPECT_EQ(columns[2].duckdb_type, "DOUBLE");
  auto rows = session.rows("SELECT 1::BIGINT AS n, 'x' AS s, NULL::DOUBLE AS d");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "x");
  EXPECT_FALSE(rows[0][2].has_value());
}

TEST(DuckDbSession, AnInterruptBetweenStatementsStopsTheNextOne) {
  DuckDbSession session(EngineLimits{"256MB", 1, {}});
  session.interrupt();
  EXPECT_EQ(kind_of_failure(session, "SELECT 1"), EngineError::Kind::Interrupted);
  try {
    session.execute("SELECT 1");
    ADD_FAILURE() << "ran after an interrupt";
  } catch (const EngineError& error) {
    EXPECT_EQ(error.kind(), EngineError::Kind::Interrupted);
  }
}

TEST(DuckDbSession, NothingIsFetchedAtRunTime) {
  DuckDbSession session(EngineLimits{"256MB", 1, {}});
  EXPECT_THROW(session.execute("INSTALL httpfs"), EngineError);
}

}  // namespace
}  // namespace nimbus::sql
