// The GetPartitions expression language: parsing, typing by the partition keys, evaluation.
#include "services/glue/partition_expression.h"

#include <gtest/gtest.h>

#include "services/glue/partition_number.h"

namespace nimbus::glue::expr {
namespace {

const std::vector<KeyColumn> kKeys = {
    {"year", "int"}, {"month", "string"}, {"region", "varchar(10)"}, {"day", "date"}};

bool match(std::string_view text, std::vector<std::string> values) {
  return matches(parse(text, kKeys), values);
}

const std::vector<std::string> kRow = {"2024", "03", "eu-west-1", "2024-03-15"};

TEST(PartitionExpression, BlankMatchesEverything) {
  EXPECT_TRUE(match("", kRow));
  EXPECT_TRUE(match("   ", kRow));
}

TEST(PartitionExpression, ComparesIntKeysAsNumbers) {
  EXPECT_TRUE(match("year = 2024", kRow));
  EXPECT_TRUE(match("year > 999", kRow));  // as text "2024" < "999"
  EXPECT_TRUE(match("year >= '2024'", kRow));
  EXPECT_FALSE(match("year < 2024", kRow));
  EXPECT_TRUE(match("year <> 2023", kRow));
  EXPECT_TRUE(match("year != 2023", kRow));
  EXPECT_TRUE(match("year = 2024.0", kRow));
  EXPECT_TRUE(match("year <= 2.024e3", kRow));
}

TEST(PartitionExpression, ComparesStringKeysAsText) {
  EXPECT_TRUE(match("month = '03'", kRow));
  EXPECT_FALSE(match("month = 3", kRow));  // text "3" is not "03"
  EXPECT_TRUE(match("month < '10'", kRow));
  EXPECT_TRUE(match("region = \"eu-west-1\"", kRow));
  EXPECT_TRUE(match("day > '2024-03-01'", kRow));
  EXPECT_TRUE(match("day = DATE '2024-03-15'", kRow));
}

TEST(PartitionExpression, CombinesWithPrecedence) {
  EXPECT_TRUE(match("year = 2000 OR month = '03' AND region = 'eu-west-1'", kRow));
  EXPECT_FALSE(match("(year = 2000 OR month = '03') AND region = 'us-east-1'", kRow));
  EXPECT_TRUE(match("NOT year = 2000", kRow));
  EXPECT_FALSE(match("NOT (year = 2024 AND month = '03')", kRow));
  EXPECT_TRUE(match("not not year = 2024", kRow));
}

TEST(PartitionExpression, SupportsBetweenInAndLike) {
  EXPECT_TRUE(match("year BETWEEN 2020 AND 2025", kRow));
  EXPECT_FALSE(match("year NOT BETWEEN 2020 AND 2025", kRow));
  EXPECT_TRUE(match("year between 2020 and 2025 and month = '03'", kRow));
  EXPECT_TRUE(match("month IN ('01', '03')", kRow));
  EXPECT_FALSE(match("month NOT IN ('01', '03')", kRow));
  EXPECT_TRUE(match("year IN (2023, 2024)", kRow));
  EXPECT_TRUE(match("region LIKE 'eu-%'", kRow));
  EXPECT_TRUE(match("region LIKE 'eu_west_1'", kRow));
  EXPECT_FALSE(match("region NOT LIKE '%west%'", kRow));
  EXPECT_TRUE(match("region IS NOT NULL", kRow));
  EXPECT_FALSE(match("region IS NULL", kRow));
}

TEST(PartitionExpression, MatchesKeyNamesCaseInsensitively) {
  EXPECT_TRUE(match("YEAR = 2024 AND `Month` = '03'", kRow));
}

TEST(PartitionExpression, ANonNumericValueOfAnIntKeyDoesNotMatch) {
  EXPECT_FALSE(match("year > 1", {"abc", "03", "x", "2024-01-01"}));
}

TEST(PartitionExpression, RefusesBadInput) {
  for (const char* bad :
       {"year =", "year = 'abc'", "nope = 1", "year = 1 AND", "(year = 1", "year = 1)",
        "year BETWEEN 1", "month IN ()", "month IN ('a'", "year ! 1", "'unterminated",
        "year = 1 year = 2", "AND", "month LIKE", "1.2.3 = year", "month = --1", "year IS 1"}) {
    EXPECT_THROW(parse(bad, kKeys), ExpressionError) << bad;
  }
}

TEST(PartitionExpression, BoundsNesting) {
  std::string deep(500, '(');
  deep += "year = 1";
  deep += std::string(500, ')');
  EXPECT_THROW(parse(deep, kKeys), ExpressionError);
  std::string nots;
  for (int i = 0; i < 500; ++i) nots += "NOT ";
  EXPECT_THROW(parse(nots + "year = 1", kKeys), ExpressionError);
}

TEST(PartitionExpression, ReportsWhereParsingStopped) {
  try {
    parse("year = 1 AND month ~ 2", kKeys);
    FAIL();
  } catch (const ExpressionError& error) {
    EXPECT_EQ(error.position, 19u);
  }
}

TEST(PartitionNumber, ComparesExactly) {
  EXPECT_EQ(compare_numbers("9007199254740993", "9007199254740992"), 1);
  EXPECT_EQ(compare_numbers("-5", "3"), -1);
  EXPECT_EQ(compare_numbers("-5", "-3"), -1);
  EXPECT_EQ(compare_numbers("0", "-0.0"), 0);
  EXPECT_EQ(compare_numbers("1e2", "100"), 0);
  EXPECT_EQ(compare_numbers("010", "10"), 0);
  EXPECT_EQ(compare_numbers("0.5", ".5"), 0);
  EXPECT_EQ(compare_numbers("x", "1"), std::nullopt);
  EXPECT_TRUE(is_number("1."));  // as SQL reads it
  EXPECT_TRUE(is_number("1.5"));
  EXPECT_TRUE(is_number("1."));  // as SQL reads it
  EXPECT_FALSE(is_number(""));
}

TEST(Like, MatchesWildcards) {
  EXPECT_TRUE(like("abc", "%"));
  EXPECT_TRUE(like("", "%"));
  EXPECT_TRUE(like("abc", "a%c"));
  EXPECT_TRUE(like("abcbc", "%bc"));
  EXPECT_FALSE(like("abc", "a_"));
  EXPECT_TRUE(like("abc", "a__"));
  EXPECT_FALSE(like("abc", "ABC"));
}

}  // namespace
}  // namespace nimbus::glue::expr
