// The crawler's classification and type naming: DuckDB's types as the Hive types Glue's crawler
// writes per format, formats from keys and first bytes, compression, CSV column names; and the
// inference itself over small files with DuckDB.
#include "services/glue/crawler_schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sql/duckdb_session.h"

namespace nimbus::glue::crawler {
namespace {

TEST(CrawlerSchema, ParquetTypesKeepTheirWidth) {
  EXPECT_EQ(glue_type("INTEGER", DataFormat::Parquet), "int");
  EXPECT_EQ(glue_type("BIGINT", DataFormat::Parquet), "bigint");
  EXPECT_EQ(glue_type("SMALLINT", DataFormat::Parquet), "smallint");
  EXPECT_EQ(glue_type("DOUBLE", DataFormat::Parquet), "double");
  EXPECT_EQ(glue_type("FLOAT", DataFormat::Parquet), "float");
  EXPECT_EQ(glue_type("VARCHAR", DataFormat::Parquet), "string");
  EXPECT_EQ(glue_type("BOOLEAN", DataFormat::Parquet), "boolean");
  EXPECT_EQ(glue_type("DATE", DataFormat::Parquet), "date");
  EXPECT_EQ(glue_type("TIMESTAMP", DataFormat::Parquet), "timestamp");
  EXPECT_EQ(glue_type("TIMESTAMP WITH TIME ZONE", DataFormat::Parquet), "timestamp");
  EXPECT_EQ(glue_type("DECIMAL(10,2)", DataFormat::Parquet), "decimal(10,2)");
  EXPECT_EQ(glue_type("BLOB", DataFormat::Parquet), "binary");
  EXPECT_EQ(glue_type("UUID", DataFormat::Parquet), "string");
}

TEST(CrawlerSchema, NestedTypes) {
  EXPECT_EQ(glue_type("VARCHAR[]", DataFormat::Json), "array<string>");
  EXPECT_EQ(glue_type("BIGINT[][]", DataFormat::Json), "array<array<bigint>>");
  EXPECT_EQ(glue_type("INTEGER[3]", DataFormat::Parquet), "array<int>");
  EXPECT_EQ(glue_type("STRUCT(x BIGINT, y VARCHAR)", DataFormat::Json), "struct<x:bigint,y:string>");
  EXPECT_EQ(glue_type("STRUCT(\"My Field\" DOUBLE, inner STRUCT(a BOOLEAN[]))", DataFormat::Json),
            "struct<my field:double,inner:struct<a:array<boolean>>>");
  EXPECT_EQ(glue_type("MAP(VARCHAR, INTEGER)", DataFormat::Parquet), "map<string,int>");
  EXPECT_EQ(glue_type("STRUCT(k VARCHAR, n INTEGER)[]", DataFormat::Parquet), "array<struct<k:string,n:int>>");
}

TEST(CrawlerSchema, TextFormatsWidenNumbersAndJsonKeepsDatesAsStrings) {
  EXPECT_EQ(glue_type("INTEGER", DataFormat::Csv), "bigint");
  EXPECT_EQ(glue_type("DECIMAL(4,1)", DataFormat::Json), "double");
  EXPECT_EQ(glue_type("TIMESTAMP", DataFormat::Json), "string");
  EXPECT_EQ(glue_type("DATE", DataFormat::Json), "string");
  EXPECT_EQ(glue_type("DATE", DataFormat::Csv), "date");
  EXPECT_EQ(glue_type("TIMESTAMP", DataFormat::Csv), "timestamp");
  EXPECT_EQ(glue_type("JSON", DataFormat::Json), "string");
  EXPECT_EQ(glue_type("TIME", DataFormat::Csv), "string");
}

TEST(CrawlerSchema, FormatFromKeyThenContent) {
  EXPECT_EQ(detect_format("a/b/part-0.parquet", ""), DataFormat::Parquet);
  EXPECT_EQ(detect_format("a/events.json.gz", ""), DataFormat::Json);
  EXPECT_EQ(detect_format("a/events.jsonl", ""), DataFormat::Json);
  EXPECT_EQ(detect_format("a/scores.csv", "{"), DataFormat::Csv);
  EXPECT_EQ(detect_format("a/blob", "PAR1\x15"), DataFormat::Parquet);
  EXPECT_EQ(detect_format("a/blob", "  \n{\"a\": 1}"), DataFormat::Json);
  EXPECT_EQ(detect_format("a.b/blob", "id,name\n1,x"), DataFormat::Csv);
  EXPECT_EQ(compression_type("x.json.gz"), "gzip");
  EXPECT_EQ(compression_type("x.csv.bz2"), "bzip2");
  EXPECT_EQ(compression_type("x.parquet"), "none");
  EXPECT_EQ(classification(DataFormat::Parquet), "parquet");
}

TEST(CrawlerSchema, ColumnNames) {
  EXPECT_EQ(column_name("UserId", false), "userid");
  EXPECT_EQ(column_name("column0", true), "col0");
  EXPECT_EQ(column_name("column12", true), "col12");
  EXPECT_EQ(column_name("column0", false), "column0");
}

class CrawlerInference : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("crawler-schema-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  SampleFile write(const std::string& name, const std::string& body) {
    auto path = dir_ / name;
    std::ofstream(path) << body;
    return {path.string(), static_cast<int64_t>(body.size())};
  }
  std::filesystem::path dir_;
};

TEST_F(CrawlerInference, JsonLinesNarrowSmallIntegersToInt) {
  sql::DuckDbSession session({"256MB", 1, {}});
  auto file = write("e.json", "{\"a\": 1, \"b\": 5000000000, \"c\": \"x\", \"d\": [1]}\n{\"a\": 2, \"b\": 1, \"c\": null}\n");
  auto schema = infer_schema(session, DataFormat::Json, {file});
  ASSERT_EQ(schema.columns.size(), 4u);
  EXPECT_EQ(schema.columns[0].type, "int");
  EXPECT_EQ(schema.columns[1].type, "bigint");
  EXPECT_EQ(schema.columns[2].type, "string");
  EXPECT_EQ(schema.columns[3].type, "array<bigint>");
  EXPECT_EQ(schema.sample_records, 2);
}

TEST_F(CrawlerInference, CsvHeaderAndDelimiter) {
  sql::DuckDbSession session({"256MB", 1, {}});
  auto with_header = infer_schema(session, DataFormat::Csv, {write("s.csv", "ID|name\n1|ann\n2|bob\n")});
  EXPECT_TRUE(with_header.header);
  EXPECT_EQ(with_header.delimiter, "|");
  ASSERT_EQ(with_header.columns.size(), 2u);
  EXPECT_EQ(with_header.columns[0].name, "id");
  EXPECT_EQ(with_header.columns[0].type, "bigint");
  EXPECT_EQ(with_header.sample_records, 2);
  auto without = infer_schema(session, DataFormat::Csv, {write("n.csv", "1,ann\n2,bob\n")});
  EXPECT_FALSE(without.header);
  ASSERT_EQ(without.columns.size(), 2u);
  EXPECT_EQ(without.columns[1].name, "col1");
}

}  // namespace
}  // namespace nimbus::glue::crawler
