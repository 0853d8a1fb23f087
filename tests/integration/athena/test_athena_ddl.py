"""Athena's DDL and utility statements over nimbus's own Glue and S3, with Debian's boto3: a
database and a partitioned Parquet table made by DDL over the lake's files, MSCK REPAIR TABLE, the
same rows as the Glue-API-made table, what Glue stores, SHOW / DESCRIBE outputs, ALTER TABLE
partitions, drops, and malformed or unsupported statements failing with Athena's categories."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from lake_helpers import lake, lake_files  # noqa: F401 (fixtures)

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def database_name() -> str:
    return "ddl_" + uuid.uuid4().hex[:10]


def create_purchases(lake, database: str, table: str = "purchases", extra: str = "") -> None:
    for statement in (f"CREATE DATABASE IF NOT EXISTS {database} COMMENT 'made by DDL'",
                      f"""CREATE EXTERNAL TABLE {database}.`{table}` (
                            `user_id` string COMMENT 'the buyer',
                            amount DOUBLE,
                            item STRING)
                          PARTITIONED BY (year INT, month INT)
                          STORED AS PARQUET
                          LOCATION 's3://{lake.bucket}/analytics/purchases/'
                          TBLPROPERTIES ('classification'='parquet'{extra})"""):
        succeeded(lake, statement)


def succeeded(lake, statement: str, **extra) -> dict:
    execution = lake.run(statement, **extra)
    assert execution["Status"]["State"] == "SUCCEEDED", (statement, execution["Status"])
    return execution


def failed(lake, statement: str, **extra) -> dict:
    execution = lake.run(statement, **extra)
    status = execution["Status"]
    assert status["State"] == "FAILED", (statement, status)
    assert status["AthenaError"]["ErrorMessage"] == status["StateChangeReason"]
    return status


def output_text(lake, execution: dict) -> str:
    location = execution["ResultConfiguration"]["OutputLocation"]
    assert location.endswith(f"/{execution['QueryExecutionId']}.txt")
    key = location.split("/", 3)[3]
    return lake.s3.get_object(Bucket=lake.results, Key=key)["Body"].read().decode()


def lines(lake, statement: str, **extra) -> list[str]:
    """The one-column rows of a utility statement (Athena writes no header row for them)."""
    execution = succeeded(lake, statement, **extra)
    assert execution["StatementType"] == "UTILITY"
    rows = lake.rows(execution["QueryExecutionId"])
    assert all(len(row) == 1 for row in rows)
    assert output_text(lake, execution) == "".join(row[0] + "\n" for row in rows)
    return [row[0] for row in rows]


def test_msck_repair_finds_the_hive_folders_and_the_ddl_table_answers_like_the_glue_table(lake):
    database = database_name()
    create_purchases(lake, database)
    repair = succeeded(lake, f"MSCK REPAIR TABLE {database}.purchases")
    assert repair["StatementType"] == "DDL"
    assert output_text(lake, repair) == (
        "Partitions not in metastore:\tpurchases:year=2023/month=12\tpurchases:year=2024/month=1"
        "\tpurchases:year=2024/month=2\n"
        f"Repair: Added partition to metastore {database}.purchases:year=2023/month=12\n"
        f"Repair: Added partition to metastore {database}.purchases:year=2024/month=1\n"
        f"Repair: Added partition to metastore {database}.purchases:year=2024/month=2\n")
    again = succeeded(lake, "MSCK REPAIR TABLE purchases", database=database)
    assert output_text(lake, again) == ""

    query = ("SELECT year, month, COUNT(*), SUM(amount), MIN(user_id), MAX(item) FROM {} "
             "GROUP BY year, month ORDER BY year, month")
    by_ddl = succeeded(lake, query.format(f"{database}.purchases"))
    by_api = succeeded(lake, query.format("analytics.purchases"))
    ddl_rows = lake.rows(by_ddl["QueryExecutionId"])
    assert ddl_rows == lake.rows(by_api["QueryExecutionId"])
    assert [row[:3] for row in ddl_rows[1:]] == [["2023", "12", "500"], ["2024", "1", "500"], ["2024", "2", "500"]]
    pruned = succeeded(lake, f"SELECT user_id, amount FROM {database}.purchases WHERE year = 2024 AND month = 2 "
                             "ORDER BY amount DESC, user_id LIMIT 5")
    same = succeeded(lake, "SELECT user_id, amount FROM analytics.purchases WHERE year = 2024 AND month = 2 "
                           "ORDER BY amount DESC, user_id LIMIT 5")
    assert lake.rows(pruned["QueryExecutionId"]) == lake.rows(same["QueryExecutionId"])


def test_glue_sees_the_table_and_partitions_ddl_created(lake):
    database = database_name()
    create_purchases(lake, database, extra=", 'parquet.compression'='SNAPPY'")
    assert lake.glue.get_database(Name=database)["Database"]["Description"] == "made by DDL"
    table = lake.glue.get_table(DatabaseName=database, Name="purchases")["Table"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert table["Parameters"]["EXTERNAL"] == "TRUE"
    assert table["Parameters"]["classification"] == "parquet"
    assert table["Parameters"]["parquet.compression"] == "SNAPPY"
    assert table["PartitionKeys"] == [{"Name": "year", "Type": "int"}, {"Name": "month", "Type": "int"}]
    sd = table["StorageDescriptor"]
    assert sd["Columns"] == [{"Name": "user_id", "Type": "string", "Comment": "the buyer"},
                             {"Name": "amount", "Type": "double"}, {"Name": "item", "Type": "string"}]
    assert sd["Location"] == f"s3://{lake.bucket}/analytics/purchases/"
    assert sd["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    assert sd["SerdeInfo"] == {"SerializationLibrary": PARQUET_SERDE, "Parameters": {"serialization.format": "1"}}

    succeeded(lake, f"MSCK REPAIR TABLE {database}.purchases")
    partitions = lake.glue.get_partitions(DatabaseName=database, TableName="purchases")["Partitions"]
    assert [p["Values"] for p in partitions] == [["2023", "12"], ["2024", "1"], ["2024", "2"]]
    assert partitions[1]["StorageDescriptor"]["Location"] == f"s3://{lake.bucket}/analytics/purchases/year=2024/month=1"
    assert partitions[1]["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == PARQUET_SERDE
    # And Athena's own catalog view agrees.
    metadata = lake.athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database,
                                              TableName="purchases")["TableMetadata"]
    assert [c["Name"] for c in metadata["Columns"]] == ["user_id", "amount", "item"]


def test_show_and_describe_print_the_catalog_as_athena_does(lake):
    database = database_name()
    create_purchases(lake, database)
    succeeded(lake, f"MSCK REPAIR TABLE {database}.purchases")
    assert lines(lake, f"SHOW DATABASES LIKE '{database}|nothing*'") == [database]
    assert all(name.startswith("ddl_") for name in lines(lake, "SHOW DATABASES LIKE 'DDL_*'"))
    assert database in lines(lake, "SHOW SCHEMAS")
    succeeded(lake, f"CREATE EXTERNAL TABLE {database}.other (a int) LOCATION 's3://{lake.bucket}/other/'")
    assert lines(lake, f"SHOW TABLES IN {database}") == ["other", "purchases"]
    assert lines(lake, "SHOW TABLES 'pur*'", database=database) == ["purchases"]
    assert lines(lake, f"SHOW PARTITIONS {database}.purchases") == [
        "year=2023/month=12", "year=2024/month=1", "year=2024/month=2"]
    assert lines(lake, f"SHOW COLUMNS IN {database}.purchases") == [
        "user_id             ", "amount              ", "item                ", "year                ",
        "month               "]
    describe = succeeded(lake, f"DESCRIBE {database}.purchases")
    page = lake.athena.get_query_results(QueryExecutionId=describe["QueryExecutionId"])
    assert [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == ["col_name"]
    assert [row["Data"][0]["VarCharValue"] for row in page["ResultSet"]["Rows"]] == [
        "user_id             \tstring              \tthe buyer           ",
        "amount              \tdouble              \t                    ",
        "item                \tstring              \t                    ",
        "\t \t ",
        "# Partition Information\t \t ",
        "# col_name            \tdata_type           \tcomment             ",
        "\t \t ",
        "year                \tint                 \t                    ",
        "month               \tint                 \t                    "]
    properties = lines(lake, f"SHOW TBLPROPERTIES {database}.purchases")
    assert "EXTERNAL\tTRUE" in properties and "classification\tparquet" in properties
    assert lines(lake, f"SHOW TBLPROPERTIES {database}.purchases ('classification')") == ["parquet"]
    create = lines(lake, f"SHOW CREATE TABLE {database}.purchases")
    assert create[:5] == ["CREATE EXTERNAL TABLE `purchases`(", "  `user_id` string COMMENT 'the buyer', ",
                          "  `amount` double, ", "  `item` string)", "PARTITIONED BY ( "]
    assert f"  's3://{lake.bucket}/analytics/purchases/'" in create
    assert "  'classification'='parquet', " in create


def test_alter_table_adds_and_drops_partitions(lake):
    database = database_name()
    create_purchases(lake, database)
    add = succeeded(lake, f"ALTER TABLE {database}.purchases ADD PARTITION (year=2024, month=1) "
                          f"PARTITION (year=2023, month='12') LOCATION "
                          f"'s3://{lake.bucket}/analytics/purchases/year=2023/month=12/'")
    assert add["StatementType"] == "DDL"
    partitions = lake.glue.get_partitions(DatabaseName=database, TableName="purchases")["Partitions"]
    assert [(p["Values"], p["StorageDescriptor"]["Location"]) for p in partitions] == [
        (["2023", "12"], f"s3://{lake.bucket}/analytics/purchases/year=2023/month=12/"),
        (["2024", "1"], f"s3://{lake.bucket}/analytics/purchases/year=2024/month=1")]
    counted = succeeded(lake, f"SELECT COUNT(*) FROM {database}.purchases")
    assert lake.rows(counted["QueryExecutionId"])[1] == ["1000"]

    status = failed(lake, f"ALTER TABLE {database}.purchases ADD PARTITION (year=2024, month=1)")
    assert status["AthenaError"]["ErrorType"] == 1003
    assert status["StateChangeReason"].startswith("FAILED: Execution Error") and "AlreadyExistsException" in \
        status["StateChangeReason"]
    succeeded(lake, f"ALTER TABLE {database}.purchases ADD IF NOT EXISTS PARTITION (year=2024, month=1) "
                    "PARTITION (year=2024, month=2)")
    assert lines(lake, f"SHOW PARTITIONS {database}.purchases") == [
        "year=2023/month=12", "year=2024/month=1", "year=2024/month=2"]

    succeeded(lake, f"ALTER TABLE {database}.purchases DROP PARTITION (year=2024, month=1), PARTITION (year=2023)")
    assert lines(lake, f"SHOW PARTITIONS {database}.purchases") == ["year=2024/month=2"]
    missing = failed(lake, f"ALTER TABLE {database}.purchases DROP PARTITION (year=2024, month=1)")
    assert "Partition not found" in missing["StateChangeReason"]
    succeeded(lake, f"ALTER TABLE {database}.purchases DROP IF EXISTS PARTITION (year=2024, month=1)")
    wrong = failed(lake, f"ALTER TABLE {database}.purchases ADD PARTITION (day=1)")
    assert "Non-Partition column" in wrong["StateChangeReason"]


def test_drop_table_and_database_go_through_glue(lake):
    database = database_name()
    create_purchases(lake, database)
    status = failed(lake, f"DROP DATABASE {database}")
    assert "is not empty" in status["StateChangeReason"] and status["AthenaError"]["ErrorType"] == 1003

    drop = succeeded(lake, "DROP TABLE purchases", database=database)
    assert drop["StatementType"] == "DDL"
    with pytest.raises(ClientError) as error:
        lake.glue.get_table(DatabaseName=database, Name="purchases")
    assert error.value.response["Error"]["Code"] == "EntityNotFoundException"
    gone = failed(lake, f"SELECT * FROM {database}.purchases")
    assert gone["StateChangeReason"].startswith("TABLE_NOT_FOUND")
    again = failed(lake, "DROP TABLE purchases", database=database)
    assert again["StateChangeReason"] == "FAILED: SemanticException [Error 10001]: Table not found purchases"
    succeeded(lake, "DROP TABLE IF EXISTS purchases", database=database)
    # The data stays: an external table's objects are not the catalog's.
    assert lake.s3.list_objects_v2(Bucket=lake.bucket, Prefix="analytics/purchases/")["KeyCount"] > 0

    create_purchases(lake, database)
    succeeded(lake, f"DROP SCHEMA {database} CASCADE")
    with pytest.raises(ClientError):
        lake.glue.get_database(Name=database)
    missing = failed(lake, f"DROP DATABASE {database}")
    assert missing["StateChangeReason"] == f"FAILED: SemanticException [Error 10072]: Database does not exist: {database}"
    succeeded(lake, f"DROP DATABASE IF EXISTS {database}")


def test_create_table_with_serde_properties_reads_the_csv(lake):
    database = database_name()
    succeeded(lake, f"CREATE DATABASE {database}")
    succeeded(lake, f"""CREATE EXTERNAL TABLE {database}.scores (id int, name string, score double)
                        ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
                        WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"')
                        LOCATION 's3://{lake.bucket}/raw/scores/'
                        TBLPROPERTIES ('skip.header.line.count'='1')""")
    serde = lake.glue.get_table(DatabaseName=database, Name="scores")["Table"]["StorageDescriptor"]["SerdeInfo"]
    assert serde["Parameters"] == {"separatorChar": ",", "quoteChar": '"', "serialization.format": "1"}
    execution = succeeded(lake, f"SELECT id, name, score FROM {database}.scores ORDER BY id")
    assert lake.rows(execution["QueryExecutionId"])[1:] == [["1", "ann", "9.5"], ["2", "bob", None],
                                                            ["3", "cy, jr", "7.0"]]
    exists = failed(lake, f"CREATE EXTERNAL TABLE {database}.scores (id int) LOCATION 's3://{lake.bucket}/x/'")
    assert "AlreadyExistsException" in exists["StateChangeReason"]
    succeeded(lake, f"CREATE EXTERNAL TABLE IF NOT EXISTS {database}.scores (id int) LOCATION 's3://{lake.bucket}/x/'")
    succeeded(lake, f"DROP DATABASE {database} CASCADE")


@pytest.mark.parametrize("statement,category,error_type,prefix", [
    ("CREATE EXTERNAL TABLE x (a int,) LOCATION 's3://b/x/'", 2, 1000, "FAILED: ParseException line 1:31 "),
    ("CREATE EXTERNAL TABLE x (a notatype) LOCATION 's3://b/x/'", 2, 1000, "FAILED: ParseException"),
    ("CREATE VIEW v AS SELEC 1", 2, 1000, "SYNTAX_ERROR"),
    ("CREATE TABLE t WITH (format = 'AVRO') AS SELECT 1 AS a", 2, 1000, "NOT_SUPPORTED: CTAS with format 'avro'"),
    ("EXPLAIN SELECT 1", 2, 1000, "NOT_SUPPORTED"),
    ("DESCRIBE analytics.no_such_table", 2, 1003,
     "FAILED: SemanticException [Error 10001]: Table not found analytics.no_such_table"),
    ("CREATE EXTERNAL TABLE no_such_db.t (a int) LOCATION 's3://b/t/'", 2, 1003,
     "FAILED: SemanticException [Error 10072]: Database does not exist: no_such_db"),
    ("SHOW TABLES IN no_such_db", 2, 1003, "FAILED: SemanticException [Error 10072]"),
])
def test_malformed_or_unsupported_statements_fail_with_athenas_categories(lake, statement, category, error_type,
                                                                          prefix):
    status = failed(lake, statement)
    assert status["AthenaError"]["ErrorCategory"] == category
    assert status["AthenaError"]["ErrorType"] == error_type
    assert status["StateChangeReason"].startswith(prefix), status
    assert lake.run("SELECT 1")["Status"]["State"] == "SUCCEEDED"


@pytest.mark.slow
def test_aws_cli_creates_a_database_and_lists_its_tables(lake, aws_cli):
    database = database_name()

    def run(statement: str) -> str:
        qid = aws_cli("athena", "start-query-execution", "--query-string", statement,
                      "--result-configuration", f"OutputLocation=s3://{lake.results}/cli/").json["QueryExecutionId"]
        for _ in range(200):
            state = aws_cli("athena", "get-query-execution", "--query-execution-id", qid).json
            if state["QueryExecution"]["Status"]["State"] not in ("QUEUED", "RUNNING"):
                break
        assert state["QueryExecution"]["Status"]["State"] == "SUCCEEDED", state
        return qid

    run(f"CREATE DATABASE {database}")
    run(f"CREATE EXTERNAL TABLE {database}.events (user_id string, ts string) "
        f"ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{lake.bucket}/raw/user_events/'")
    results = aws_cli("athena", "get-query-results", "--query-execution-id", run(f"SHOW TABLES IN {database}")).json
    assert results["ResultSet"]["Rows"] == [{"Data": [{"VarCharValue": "events"}]}]
    count = aws_cli("athena", "get-query-results", "--query-execution-id",
                    run(f"SELECT COUNT(*) FROM {database}.events")).json
    assert count["ResultSet"]["Rows"][1]["Data"] == [{"VarCharValue": str(len(lake.events))}]
    run(f"DROP DATABASE {database} CASCADE")
