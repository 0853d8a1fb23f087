// Glue names (lowercased), GetTables' name patterns, keys and tokens.
#include "services/glue/glue_names.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nimbus::glue {
namespace {

TEST(GlueNames, LowercasesNames) {
  EXPECT_EQ(normalize_name("Sales_DB"), "sales_db");
  EXPECT_TRUE(valid_name("my table"));
  EXPECT_FALSE(valid_name(""));
  EXPECT_FALSE(valid_name("a\nb"));
  EXPECT_FALSE(valid_name(std::string(256, 'a')));
}

TEST(NamePattern, ReadsStarAndAlternativesLikeGlue) {
  EXPECT_TRUE(NamePattern("sales*").matches("sales_2024"));
  EXPECT_TRUE(NamePattern("sales.*").matches("sales_2024"));
  EXPECT_TRUE(NamePattern("sales.*").matches("sales"));
  EXPECT_FALSE(NamePattern("sales").matches("sales_2024"));  // the whole name
  EXPECT_TRUE(NamePattern("orders|sales*").matches("orders"));
  EXPECT_TRUE(NamePattern("SALES*").matches("sales_x"));
  EXPECT_FALSE(NamePattern("orders|sales*").matches("customers"));
  EXPECT_THROW(NamePattern("sales(["), std::invalid_argument);
}

TEST(NamePattern, MatchesInPolynomialTime) {
  // A pattern a backtracking matcher takes 2^40 steps on.
  EXPECT_FALSE(NamePattern("(.+.+)+b").matches(std::string(40, 'a')));
}

TEST(GlueKeys, PartitionsOrderByValuesWithinTheirTable) {
  std::string table = table_key("1", "r", "db", "t");
  std::string a = table + partition_suffix({"2024", "01"});
  std::string b = table + partition_suffix({"2024", "02"});
  std::string c = table + partition_suffix({"2025", "01"});
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_TRUE(a.starts_with(database_key("1", "r", "db")));
  EXPECT_FALSE(table_key("1", "r", "db2", "t").starts_with(database_key("1", "r", "db")));
  EXPECT_EQ(values_of_suffix(partition_suffix({"x", "", "y"})),
            (std::vector<std::string>{"x", "", "y"}));
}

TEST(GlueTokens, RoundTrip) {
  std::string raw("a\0\x01\xff", 4);
  EXPECT_EQ(decode_token(encode_token(raw)), raw);
  EXPECT_EQ(decode_token("zz"), std::nullopt);
  EXPECT_EQ(decode_token("abc"), std::nullopt);
}

}  // namespace
}  // namespace nimbus::glue
