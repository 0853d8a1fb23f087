// How a crawler groups keys into tables and partitions: Hive and unnamed partition folders, table
// roots where formats differ, hidden files and exclusion globs, and table naming.
#include "services/glue/crawler_layout.h"

#include <gtest/gtest.h>

namespace nimbus::glue::crawler {
namespace {

std::vector<ObjectInfo> objects(std::initializer_list<const char*> keys) {
  std::vector<ObjectInfo> out;
  for (const char* key : keys) out.push_back({key, 10});
  return out;
}

std::vector<std::vector<std::string>> values_of(const TablePlan& table) {
  std::vector<std::vector<std::string>> out;
  for (const auto& partition : table.partitions) out.push_back(partition.values);
  return out;
}

TEST(CrawlerLayout, HivePartitionsUnderTheTarget) {
  auto tables = plan_tables("lake", "analytics/purchases/",
                            objects({"analytics/purchases/year=2023/month=12/a.parquet",
                                     "analytics/purchases/year=2024/month=1/a.parquet",
                                     "analytics/purchases/year=2024/month=1/b.parquet"}),
                            {}, "");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "purchases");
  EXPECT_EQ(tables[0].folder, "analytics/purchases/");
  EXPECT_EQ(tables[0].keys, (std::vector<std::string>{"year", "month"}));
  EXPECT_EQ(values_of(tables[0]), (std::vector<std::vector<std::string>>{{"2023", "12"}, {"2024", "1"}}));
  EXPECT_EQ(tables[0].partitions[1].folder, "analytics/purchases/year=2024/month=1/");
  EXPECT_EQ(tables[0].partitions[1].files.size(), 2u);
}

TEST(CrawlerLayout, UnnamedFoldersArePartitionColumns) {
  TablePlan table;
  table.folder = "logs/";
  plan_partitions(table, objects({"logs/2024/01/a.json", "logs/2024/02/a.json", "logs/2023/12/a.json"}));
  EXPECT_EQ(table.keys, (std::vector<std::string>{"partition_0", "partition_1"}));
  EXPECT_EQ(values_of(table),
            (std::vector<std::vector<std::string>>{{"2023", "12"}, {"2024", "01"}, {"2024", "02"}}));
}

TEST(CrawlerLayout, MixedNamedAndUnnamedLevels) {
  TablePlan table;
  table.folder = "t/";
  plan_partitions(table, objects({"t/region=eu/2024/a.csv", "t/region=us/2025/a.csv"}));
  EXPECT_EQ(table.keys, (std::vector<std::string>{"region", "partition_1"}));
  EXPECT_EQ(values_of(table), (std::vector<std::vector<std::string>>{{"eu", "2024"}, {"us", "2025"}}));
}

TEST(CrawlerLayout, FilesAtTheRootMakeAnUnpartitionedTable) {
  TablePlan table;
  table.folder = "raw/scores/";
  plan_partitions(table, objects({"raw/scores/a.csv", "raw/scores/b.csv"}));
  EXPECT_TRUE(table.keys.empty());
  ASSERT_EQ(table.partitions.size(), 1u);
  EXPECT_TRUE(table.partitions[0].values.empty());
  EXPECT_EQ(table.partitions[0].files.size(), 2u);
}

TEST(CrawlerLayout, DifferentFormatsAreDifferentTables) {
  std::map<std::string, Signature> signatures = {
      {"raw/user_events/", {DataFormat::Json, {"user_id", "ts"}}},
      {"raw/scores/", {DataFormat::Csv, {"id", "score"}}}};
  auto tables = plan_tables("lake", "raw/", objects({"raw/user_events/e.json", "raw/scores/s.csv"}), signatures, "");
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].name, "scores");
  EXPECT_EQ(tables[1].name, "user_events");
  EXPECT_TRUE(tables[1].keys.empty());
}

TEST(CrawlerLayout, SimilarFoldersArePartitionsOfOneTable) {
  std::map<std::string, Signature> signatures = {
      {"sales/eu/", {DataFormat::Csv, {"id", "amount", "day"}}},
      {"sales/us/", {DataFormat::Csv, {"id", "amount", "day"}}}};
  auto tables = plan_tables("lake", "sales/", objects({"sales/eu/a.csv", "sales/us/a.csv"}), signatures, "raw_");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "raw_sales");
  EXPECT_EQ(tables[0].keys, (std::vector<std::string>{"partition_0"}));
}

TEST(CrawlerLayout, TheBucketsTopIsNamedAfterTheBucket) {
  auto tables = plan_tables("My-Bucket", "", objects({"a.json"}), {}, "");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "my_bucket");
  EXPECT_EQ(tables[0].folder, "");
}

TEST(CrawlerLayout, TableNames) {
  EXPECT_EQ(table_name("user-events", ""), "user_events");
  EXPECT_EQ(table_name("Sales.2024", "Lake_"), "lake_sales_2024");
}

TEST(CrawlerLayout, HiddenFilesAndExclusions) {
  EXPECT_TRUE(skipped("year=2024/_SUCCESS", {}));
  EXPECT_TRUE(skipped(".hidden/a.json", {}));
  EXPECT_TRUE(skipped("folder/", {}));
  EXPECT_FALSE(skipped("year=2024/part.parquet", {}));
  EXPECT_TRUE(skipped("tmp/x.csv", {"tmp/**"}));
  EXPECT_TRUE(skipped("a/b/c.tmp", {"**.tmp"}));
  EXPECT_FALSE(skipped("a/b/c.csv", {"*.csv"}));  // * stays within one folder name
  EXPECT_TRUE(skipped("c.csv", {"*.csv"}));
  EXPECT_TRUE(skipped("a/c.json", {"a/*.{csv,json}"}));
  EXPECT_TRUE(skipped("a/x1.csv", {"a/x[0-9].csv"}));
  EXPECT_FALSE(skipped("a/xy.csv", {"a/x[0-9].csv"}));
  EXPECT_TRUE(skipped("a/b.csv", {"a/?.csv"}));
}

TEST(CrawlerLayout, S3Paths) {
  auto path = parse_s3_path("s3://bucket/a/b");
  EXPECT_EQ(path.bucket, "bucket");
  EXPECT_EQ(path.prefix, "a/b/");
  EXPECT_EQ(parse_s3_path("s3://bucket").prefix, "");
  EXPECT_THROW(parse_s3_path("bucket/a"), std::invalid_argument);
  EXPECT_THROW(parse_s3_path("s3:///a"), std::invalid_argument);
}

TEST(CrawlerLayout, Similarity) {
  EXPECT_TRUE(similar({DataFormat::Json, {"a", "b", "c"}}, {DataFormat::Json, {"a", "b", "c", "d"}}));
  EXPECT_FALSE(similar({DataFormat::Json, {"a", "b"}}, {DataFormat::Json, {"a", "c", "d"}}));
  EXPECT_FALSE(similar({DataFormat::Json, {"a"}}, {DataFormat::Csv, {"a"}}));
}

}  // namespace
}  // namespace nimbus::glue::crawler
