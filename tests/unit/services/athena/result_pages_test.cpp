#include "services/athena/result_pages.h"

#include <gtest/gtest.h>

#include <fstream>

namespace nimbus::athena {
namespace {

std::filesystem::path write_results(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("athena-results-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ResultPages, QuotedValuesNullsAndEmbeddedNewlinesReadBack) {
  auto path = write_results("\"a\",\"b\"\n\"1\",\n\"x\"\"y\",\"line\nbreak\"\n");
  auto page = read_result_page(path, 0, 10);
  ASSERT_EQ(page.rows.size(), 3u);
  EXPECT_EQ(page.rows[1]["Data"][1], nlohmann::json::object());
  EXPECT_EQ(page.rows[2]["Data"][0]["VarCharValue"], "x\"y");
  EXPECT_EQ(page.rows[2]["Data"][1]["VarCharValue"], "line\nbreak");
  EXPECT_FALSE(page.next_offset);
}

TEST(ResultPages, PagesContinueFromTheOffsetTheyAnswer) {
  auto path = write_results("\"h\"\n\"1\"\n\"2\"\n\"3\"\n");
  auto first = read_result_page(path, 0, 2);
  ASSERT_TRUE(first.next_offset);
  auto second = read_result_page(path, *first.next_offset, 2);
  EXPECT_EQ(second.rows[0]["Data"][0]["VarCharValue"], "2");
  EXPECT_EQ(second.rows[1]["Data"][0]["VarCharValue"], "3");
  EXPECT_FALSE(second.next_offset);
}

TEST(ResultPages, ColumnInfoUsesAthenasTypeNames) {
  EXPECT_EQ(column_info("n", "BIGINT")["Type"], "bigint");
  EXPECT_EQ(column_info("n", "HUGEINT")["Type"], "bigint");
  auto decimal = column_info("d", "DECIMAL(38,2)");
  EXPECT_EQ(decimal["Type"], "decimal");
  EXPECT_EQ(decimal["Precision"], 38);
  EXPECT_EQ(decimal["Scale"], 2);
  EXPECT_EQ(column_info("s", "VARCHAR")["CaseSensitive"], true);
  EXPECT_EQ(column_info("l", "INTEGER[]")["Type"], "array");
}

}  // namespace
}  // namespace nimbus::athena
