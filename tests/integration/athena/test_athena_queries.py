"""Athena over nimbus's own S3 and Glue, with Debian's boto3: the seed's top-spenders query over
Hive-partitioned Parquet matching DuckDB run directly on the same files, partition pruning seen in
DataScannedInBytes, JSON and CSV tables, result paging and the CSV at the output location, and
failed queries with Athena's error categories."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from lake_helpers import lake, lake_files  # noqa: F401 (fixtures)

TOP_SPENDERS = """
SELECT
  user_id,
  COUNT(*) as purchase_count,
  SUM(amount) as total_spent
FROM analytics.purchases
WHERE year = 2024 AND month = 1
GROUP BY user_id
ORDER BY total_spent DESC
LIMIT 100
"""


def test_seed_top_spenders_query_matches_duckdb_on_the_same_files(lake):
    execution = lake.run(TOP_SPENDERS)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert execution["StatementType"] == "DML"
    rows = lake.rows(execution["QueryExecutionId"])
    assert rows[0] == ["user_id", "purchase_count", "total_spent"]
    path = lake.purchase_files[(2024, 1)]
    expected = lake.duck.query(
        f"SELECT user_id, COUNT(*), SUM(amount) FROM read_parquet('{path}') "
        f"GROUP BY user_id ORDER BY SUM(amount) DESC LIMIT 100")
    assert [row[0] for row in rows[1:]] == [row[0] for row in expected]
    assert [row[1] for row in rows[1:]] == [row[1] for row in expected]
    assert [float(row[2]) for row in rows[1:]] == pytest.approx([float(row[2]) for row in expected])


def test_results_are_written_to_the_output_location_as_csv(lake):
    execution = lake.run("SELECT user_id, amount FROM analytics.purchases WHERE year = 2024 AND month = 2 "
                         "ORDER BY amount DESC, user_id LIMIT 3")
    location = execution["ResultConfiguration"]["OutputLocation"]
    assert location == f"s3://{lake.results}/out/{execution['QueryExecutionId']}.csv"
    body = lake.s3.get_object(Bucket=lake.results, Key=f"out/{execution['QueryExecutionId']}.csv")["Body"].read()
    lines = body.decode().splitlines()
    assert lines[0] == '"user_id","amount"'
    assert len(lines) == 4 and all(line.startswith('"user-') for line in lines[1:])


def test_partition_pruning_reads_only_the_partitions_the_where_clause_names(lake):
    one = lake.run("SELECT SUM(amount) FROM analytics.purchases WHERE year = 2024 AND month = 1")
    everything = lake.run("SELECT SUM(amount) FROM analytics.purchases")
    scanned_one = one["Statistics"]["DataScannedInBytes"]
    scanned_all = everything["Statistics"]["DataScannedInBytes"]
    assert 0 < scanned_one < scanned_all
    assert scanned_one * 2 < scanned_all
    total = lake.rows(everything["QueryExecutionId"])[1][0]
    expected = lake.duck.query("SELECT SUM(amount) FROM read_parquet([" + ", ".join(
        f"'{p}'" for p in lake.purchase_files.values()) + "])")[0][0]
    assert float(total) == pytest.approx(float(expected))


def test_partition_columns_are_typed_from_the_catalog(lake):
    execution = lake.run("SELECT year, month, COUNT(*) AS n FROM analytics.purchases GROUP BY 1, 2 ORDER BY 1, 2")
    rows = lake.rows(execution["QueryExecutionId"])
    assert rows[1:] == [["2023", "12", "500"], ["2024", "1", "500"], ["2024", "2", "500"]]
    page = lake.athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    types = [c["Type"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
    assert types == ["integer", "integer", "bigint"]


def test_json_table_in_the_query_database_with_the_seed_filter(lake):
    execution = lake.run("SELECT user_id, amount FROM user_events WHERE event_type = 'purchase' ORDER BY amount",
                         database="raw_database")
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    rows = lake.rows(execution["QueryExecutionId"])
    purchases = sorted((e for e in lake.events if e["event_type"] == "purchase"), key=lambda e: e["amount"])
    assert [r[0] for r in rows[1:]] == [e["user_id"] for e in purchases]


def test_csv_table_with_header_quotes_and_empty_values(lake):
    execution = lake.run('SELECT id, name, score FROM raw_database.scores ORDER BY id')
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    assert lake.rows(execution["QueryExecutionId"])[1:] == [["1", "ann", "9.5"], ["2", "bob", None],
                                                            ["3", "cy, jr", "7.0"]]


def test_trino_functions_and_parameters(lake):
    execution = lake.run(
        "SELECT date_format(date_parse('2024-01-05 07:08:09', '%Y-%m-%d %H:%i:%s'), '%Y/%m/%d %H:%i'), "
        "approx_distinct(x), regexp_like('abc', 'b'), split_part('a-b-c', '-', 2), "
        "json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b'), cardinality(ARRAY[1, 2, 3]), "
        "transform(ARRAY[1, 2], v -> v * 10), try_cast('x' AS integer), ? "
        "FROM (VALUES (1), (2), (2)) t(x)", ExecutionParameters=["'param'"])
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    row = lake.rows(execution["QueryExecutionId"])[1]
    assert row[:6] == ["2024/01/05 07:08", "2", "true", "b", "7", "3"]
    assert row[6] == "[10, 20]" and row[7] is None and row[8] == "param"


def test_results_page_through_next_token(lake):
    execution = lake.run("SELECT user_id, amount, item FROM analytics.purchases ORDER BY user_id, amount, item")
    qid = execution["QueryExecutionId"]
    paged = lake.rows(qid, page_size=97)
    whole = lake.rows(qid)
    assert len(paged) == 1501 and paged == whole
    first = lake.athena.get_query_results(QueryExecutionId=qid, MaxResults=10)
    assert len(first["ResultSet"]["Rows"]) == 10 and "NextToken" in first
    with pytest.raises(ClientError) as error:
        lake.athena.get_query_results(QueryExecutionId=qid, NextToken="bm90LWEtdG9rZW4=")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"


@pytest.mark.parametrize("query,prefix", [
    ("SELEC user_id FROM analytics.purchases", "SYNTAX_ERROR"),
    ("SELECT * FROM analytics.no_such_table", "TABLE_NOT_FOUND"),
    ("SELECT no_such_column FROM analytics.purchases", "COLUMN_NOT_FOUND"),
])
def test_a_bad_query_fails_with_athenas_user_error(lake, query, prefix):
    execution = lake.run(query)
    status = execution["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"].startswith(prefix), status
    assert status["AthenaError"]["ErrorCategory"] == 2
    assert status["AthenaError"]["ErrorMessage"] == status["StateChangeReason"]
    with pytest.raises(ClientError) as error:
        lake.athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"


def test_corrupt_parquet_fails_the_query_and_nimbus_keeps_serving(lake):
    lake.s3.put_object(Bucket=lake.bucket, Key="analytics/purchases/year=2024/month=2/broken.parquet",
                       Body=b"PAR1 this is not parquet")
    execution = lake.run("SELECT COUNT(*) FROM analytics.purchases WHERE month = 2")
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["AthenaError"]["ErrorCategory"] == 2
    assert lake.run("SELECT 1")["Status"]["State"] == "SUCCEEDED"


def test_a_missing_output_bucket_fails_the_query(lake):
    execution = lake.run("SELECT 1", ResultConfiguration={"OutputLocation": "s3://no-such-bucket-here/x/"})
    assert execution["Status"]["State"] == "FAILED"
    assert execution["Status"]["StateChangeReason"] == "Unable to verify/create output bucket no-such-bucket-here"


def test_a_query_without_output_location_is_refused(lake):
    with pytest.raises(ClientError) as error:
        lake.athena.start_query_execution(QueryString="SELECT 1")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "No output location provided" in error.value.response["Error"]["Message"]


def test_unknown_query_ids_are_invalid_requests(lake):
    with pytest.raises(ClientError) as error:
        lake.athena.get_query_execution(QueryExecutionId="00000000-0000-0000-0000-000000000000")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    batch = lake.athena.batch_get_query_execution(QueryExecutionIds=["00000000-0000-0000-0000-000000000000"])
    assert batch["QueryExecutions"] == []
    assert batch["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == "00000000-0000-0000-0000-000000000000"


def test_list_query_executions_newest_first_and_stop_of_a_finished_query(lake):
    first = lake.run("SELECT 1")["QueryExecutionId"]
    second = lake.run("SELECT 2")["QueryExecutionId"]
    ids = lake.athena.list_query_executions(MaxResults=2)["QueryExecutionIds"]
    assert ids[:2] == [second, first]
    page = lake.athena.list_query_executions(MaxResults=1)
    assert page["QueryExecutionIds"] == [second]
    assert lake.athena.list_query_executions(MaxResults=1, NextToken=page["NextToken"])["QueryExecutionIds"] == [first]
    with pytest.raises(ClientError) as error:
        lake.athena.list_query_executions(NextToken="not-a-listed-id")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    lake.athena.stop_query_execution(QueryExecutionId=second)
    state = lake.athena.get_query_execution(QueryExecutionId=second)["QueryExecution"]["Status"]["State"]
    assert state == "SUCCEEDED"


def test_work_group_output_location_is_used_and_primary_cannot_be_deleted(lake):
    name = "wg-" + lake.bucket
    lake.athena.create_work_group(Name=name, Configuration={
        "ResultConfiguration": {"OutputLocation": f"s3://{lake.results}/wg/"}})
    qid = lake.athena.start_query_execution(QueryString="SELECT 1", WorkGroup=name)["QueryExecutionId"]
    execution = lake.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
    assert execution["ResultConfiguration"]["OutputLocation"] == f"s3://{lake.results}/wg/{qid}.csv"
    assert execution["WorkGroup"] == name
    with pytest.raises(ClientError) as error:
        lake.athena.delete_work_group(WorkGroup="primary")
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"
    assert name in [g["Name"] for g in lake.athena.list_work_groups()["WorkGroups"]]


def test_catalog_views_come_from_glue(lake):
    assert lake.athena.list_data_catalogs()["DataCatalogsSummary"][0]["CatalogName"] == "AwsDataCatalog"
    names = [d["Name"] for d in lake.athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]]
    assert "analytics" in names and "raw_database" in names
    table = lake.athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="analytics",
                                           TableName="purchases")["TableMetadata"]
    assert [c["Name"] for c in table["PartitionKeys"]] == ["year", "month"]
    assert [c["Name"] for c in table["Columns"]] == ["user_id", "amount", "item"]
    with pytest.raises(ClientError) as error:
        lake.athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="analytics", TableName="nope")
    assert error.value.response["Error"]["Code"] == "MetadataException"


def test_finished_queries_and_their_results_survive_a_restart(server_factory, tmp_path, lake_files):
    from lake_helpers import Lake
    server = server_factory()
    lake = Lake(server.endpoint, tmp_path)
    execution = lake.run("SELECT 41 + 1 AS answer")
    server.restart(kill=True)
    lake = Lake.__new__(Lake)
    from conftest import make_client
    lake.athena = make_client(server.endpoint, service="athena")
    again = lake.athena.get_query_execution(QueryExecutionId=execution["QueryExecutionId"])["QueryExecution"]
    assert again["Status"]["State"] == "SUCCEEDED"
    assert lake.rows(execution["QueryExecutionId"]) == [["answer"], ["42"]]


@pytest.mark.slow
def test_aws_cli_runs_a_query_and_reads_its_results(lake, aws_cli):
    started = aws_cli("athena", "start-query-execution", "--query-string", "SELECT 'cli' AS source",
                      "--result-configuration", f"OutputLocation=s3://{lake.results}/cli/").json
    qid = started["QueryExecutionId"]
    for _ in range(200):
        state = aws_cli("athena", "get-query-execution", "--query-execution-id", qid).json
        if state["QueryExecution"]["Status"]["State"] not in ("QUEUED", "RUNNING"):
            break
    assert state["QueryExecution"]["Status"]["State"] == "SUCCEEDED"
    results = aws_cli("athena", "get-query-results", "--query-execution-id", qid).json
    assert results["ResultSet"]["Rows"][1]["Data"] == [{"VarCharValue": "cli"}]
    failed = aws_cli("athena", "get-query-results", "--query-execution-id", "nope", check=False)
    assert failed.returncode != 0 and "InvalidRequestException" in failed.stderr


def test_a_query_stopped_mid_way_ends_cancelled_and_frees_its_engine(lake, nimbus):
    qid = lake.athena.start_query_execution(
        QueryString="SELECT SUM(hash(i)) FROM range(100000000000) t(i)",
        ResultConfiguration={"OutputLocation": f"s3://{lake.results}/out/"})["QueryExecutionId"]
    deadline = time.time() + 10
    while lake.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]["State"] != "RUNNING":
        assert time.time() < deadline
        time.sleep(0.01)
    time.sleep(0.3)
    lake.athena.stop_query_execution(QueryExecutionId=qid)
    status = lake.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
    assert status["State"] == "CANCELLED"
    while nimbus.health()["details"]["athena"]["queries_running"] != 0:
        assert time.time() < deadline, nimbus.health()["details"]["athena"]
        time.sleep(0.05)
    assert lake.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]["State"] == "CANCELLED"
    assert lake.run("SELECT 1")["Status"]["State"] == "SUCCEEDED"


def test_a_retry_with_the_same_client_request_token_answers_the_same_query(lake):
    args = {"QueryString": "SELECT 7", "ClientRequestToken": "token-" + lake.bucket.ljust(32, "x"),
            "ResultConfiguration": {"OutputLocation": f"s3://{lake.results}/out/"}}
    first = lake.athena.start_query_execution(**args)["QueryExecutionId"]
    assert lake.athena.start_query_execution(**args)["QueryExecutionId"] == first
    with pytest.raises(ClientError) as error:
        lake.athena.start_query_execution(**{**args, "QueryString": "SELECT 8"})
    assert error.value.response["Error"]["Code"] == "InvalidRequestException"


def test_a_work_group_runs_at_most_four_queries_at_once_and_queues_the_rest(lake, nimbus):
    slow = "SELECT SUM(hash(i)) FROM range(100000000000) t(i)"
    ids = [lake.athena.start_query_execution(QueryString=slow, ResultConfiguration={
        "OutputLocation": f"s3://{lake.results}/out/"})["QueryExecutionId"] for _ in range(6)]
    deadline = time.time() + 10
    while True:
        states = [lake.athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Status"]["State"]
                  for q in ids]
        if states.count("RUNNING") == 4:
            break
        assert time.time() < deadline, states
        time.sleep(0.05)
    time.sleep(0.3)
    states = [lake.athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Status"]["State"] for q in ids]
    assert states.count("RUNNING") == 4 and states.count("QUEUED") == 2, states
    for q in ids:
        lake.athena.stop_query_execution(QueryExecutionId=q)
    while nimbus.health()["details"]["athena"]["queries_running"] != 0:
        assert time.time() < deadline + 10
        time.sleep(0.05)
    assert all(lake.athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Status"]["State"] == "CANCELLED"
               for q in ids)


def test_a_query_over_the_work_groups_bytes_scanned_cutoff_is_cancelled(lake):
    row = "x" * 1000 + "\n"
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/wide/wide.txt", Body=(row * 12000).encode())
    lake.glue.create_table(DatabaseName="raw_database", TableInput={
        "Name": "wide", "StorageDescriptor": {"Columns": [{"Name": "line", "Type": "string"}],
                                               "Location": f"s3://{lake.bucket}/raw/wide/"}})
    name = "cutoff-" + lake.bucket
    lake.athena.create_work_group(Name=name, Configuration={
        "BytesScannedCutoffPerQuery": 10000000,
        "ResultConfiguration": {"OutputLocation": f"s3://{lake.results}/cutoff/"}})
    execution = lake.run("SELECT COUNT(*) FROM raw_database.wide", WorkGroup=name)
    assert execution["Status"]["State"] == "CANCELLED", execution["Status"]
    assert execution["Status"]["StateChangeReason"] == "Query cancelled! : Bytes scanned limit was exceeded"
    assert lake.run("SELECT COUNT(*) FROM raw_database.wide")["Status"]["State"] == "SUCCEEDED"
