"""Athena statements that write, with Debian boto3: CREATE TABLE AS SELECT (Parquet partitioned,
JSON, an external location that must be empty), INSERT INTO (new partitions registered in Glue),
and views (Athena's VIRTUAL_VIEW in Glue, queried, replaced, nested, dropped)."""

from __future__ import annotations

import base64
import json

import pytest

from lake_helpers import lake, lake_files  # noqa: F401 (fixtures)


def count(lake, sql: str) -> int:
    execution = lake.run(sql)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return int(lake.rows(execution["QueryExecutionId"])[1][0])


def test_ctas_writes_partitioned_parquet_registers_partitions_and_reads_back(lake):
    location = f"s3://{lake.bucket}/ctas/by_month/"
    execution = lake.run(
        f"CREATE TABLE analytics.by_month WITH (format = 'PARQUET', external_location = '{location}', "
        f"partitioned_by = ARRAY['year', 'month']) AS "
        f"SELECT user_id, amount, year, month FROM analytics.purchases WHERE year = 2024")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert lake.athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["UpdateCount"] == 1000
    table = lake.glue.get_table(DatabaseName="analytics", Name="by_month")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year", "month"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["user_id", "amount"]
    assert table["StorageDescriptor"]["Location"] == location
    assert "Parquet" in table["StorageDescriptor"]["InputFormat"]
    partitions = lake.glue.get_partitions(DatabaseName="analytics", TableName="by_month")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [["2024", "1"], ["2024", "2"]]
    keys = [o["Key"] for o in lake.s3.list_objects_v2(Bucket=lake.bucket, Prefix="ctas/by_month/")["Contents"]]
    assert any(key.startswith("ctas/by_month/year=2024/month=1/") for key in keys)
    assert count(lake, "SELECT COUNT(*) FROM analytics.by_month WHERE month = 2") == 500


def test_ctas_into_a_location_that_holds_data_fails_and_json_ctas_reads_back(lake):
    taken = lake.run(f"CREATE TABLE analytics.taken WITH (external_location = "
                     f"'s3://{lake.bucket}/analytics/purchases/') AS SELECT 1 AS x")
    assert taken["Status"]["State"] == "FAILED"
    assert taken["Status"]["StateChangeReason"].startswith("HIVE_PATH_ALREADY_EXISTS")
    execution = lake.run("CREATE TABLE raw_database.buyers WITH (format = 'JSON') AS "
                         "SELECT DISTINCT user_id FROM raw_database.user_events WHERE event_type = 'purchase'")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    table = lake.glue.get_table(DatabaseName="raw_database", Name="buyers")["Table"]
    assert table["StorageDescriptor"]["Location"].startswith(f"s3://{lake.results}/out/tables/")
    expected = len({e["user_id"] for e in lake.events if e["event_type"] == "purchase"})
    assert count(lake, "SELECT COUNT(*) FROM raw_database.buyers") == expected
    again = lake.run("CREATE TABLE raw_database.buyers AS SELECT 1 AS x")
    assert again["Status"]["State"] == "FAILED" and "already exists" in again["Status"]["StateChangeReason"]
    assert lake.run("CREATE TABLE IF NOT EXISTS raw_database.buyers AS SELECT 1 AS x")["Status"]["State"] == "SUCCEEDED"


def test_insert_into_adds_rows_and_new_partitions(lake):
    location = f"s3://{lake.bucket}/ctas/monthly/"
    created = lake.run(f"CREATE TABLE analytics.monthly WITH (external_location = '{location}', "
                       f"partitioned_by = ARRAY['month']) AS "
                       f"SELECT user_id, amount, month FROM analytics.purchases WHERE year = 2024 AND month = 1")
    assert created["Status"]["State"] == "SUCCEEDED", created["Status"]
    inserted = lake.run("INSERT INTO analytics.monthly SELECT user_id, amount, month FROM analytics.purchases "
                        "WHERE year = 2023")
    assert inserted["Status"]["State"] == "SUCCEEDED", inserted["Status"]
    assert inserted["StatementType"] == "DML"
    assert lake.athena.get_query_results(QueryExecutionId=inserted["QueryExecutionId"])["UpdateCount"] == 500
    values = sorted(p["Values"] for p in lake.glue.get_partitions(DatabaseName="analytics",
                                                                  TableName="monthly")["Partitions"])
    assert values == [["1"], ["12"]]
    assert count(lake, "SELECT COUNT(*) FROM analytics.monthly") == 1000
    columns = lake.run("INSERT INTO analytics.monthly (month, user_id) VALUES (3, 'someone')")
    assert columns["Status"]["State"] == "SUCCEEDED", columns["Status"]
    assert count(lake, "SELECT COUNT(*) FROM analytics.monthly WHERE month = 3 AND amount IS NULL") == 1
    missing = lake.run("INSERT INTO analytics.nowhere SELECT 1")
    assert missing["Status"]["State"] == "FAILED"
    assert missing["Status"]["StateChangeReason"].startswith("TABLE_NOT_FOUND")


def test_views_are_stored_as_athena_does_and_query_through(lake):
    created = lake.run("CREATE VIEW spenders AS SELECT user_id, SUM(amount) AS total FROM purchases "
                       "WHERE year = 2024 GROUP BY user_id", database="analytics")
    assert created["Status"]["State"] == "SUCCEEDED", created["Status"]
    table = lake.glue.get_table(DatabaseName="analytics", Name="spenders")["Table"]
    assert table["TableType"] == "VIRTUAL_VIEW"
    text = table["ViewOriginalText"]
    assert text.startswith("/* Presto View: ") and text.endswith(" */")
    view = json.loads(base64.b64decode(text[len("/* Presto View: "):-3]))
    assert view["catalog"] == "awsdatacatalog" and view["schema"] == "analytics"
    assert [c["name"] for c in view["columns"]] == ["user_id", "total"]

    top = lake.run("SELECT user_id FROM analytics.spenders ORDER BY total DESC, user_id LIMIT 3")
    assert top["Status"]["State"] == "SUCCEEDED", top["Status"]
    expected = lake.run("SELECT user_id FROM analytics.purchases WHERE year = 2024 GROUP BY user_id "
                        "ORDER BY SUM(amount) DESC, user_id LIMIT 3")
    assert lake.rows(top["QueryExecutionId"]) == lake.rows(expected["QueryExecutionId"])

    nested = lake.run("CREATE VIEW analytics.big_spenders AS SELECT * FROM spenders WHERE total > 0",
                      database="analytics")
    assert nested["Status"]["State"] == "SUCCEEDED", nested["Status"]
    assert count(lake, "SELECT COUNT(*) FROM analytics.big_spenders") > 0

    exists = lake.run("CREATE VIEW analytics.spenders AS SELECT 1 AS x")
    assert exists["Status"]["State"] == "FAILED" and "already exists" in exists["Status"]["StateChangeReason"]
    replaced = lake.run("CREATE OR REPLACE VIEW analytics.spenders AS SELECT 'one' AS user_id, 1.0 AS total")
    assert replaced["Status"]["State"] == "SUCCEEDED", replaced["Status"]
    assert count(lake, "SELECT COUNT(*) FROM analytics.spenders") == 1

    assert lake.run("DROP VIEW analytics.big_spenders")["Status"]["State"] == "SUCCEEDED"
    assert lake.run("DROP VIEW IF EXISTS analytics.big_spenders")["Status"]["State"] == "SUCCEEDED"
    gone = lake.run("DROP VIEW analytics.big_spenders")
    assert gone["Status"]["State"] == "FAILED" and "does not exist" in gone["Status"]["StateChangeReason"]
    table_not_view = lake.run("DROP VIEW analytics.purchases")
    assert table_not_view["Status"]["State"] == "FAILED"


@pytest.mark.parametrize("statement", [
    "CREATE TABLE analytics.bad WITH (format = 'ORC') AS SELECT 1 AS x",
    "CREATE TABLE analytics.bad WITH (partitioned_by = ARRAY['x']) AS SELECT 1 AS x, 2 AS y",
    "CREATE VIEW analytics.bad AS SELEC 1",
    "INSERT INTO analytics.purchases (nope",
])
def test_malformed_writes_fail_without_changing_the_catalog(lake, statement):
    execution = lake.run(statement)
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2
    names = [t["Name"] for t in lake.glue.get_tables(DatabaseName="analytics")["TableList"]]
    assert "bad" not in names
