#include "services/athena/hive_ddl.h"

#include <gtest/gtest.h>

#include "services/athena/hive_ddl_glue.h"

namespace nimbus::athena {
namespace {

using Json = nlohmann::json;

// The DdlError a statement fails with (its category, type and message).
DdlError error_of(std::string_view sql) {
  try {
    parse_hive_ddl(sql);
  } catch (const DdlError& error) {
    return error;
  }
  ADD_FAILURE() << "parsed: " << sql;
  return DdlError(0, 0, "");
}

TEST(HiveDdl, CreateDatabaseWithCommentLocationAndProperties) {
  auto s = parse_hive_ddl(
      "CREATE SCHEMA IF NOT EXISTS `Sales` COMMENT 'the sales' LOCATION 's3://b/sales/' "
      "WITH DBPROPERTIES ('creator'='ann', 'team'='x');");
  EXPECT_EQ(s.kind, HiveStatementKind::CreateDatabase);
  EXPECT_TRUE(s.if_exists);
  EXPECT_EQ(s.database, "sales");
  EXPECT_EQ(s.comment, "the sales");
  EXPECT_EQ(s.location, "s3://b/sales/");
  ASSERT_EQ(s.properties.size(), 2u);
  EXPECT_EQ(s.properties[1], (std::pair<std::string, std::string>{"team", "x"}));
  Json input = database_input(s);
  EXPECT_EQ(input["Name"], "sales");
  EXPECT_EQ(input["Description"], "the sales");
  EXPECT_EQ(input["LocationUri"], "s3://b/sales/");
  EXPECT_EQ(input["Parameters"]["creator"], "ann");
}

TEST(HiveDdl, DropDatabaseIfExistsCascade) {
  auto s = parse_hive_ddl("drop database if exists sales cascade");
  EXPECT_EQ(s.kind, HiveStatementKind::DropDatabase);
  EXPECT_TRUE(s.if_exists);
  EXPECT_TRUE(s.cascade);
  EXPECT_EQ(s.database, "sales");
  EXPECT_FALSE(parse_hive_ddl("DROP SCHEMA sales RESTRICT").cascade);
}

TEST(HiveDdl, CreateExternalParquetTableAsAthenaStoresItInGlue) {
  auto s = parse_hive_ddl(R"(
    CREATE EXTERNAL TABLE IF NOT EXISTS analytics.`Purchases` (
      `user_id` STRING COMMENT 'who',
      amount DOUBLE,
      tags ARRAY< STRING >,
      attrs MAP<string, int>,
      address STRUCT<Street: string, zip: INT>,
      price DECIMAL(10, 2),
      total decimal
    )
    COMMENT 'purchases'
    PARTITIONED BY (year INT, month int)
    STORED AS PARQUET
    LOCATION 's3://lake/analytics/purchases/'
    TBLPROPERTIES ('parquet.compression'='SNAPPY', 'classification'='parquet'))");
  EXPECT_EQ(s.kind, HiveStatementKind::CreateTable);
  EXPECT_EQ(s.database, "analytics");
  EXPECT_EQ(s.table, "purchases");
  ASSERT_EQ(s.columns.size(), 7u);
  EXPECT_EQ(s.columns[0].comment, "who");
  EXPECT_EQ(s.columns[2].type, "array<string>");
  EXPECT_EQ(s.columns[3].type, "map<string,int>");
  EXPECT_EQ(s.columns[4].type, "struct<street:string,zip:int>");
  EXPECT_EQ(s.columns[5].type, "decimal(10,2)");
  EXPECT_EQ(s.columns[6].type, "decimal(10,0)");

  Json input = table_input(s, 1700000000);
  EXPECT_EQ(input["Name"], "purchases");
  EXPECT_EQ(input["TableType"], "EXTERNAL_TABLE");
  EXPECT_EQ(input["Parameters"]["EXTERNAL"], "TRUE");
  EXPECT_EQ(input["Parameters"]["classification"], "parquet");
  EXPECT_EQ(input["Parameters"]["parquet.compression"], "SNAPPY");
  EXPECT_EQ(input["Parameters"]["comment"], "purchases");
  EXPECT_EQ(input["Parameters"]["transient_lastDdlTime"], "1700000000");
  EXPECT_EQ(input["PartitionKeys"], Json::parse(R"([{"Name":"year","Type":"int"},{"Name":"month","Type":"int"}])"));
  const Json& sd = input["StorageDescriptor"];
  EXPECT_EQ(sd["Location"], "s3://lake/analytics/purchases/");
  EXPECT_EQ(sd["InputFormat"], "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat");
  EXPECT_EQ(sd["OutputFormat"], "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");
  EXPECT_EQ(sd["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"], Json::parse(R"({"serialization.format":"1"})"));
  EXPECT_EQ(sd["Columns"][0], Json::parse(R"({"Name":"user_id","Type":"string","Comment":"who"})"));
}

TEST(HiveDdl, RowFormatDelimitedIsLazySimpleSerDeWithItsDelimiters) {
  auto s = parse_hive_ddl(
      "CREATE EXTERNAL TABLE t (a int, b string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' "
      "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' LOCATION 's3://b/t/'");
  Json sd = table_input(s, 0)["StorageDescriptor"];
  EXPECT_EQ(sd["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["field.delim"], "\t");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["serialization.format"], "\t");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["escape.delim"], "\\");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["line.delim"], "\n");
  EXPECT_EQ(sd["InputFormat"], "org.apache.hadoop.mapred.TextInputFormat");
  EXPECT_EQ(sd["OutputFormat"], "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
}

TEST(HiveDdl, RowFormatSerdeWithPropertiesAndExplicitFormats) {
  auto s = parse_hive_ddl(
      "CREATE EXTERNAL TABLE t (a string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' "
      "WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '\"') "
      "STORED AS INPUTFORMAT 'in.Format' OUTPUTFORMAT 'out.Format' LOCATION 's3://b/t'");
  Json sd = table_input(s, 0)["StorageDescriptor"];
  EXPECT_EQ(sd["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.serde2.OpenCSVSerde");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["separatorChar"], ",");
  EXPECT_EQ(sd["SerdeInfo"]["Parameters"]["quoteChar"], "\"");
  EXPECT_EQ(sd["InputFormat"], "in.Format");
  EXPECT_EQ(sd["OutputFormat"], "out.Format");
  // No ROW FORMAT, no STORED AS: a text file of LazySimpleSerDe.
  Json plain =
      table_input(parse_hive_ddl("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t'"), 0)["StorageDescriptor"];
  EXPECT_EQ(plain["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
  EXPECT_EQ(plain["InputFormat"], "org.apache.hadoop.mapred.TextInputFormat");
  Json orc = table_input(parse_hive_ddl("CREATE EXTERNAL TABLE t (a int) STORED AS ORC LOCATION 's3://b/t'"), 0);
  EXPECT_EQ(orc["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"], "org.apache.hadoop.hive.ql.io.orc.OrcSerde");
}

TEST(HiveDdl, DropTableAndRepair) {
  auto drop = parse_hive_ddl("DROP TABLE IF EXISTS db.t PURGE");
  EXPECT_EQ(drop.kind, HiveStatementKind::DropTable);
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.database, "db");
  EXPECT_EQ(drop.table, "t");
  auto repair = parse_hive_ddl("-- refresh\nMSCK REPAIR TABLE `purchases`;");
  EXPECT_EQ(repair.kind, HiveStatementKind::RepairTable);
  EXPECT_EQ(repair.table, "purchases");
  EXPECT_EQ(repair.database, "");
}

TEST(HiveDdl, AlterTableAddAndDropPartitions) {
  auto add = parse_hive_ddl(
      "ALTER TABLE purchases ADD IF NOT EXISTS PARTITION (year=2024, month='1') "
      "LOCATION 's3://b/p/2024/1/' PARTITION (year = 2024, month = 2)");
  EXPECT_EQ(add.kind, HiveStatementKind::AddPartitions);
  EXPECT_TRUE(add.if_exists);
  ASSERT_EQ(add.partitions.size(), 2u);
  EXPECT_EQ(add.partitions[0].values, (Properties{{"year", "2024"}, {"month", "1"}}));
  EXPECT_EQ(add.partitions[0].location, "s3://b/p/2024/1/");
  EXPECT_FALSE(add.partitions[1].location);
  auto drop = parse_hive_ddl("ALTER TABLE purchases DROP PARTITION (year=2024, month=1), PARTITION (year=2023)");
  EXPECT_EQ(drop.kind, HiveStatementKind::DropPartitions);
  EXPECT_FALSE(drop.if_exists);
  ASSERT_EQ(drop.partitions.size(), 2u);
  EXPECT_EQ(drop.partitions[1].values, (Properties{{"year", "2023"}}));
}

TEST(HiveDdl, ShowAndDescribeForms) {
  auto databases = parse_hive_ddl("SHOW DATABASES LIKE 'ana*'");
  EXPECT_EQ(databases.kind, HiveStatementKind::ShowDatabases);
  EXPECT_EQ(databases.pattern, "ana*");
  auto tables = parse_hive_ddl("SHOW TABLES IN analytics 'pur*|x'");
  EXPECT_EQ(tables.kind, HiveStatementKind::ShowTables);
  EXPECT_EQ(tables.database, "analytics");
  EXPECT_EQ(tables.pattern, "pur*|x");
  EXPECT_EQ(parse_hive_ddl("SHOW PARTITIONS analytics.purchases").kind, HiveStatementKind::ShowPartitions);
  auto columns = parse_hive_ddl("SHOW COLUMNS FROM purchases IN analytics");
  EXPECT_EQ(columns.kind, HiveStatementKind::ShowColumns);
  EXPECT_EQ(columns.database, "analytics");
  EXPECT_EQ(parse_hive_ddl("SHOW CREATE TABLE purchases").kind, HiveStatementKind::ShowCreateTable);
  auto properties = parse_hive_ddl("SHOW TBLPROPERTIES purchases ('classification')");
  EXPECT_EQ(properties.kind, HiveStatementKind::ShowTblProperties);
  EXPECT_EQ(properties.property, "classification");
  EXPECT_EQ(parse_hive_ddl("DESCRIBE analytics.purchases").kind, HiveStatementKind::Describe);
  EXPECT_EQ(parse_hive_ddl("desc `purchases`").table, "purchases");
}

TEST(HiveDdl, SyntaxErrorsNameTheirPlaceAsHiveDoes) {
  auto error = error_of("CREATE EXTERNAL TABLE t (a int,) LOCATION 's3://b/t'");
  EXPECT_EQ(error.category(), 2);
  EXPECT_EQ(error.type(), 1000);
  EXPECT_EQ(std::string(error.what()),
            "FAILED: ParseException line 1:31 cannot recognize input near ')' 'LOCATION' ''s3://b/t'' in column "
            "specification");
  EXPECT_EQ(error_of("CREATE EXTERNAL TABLE t (a nosuchtype) LOCATION 's3://b/t'").type(), 1000);
  EXPECT_EQ(error_of("SHOW TABLES IN").type(), 1000);
  EXPECT_EQ(error_of("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/t").type(), 1000);  // unterminated
  EXPECT_EQ(error_of("CREATE DATABASE x extra").type(), 1000);
}

TEST(HiveDdl, SemanticErrorsAreDdlFailures) {
  auto duplicate = error_of("CREATE EXTERNAL TABLE t (a int, A string) LOCATION 's3://b/t'");
  EXPECT_EQ(duplicate.type(), 1003);
  EXPECT_EQ(std::string(duplicate.what()), "FAILED: SemanticException [Error 10036]: Duplicate column name: a");
  EXPECT_EQ(std::string(error_of("CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (a int) LOCATION 's3://b/t'").what()),
            "FAILED: SemanticException [Error 10035]: Column repeated in partitioning columns");
  EXPECT_EQ(error_of("CREATE TABLE t (a int) LOCATION 's3://b/t'").type(), 1003);
}

TEST(HiveDdl, StatementsNotRunYetAreNamed) {
  for (const char* sql : {"CREATE VIEW v AS SELECT 1", "CREATE OR REPLACE VIEW v AS SELECT 1",
                          "CREATE TABLE t WITH (format='PARQUET') AS SELECT 1", "CREATE TABLE t AS SELECT 1",
                          "DROP VIEW v", "ALTER TABLE t RENAME TO u", "SHOW VIEWS", "EXPLAIN SELECT 1",
                          "DESCRIBE FORMATTED t", "INSERT INTO t VALUES (1)", "MSCK TABLE t"}) {
    auto error = error_of(sql);
    EXPECT_EQ(error.category(), 2) << sql;
    EXPECT_EQ(error.type(), 1000) << sql;
    EXPECT_TRUE(std::string(error.what()).starts_with("NOT_SUPPORTED: nimbus does not run ")) << error.what();
  }
  EXPECT_EQ(std::string(error_of("CREATE VIEW v AS SELECT 1").what()),
            "NOT_SUPPORTED: nimbus does not run CREATE VIEW statements yet");
  EXPECT_EQ(std::string(error_of("CREATE TABLE t AS SELECT 1").what()),
            "NOT_SUPPORTED: nimbus does not run CREATE TABLE AS SELECT statements yet");
}

TEST(HiveDdl, PatternsAreHiveGlobsWithAlternatives) {
  EXPECT_TRUE(hive_pattern_match("pur*", "purchases"));
  EXPECT_TRUE(hive_pattern_match("x|PUR*", "purchases"));
  EXPECT_TRUE(hive_pattern_match("purchase.", "purchases"));
  EXPECT_FALSE(hive_pattern_match("pur", "purchases"));
  EXPECT_TRUE(hive_pattern_match("*", ""));
  EXPECT_FALSE(hive_pattern_match("a*b*c*d*e*f*g", std::string(5000, 'a')));
}

TEST(HiveDdl, PartitionNamesAndFoldersUseHivesEscapes) {
  Json keys = Json::parse(R"([{"Name":"year","Type":"int"},{"Name":"city","Type":"string"}])");
  EXPECT_EQ(partition_name(keys, {"2024", "a/b:c"}), "year=2024/city=a%2Fb%3Ac");
  EXPECT_EQ(partition_values_from_key(keys, "year=2024/city=a%2Fb/part-0.parquet"),
            (std::vector<std::string>{"2024", "a/b"}));
  EXPECT_EQ(partition_values_from_key(keys, "YEAR=2024/city=x/"), (std::vector<std::string>{"2024", "x"}));
  EXPECT_FALSE(partition_values_from_key(keys, "year=2024/part-0.parquet"));
  EXPECT_FALSE(partition_values_from_key(keys, "year=2024/town=x/f"));
  EXPECT_FALSE(partition_values_from_key(keys, "_tmp/year=2024/city=x/f"));
  EXPECT_EQ(partition_location("s3://b/t/", "year=2024"), "s3://b/t/year=2024");
}

TEST(HiveDdl, DescribeAndShowCreateTablePrintAsHive) {
  auto s = parse_hive_ddl(
      "CREATE EXTERNAL TABLE purchases (user_id string COMMENT 'who', amount double) "
      "PARTITIONED BY (year int) STORED AS PARQUET LOCATION 's3://lake/p/' "
      "TBLPROPERTIES ('classification'='parquet')");
  Json table = table_input(s, 1700000000);
  auto lines = describe_lines(table);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "user_id             \tstring              \twho                 ");
  EXPECT_EQ(lines[1], "amount              \tdouble              \t                    ");
  EXPECT_EQ(lines[2], "\t \t ");
  EXPECT_EQ(lines[3], "# Partition Information\t \t ");
  EXPECT_EQ(lines[4], "# col_name            \tdata_type           \tcomment             ");
  EXPECT_EQ(lines[6], "year                \tint                 \t                    ");
  EXPECT_EQ(show_columns_rows(table),
            (std::vector<std::string>{"user_id             ", "amount              ", "year                "}));
  std::vector<std::string> expected = {"CREATE EXTERNAL TABLE `purchases`(",
                                       "  `user_id` string COMMENT 'who', ",
                                       "  `amount` double)",
                                       "PARTITIONED BY ( ",
                                       "  `year` int)",
                                       "ROW FORMAT SERDE ",
                                       "  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' ",
                                       "STORED AS INPUTFORMAT ",
                                       "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' ",
                                       "OUTPUTFORMAT ",
                                       "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'",
                                       "LOCATION",
                                       "  's3://lake/p/'",
                                       "TBLPROPERTIES (",
                                       "  'classification'='parquet', ",
                                       "  'transient_lastDdlTime'='1700000000')"};
  EXPECT_EQ(show_create_table_lines(table), expected);
}

TEST(HiveDdl, StringEscapesAreHives) {
  auto s = parse_hive_ddl(
      "CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\001' "
      "LOCATION \"s3://b/t\"");
  EXPECT_EQ(s.storage.delimiters.at(0).second, std::string(1, '\x01'));
  EXPECT_EQ(s.location, "s3://b/t");
  EXPECT_EQ(normalize_hive_type("ARRAY<STRUCT<`A b`: VARCHAR(10)>>"), "array<struct<a b:varchar(10)>>");
  EXPECT_THROW(normalize_hive_type("array<int"), DdlError);
  EXPECT_THROW(normalize_hive_type("int int"), DdlError);
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "array<";
  EXPECT_THROW(normalize_hive_type(deep + "int"), DdlError);
}

}  // namespace
}  // namespace nimbus::athena
