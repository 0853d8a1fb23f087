#include "services/athena/table_source.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace nimbus::athena {
namespace {

TEST(TableSource, HiveTypesBecomeDuckDbTypes) {
  EXPECT_EQ(duckdb_type("string"), "VARCHAR");
  EXPECT_EQ(duckdb_type("decimal(10, 2)"), "DECIMAL(10,2)");
  EXPECT_EQ(duckdb_type("array<struct<a:int,B:map<string,bigint>>>"), "STRUCT(\"a\" INTEGER, \"b\" MAP(VARCHAR, BIGINT))[]");
  EXPECT_EQ(duckdb_type("varchar(20)"), "VARCHAR");
  for (const char* bad : {"", "array<int", "decimal(99,1)", "struct<a>", "int>", "uniontype<int>"}) {
    EXPECT_THROW(duckdb_type(bad), UnsupportedTable) << bad;
  }
}

TEST(TableSource, FormatComesFromSerDeInputFormatOrClassification) {
  Json parquet = {{"StorageDescriptor", {{"SerdeInfo", {{"SerializationLibrary", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}}}}};
  EXPECT_EQ(table_format(parquet), "parquet");
  EXPECT_EQ(table_format(Json{{"Parameters", {{"classification", "json"}}}}), "json");
  Json csv = {{"StorageDescriptor", {{"SerdeInfo", {{"SerializationLibrary", "org.apache.hadoop.hive.serde2.OpenCSVSerde"}}}}}};
  EXPECT_EQ(table_format(csv), "csv");
  Json orc = {{"StorageDescriptor", {{"SerdeInfo", {{"SerializationLibrary", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"}}}}}};
  EXPECT_THROW(table_format(orc), UnsupportedTable);
}

TEST(TableSource, PartitionedFilesAreLinkedInAHiveTreeWithTypedKeys) {
  auto root = std::filesystem::temp_directory_path() / ("athena-tree-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  Json table = {{"Parameters", {{"classification", "parquet"}}},
                {"PartitionKeys", {{{"Name", "Year"}, {"Type", "int"}}, {{"Name", "tag"}, {"Type", "string"}}}},
                {"StorageDescriptor", {{"Columns", {{{"Name", "a"}, {"Type", "bigint"}}}}}}};
  std::vector<PartitionData> partitions = {{{"2024", "a/b"}, {{"x.parquet", "/data/objects/ab/1", std::nullopt}}}};
  auto sql = create_table_view(table, partitions, root, "\"db\".\"t\"");
  auto link = root / "year=2024" / "tag=a%2Fb" / "0-x.parquet";
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(std::filesystem::read_symlink(link), "/data/objects/ab/1");
  EXPECT_NE(sql.find("hive_types = {'year': 'INTEGER', 'tag': 'VARCHAR'}"), std::string::npos) << sql;
  EXPECT_NE(sql.find("CAST(\"a\" AS BIGINT) AS \"a\""), std::string::npos) << sql;
  std::filesystem::remove_all(root);
}

TEST(TableSource, ATableWithoutFilesIsAnEmptyTypedView) {
  Json table = {{"StorageDescriptor", {{"Columns", {{{"Name", "a"}, {"Type", "int"}}}}}}};
  auto sql = create_table_view(table, {PartitionData{}}, "/nonexistent", "v");
  EXPECT_EQ(sql, "CREATE VIEW v AS SELECT CAST(NULL AS INTEGER) AS \"a\" WHERE false");
}

}  // namespace
}  // namespace nimbus::athena
