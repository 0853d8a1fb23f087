"""Glue crawlers with Debian's boto3 over the seed's data lake in nimbus's S3: JSON lines, CSV
with a header and Hive-partitioned Parquet crawled into tables, columns, partitions and the
crawler's table properties; the crawled Parquet table queried through Athena; a second crawl
adding a partition; crawler errors, a crawl of a missing bucket, schedules, metrics, the AWS CLI,
and a crawl a restart interrupted."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "athena"))

from conftest import make_client, unique  # noqa: E402
from duckdb_direct import DuckDB  # noqa: E402

ROLE = "arn:aws:iam::000000000000:role/service-role/AWSGlueServiceRole-lake"
MONTHS = [(2023, 12), (2024, 1), (2024, 2)]


def purchases_sql(index: int, rows: int = 200) -> str:
    return (f"SELECT 'user-' || (i * 7 + {index}) % 40 AS user_id, "
            f"round(((i * 37 + {index} * 11) % 1000) / 10.0, 2)::DOUBLE AS amount, "
            f"'item-' || i % 13 AS item, (i % 5)::INTEGER AS quantity FROM range({rows}) t(i)")


@pytest.fixture(scope="module")
def parquet_files(tmp_path_factory):
    local = tmp_path_factory.mktemp("crawl-lake")
    duck = DuckDB()
    files = {}
    for index, (year, month) in enumerate(MONTHS + [(2024, 3)]):
        path = local / f"purchases-{year}-{month}.parquet"
        duck.query(f"COPY ({purchases_sql(index)}) TO '{path}' (FORMAT parquet)")
        files[(year, month)] = path
    return duck, files


class Lake:
    def __init__(self, endpoint: str, duck: DuckDB, files: dict):
        self.s3 = make_client(endpoint, service="s3")
        self.glue = make_client(endpoint, service="glue")
        self.athena = make_client(endpoint, service="athena")
        self.duck = duck
        self.files = files
        self.bucket = unique("lake")
        self.results = unique("results")
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.create_bucket(Bucket=self.results)

    def put_purchases(self, year: int, month: int) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=f"analytics/purchases/year={year}/month={month}/part-0.parquet",
                           Body=self.files[(year, month)].read_bytes())

    def crawl(self, name: str, timeout: float = 30) -> dict:
        self.glue.start_crawler(Name=name)
        return self.wait_ready(name, timeout)

    def wait_ready(self, name: str, timeout: float = 30) -> dict:
        deadline = time.time() + timeout
        while True:
            crawler = self.glue.get_crawler(Name=name)["Crawler"]
            if crawler["State"] == "READY" and "LastCrawl" in crawler:
                return crawler
            assert time.time() < deadline, crawler
            time.sleep(0.05)

    def query(self, sql: str, database: str) -> list[list[str | None]]:
        qid = self.athena.start_query_execution(
            QueryString=sql, QueryExecutionContext={"Database": database},
            ResultConfiguration={"OutputLocation": f"s3://{self.results}/out/"})["QueryExecutionId"]
        deadline = time.time() + 30
        while True:
            state = self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]
            if state["State"] not in ("QUEUED", "RUNNING"):
                break
            assert time.time() < deadline
            time.sleep(0.02)
        assert state["State"] == "SUCCEEDED", state
        rows = []
        for page in self.athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid):
            rows += [[d.get("VarCharValue") for d in row["Data"]] for row in page["ResultSet"]["Rows"]]
        return rows[1:]


EVENTS = [{"user_id": f"user-{i % 9}", "event_type": ["view", "purchase", "click"][i % 3],
           "amount": i * 1.5 if i % 3 == 1 else None, "ts": f"2024-01-{1 + i % 28:02d}T10:00:00Z",
           "tags": ["a", "b"][: i % 3], "device": {"os": "linux", "version": i}}
          for i in range(60)]
SCORES = "id,name,score\n1,ann,9.5\n2,bob,\n3,cy,7\n"


@pytest.fixture
def lake(nimbus, parquet_files):
    duck, files = parquet_files
    lake = Lake(nimbus.endpoint, duck, files)
    for year, month in MONTHS:
        lake.put_purchases(year, month)
    lake.s3.put_object(Bucket=lake.bucket, Key="analytics/purchases/year=2024/month=1/_SUCCESS", Body=b"")
    body = "\n".join(json.dumps(event) for event in EVENTS).encode()
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/user_events/events-1.json", Body=body)
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/scores/scores.csv", Body=SCORES.encode())
    return lake


def make_crawler(lake: Lake, name: str, paths: list[str], database: str = "lake_db", **extra) -> None:
    lake.glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                             Targets={"S3Targets": [{"Path": f"s3://{lake.bucket}/{p}"} for p in paths]}, **extra)


def columns(table: dict) -> list[tuple[str, str]]:
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_a_crawl_catalogs_json_csv_and_partitioned_parquet_as_glue_does(lake):
    lake.glue.create_database(DatabaseInput={"Name": "lake_db"})
    make_crawler(lake, "lake-crawler", ["raw/", "analytics/purchases/"])
    created = lake.glue.get_crawler(Name="lake-crawler")["Crawler"]
    assert created["State"] == "READY"
    assert created["Version"] == 1
    assert created["SchemaChangePolicy"] == {"UpdateBehavior": "UPDATE_IN_DATABASE",
                                             "DeleteBehavior": "DEPRECATE_IN_DATABASE"}
    assert created["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    assert "LastCrawl" not in created

    crawler = lake.crawl("lake-crawler")
    last = crawler["LastCrawl"]
    assert last["Status"] == "SUCCEEDED", last
    assert last["LogGroup"] == "/aws-glue/crawlers"
    assert last["LogStream"] == "lake-crawler"
    assert last["MessagePrefix"]
    assert "ErrorMessage" not in last

    tables = {t["Name"]: t for t in lake.glue.get_tables(DatabaseName="lake_db")["TableList"]}
    assert sorted(tables) == ["purchases", "scores", "user_events"]

    events = tables["user_events"]
    assert columns(events) == [("user_id", "string"), ("event_type", "string"), ("amount", "double"),
                               ("ts", "string"), ("tags", "array<string>"),
                               ("device", "struct<os:string,version:bigint>")]
    assert events["PartitionKeys"] == []
    assert events["TableType"] == "EXTERNAL_TABLE"
    assert events["StorageDescriptor"]["Location"] == f"s3://{lake.bucket}/raw/user_events/"
    assert events["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert events["StorageDescriptor"]["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    parameters = events["Parameters"]
    assert parameters["classification"] == "json"
    assert parameters["compressionType"] == "none"
    assert parameters["typeOfData"] == "file"
    assert parameters["UPDATED_BY_CRAWLER"] == "lake-crawler"
    assert parameters["objectCount"] == "1"
    assert parameters["recordCount"] == "60"
    assert parameters["sizeKey"] == str(len("\n".join(json.dumps(e) for e in EVENTS)))
    assert parameters["CrawlerSchemaDeserializerVersion"] == "1.0"
    assert parameters["CrawlerSchemaSerializerVersion"] == "1.0"
    assert int(parameters["averageRecordSize"]) > 0

    scores = tables["scores"]
    assert columns(scores) == [("id", "bigint"), ("name", "string"), ("score", "double")]
    assert scores["Parameters"]["classification"] == "csv"
    assert scores["Parameters"]["skip.header.line.count"] == "1"
    assert scores["Parameters"]["delimiter"] == ","
    serde = scores["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
    assert serde["Parameters"] == {"field.delim": ","}

    purchases = tables["purchases"]
    assert columns(purchases) == [("user_id", "string"), ("amount", "double"), ("item", "string"),
                                  ("quantity", "int")]
    assert purchases["PartitionKeys"] == [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}]
    assert purchases["Parameters"]["classification"] == "parquet"
    assert purchases["Parameters"]["objectCount"] == "3"
    assert purchases["Parameters"]["recordCount"] == "600"
    assert purchases["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == \
        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    assert purchases["StorageDescriptor"]["Location"] == f"s3://{lake.bucket}/analytics/purchases/"
    partitions = lake.glue.get_partitions(DatabaseName="lake_db", TableName="purchases")["Partitions"]
    assert [p["Values"] for p in partitions] == [["2023", "12"], ["2024", "1"], ["2024", "2"]]
    assert partitions[1]["StorageDescriptor"]["Location"] == \
        f"s3://{lake.bucket}/analytics/purchases/year=2024/month=1/"
    assert partitions[1]["Parameters"]["objectCount"] == "1"
    # A partition's recordCount is an estimate from its size, as Glue's is.
    assert abs(int(partitions[1]["Parameters"]["recordCount"]) - 200) <= 10

    metrics = lake.glue.get_crawler_metrics(CrawlerNameList=["lake-crawler"])["CrawlerMetricsList"]
    assert metrics[0]["CrawlerName"] == "lake-crawler"
    assert (metrics[0]["TablesCreated"], metrics[0]["TablesUpdated"], metrics[0]["TablesDeleted"]) == (3, 0, 0)
    assert metrics[0]["StillEstimating"] is False
    assert metrics[0]["TimeLeftSeconds"] == 0


def test_athena_reads_the_crawled_tables(lake):
    make_crawler(lake, "athena-crawler", ["raw/", "analytics/purchases/"], database="crawled")
    assert lake.crawl("athena-crawler")["LastCrawl"]["Status"] == "SUCCEEDED"
    got = lake.query("SELECT user_id, COUNT(*) AS n, ROUND(SUM(amount), 2) AS total FROM purchases "
                     "WHERE year = '2024' AND month = '1' GROUP BY user_id ORDER BY total DESC, user_id LIMIT 5",
                     database="crawled")
    path = lake.files[(2024, 1)]
    expected = lake.duck.query(f"SELECT user_id, COUNT(*), ROUND(SUM(amount), 2) AS total FROM '{path}' "
                               "GROUP BY user_id ORDER BY total DESC, user_id LIMIT 5")
    assert [[r[0], r[1], float(r[2])] for r in got] == [[r[0], r[1], float(r[2])] for r in expected]
    by_partition = lake.query("SELECT year, month, COUNT(*) FROM purchases GROUP BY 1, 2 ORDER BY 1, 2",
                              database="crawled")
    assert by_partition == [["2023", "12", "200"], ["2024", "1", "200"], ["2024", "2", "200"]]
    assert lake.query("SELECT name, score FROM scores ORDER BY id", database="crawled") == \
        [["ann", "9.5"], ["bob", None], ["cy", "7.0"]]
    assert lake.query("SELECT COUNT(*) FROM user_events WHERE event_type = 'purchase'", database="crawled") == \
        [["20"]]


def test_a_second_crawl_adds_the_new_partition(lake):
    make_crawler(lake, "again", ["analytics/purchases/"], TablePrefix="lake_")
    assert lake.crawl("again")["LastCrawl"]["Status"] == "SUCCEEDED"
    lake.put_purchases(2024, 3)
    assert lake.crawl("again")["LastCrawl"]["Status"] == "SUCCEEDED"
    table = lake.glue.get_table(DatabaseName="lake_db", Name="lake_purchases")["Table"]
    assert table["Parameters"]["objectCount"] == "4"
    assert table["VersionId"] == "0"
    partitions = lake.glue.get_partitions(DatabaseName="lake_db", TableName="lake_purchases")["Partitions"]
    assert [p["Values"] for p in partitions] == [["2023", "12"], ["2024", "1"], ["2024", "2"], ["2024", "3"]]
    metrics = lake.glue.get_crawler_metrics(CrawlerNameList=["again", "ghost"])["CrawlerMetricsList"]
    assert [(m["CrawlerName"], m["TablesCreated"], m["TablesUpdated"]) for m in metrics] == [("again", 0, 0)]
    assert metrics[0]["MedianRuntimeSeconds"] >= 0


def test_unnamed_folders_become_partition_columns(lake):
    for day in ("01", "02"):
        lake.s3.put_object(Bucket=lake.bucket, Key=f"logs/2024/{day}/part.json",
                           Body=b'{"level": "info", "code": 7}\n{"level": "warn", "code": 9}\n')
    make_crawler(lake, "logs", ["logs/"])
    assert lake.crawl("logs")["LastCrawl"]["Status"] == "SUCCEEDED"
    table = lake.glue.get_table(DatabaseName="lake_db", Name="logs")["Table"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["partition_0", "partition_1"]
    assert columns(table) == [("level", "string"), ("code", "int")]
    partitions = lake.glue.get_partitions(DatabaseName="lake_db", TableName="logs")["Partitions"]
    assert [p["Values"] for p in partitions] == [["2024", "01"], ["2024", "02"]]


def test_exclusions_and_a_schema_change_with_update_behavior_log(lake):
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/user_events/skip-me.tmp", Body=b"not json at all")
    make_crawler(lake, "logger", ["raw/user_events/"],
                 SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    lake.glue.update_crawler(Name="logger", Targets={"S3Targets": [
        {"Path": f"s3://{lake.bucket}/raw/user_events/", "Exclusions": ["**.tmp"]}]})
    assert lake.glue.get_crawler(Name="logger")["Crawler"]["Version"] == 2
    assert lake.crawl("logger")["LastCrawl"]["Status"] == "SUCCEEDED"
    before = lake.glue.get_table(DatabaseName="lake_db", Name="user_events")["Table"]
    assert before["Parameters"]["objectCount"] == "1"
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/user_events/events-2.json",
                       Body=b'{"user_id": "u", "event_type": "view", "extra": true}\n')
    assert lake.crawl("logger")["LastCrawl"]["Status"] == "SUCCEEDED"
    after = lake.glue.get_table(DatabaseName="lake_db", Name="user_events")["Table"]
    assert columns(after) == columns(before)
    assert after["VersionId"] == "0"


def test_crawler_errors_are_glues(lake):
    glue = lake.glue
    with pytest.raises(ClientError) as missing:
        glue.get_crawler(Name="ghost")
    assert missing.value.response["Error"] == {"Code": "EntityNotFoundException",
                                               "Message": "Crawler with name ghost does not exist"}
    with pytest.raises(ClientError) as missing_start:
        glue.start_crawler(Name="ghost")
    assert missing_start.value.response["Error"]["Code"] == "EntityNotFoundException"
    make_crawler(lake, "dup", ["raw/"])
    with pytest.raises(ClientError) as duplicate:
        make_crawler(lake, "dup", ["raw/"])
    assert duplicate.value.response["Error"]["Code"] == "AlreadyExistsException"
    with pytest.raises(ClientError) as not_running:
        glue.stop_crawler(Name="dup")
    assert not_running.value.response["Error"]["Code"] == "CrawlerNotRunningException"
    with pytest.raises(ClientError) as no_target:
        glue.create_crawler(Name="empty", Role=ROLE, Targets={})
    assert no_target.value.response["Error"]["Code"] == "InvalidInputException"
    with pytest.raises(ClientError) as bad_path:
        glue.create_crawler(Name="bad", Role=ROLE, Targets={"S3Targets": [{"Path": "bucket/key"}]})
    assert bad_path.value.response["Error"]["Code"] == "InvalidInputException"

    glue.start_crawler(Name="dup")
    with pytest.raises(ClientError) as running:
        glue.start_crawler(Name="dup")
    assert running.value.response["Error"] == {"Code": "CrawlerRunningException",
                                               "Message": "Crawler with name dup has already started"}
    with pytest.raises(ClientError) as busy:
        glue.delete_crawler(Name="dup")
    assert busy.value.response["Error"]["Code"] == "CrawlerRunningException"
    lake.wait_ready("dup")
    glue.delete_crawler(Name="dup")
    assert glue.list_crawlers()["CrawlerNames"] == []


def test_a_crawl_of_a_missing_bucket_fails(lake):
    lake.glue.create_crawler(Name="nowhere", Role=ROLE, DatabaseName="lake_db",
                             Targets={"S3Targets": [{"Path": "s3://no-such-bucket-here/data/"}]})
    crawler = lake.crawl("nowhere")
    assert crawler["LastCrawl"]["Status"] == "FAILED"
    assert "NoSuchBucket" in crawler["LastCrawl"]["ErrorMessage"]
    metrics = lake.glue.get_crawler_metrics()["CrawlerMetricsList"]
    assert metrics[0]["TablesCreated"] == 0


def test_listing_and_paging_crawlers(lake):
    for name in ("c-1", "c-2", "c-3"):
        make_crawler(lake, name, ["raw/"], Tags={"team": "data" if name != "c-2" else "web"})
    first = lake.glue.get_crawlers(MaxResults=2)
    assert [c["Name"] for c in first["Crawlers"]] == ["c-1", "c-2"]
    rest = lake.glue.get_crawlers(MaxResults=2, NextToken=first["NextToken"])
    assert [c["Name"] for c in rest["Crawlers"]] == ["c-3"]
    assert "NextToken" not in rest
    assert lake.glue.list_crawlers(Tags={"team": "data"})["CrawlerNames"] == ["c-1", "c-3"]
    crawler = first["Crawlers"][0]
    assert crawler["Targets"]["S3Targets"] == [{"Path": f"s3://{lake.bucket}/raw/", "Exclusions": []}]
    assert crawler["Targets"]["JdbcTargets"] == []


def test_schedules_start_stop_update_and_a_due_schedule_starts_the_crawler(nimbus, lake):
    make_crawler(lake, "nightly", ["raw/"], Schedule="cron(0 12 * * ? *)")
    schedule = lake.glue.get_crawler(Name="nightly")["Crawler"]["Schedule"]
    assert schedule == {"ScheduleExpression": "cron(0 12 * * ? *)", "State": "SCHEDULED"}
    with pytest.raises(ClientError) as running:
        lake.glue.start_crawler_schedule(CrawlerName="nightly")
    assert running.value.response["Error"]["Code"] == "SchedulerRunningException"
    lake.glue.stop_crawler_schedule(CrawlerName="nightly")
    assert lake.glue.get_crawler(Name="nightly")["Crawler"]["Schedule"]["State"] == "NOT_SCHEDULED"
    with pytest.raises(ClientError) as stopped:
        lake.glue.stop_crawler_schedule(CrawlerName="nightly")
    assert stopped.value.response["Error"]["Code"] == "SchedulerNotRunningException"
    with pytest.raises(ClientError) as invalid:
        lake.glue.update_crawler_schedule(CrawlerName="nightly", Schedule="rate(5 minutes)")
    assert invalid.value.response["Error"]["Code"] == "InvalidInputException"
    make_crawler(lake, "unscheduled", ["raw/"])
    with pytest.raises(ClientError) as none:
        lake.glue.start_crawler_schedule(CrawlerName="unscheduled")
    assert none.value.response["Error"]["Code"] == "NoScheduleException"

    lake.glue.update_crawler_schedule(CrawlerName="nightly", Schedule="cron(0/5 * * * ? *)")
    lake.glue.start_crawler_schedule(CrawlerName="nightly")
    assert "LastCrawl" not in lake.glue.get_crawler(Name="nightly")["Crawler"]
    nimbus.advance_clock(301)
    crawler = lake.wait_ready("nightly")
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert sorted(t["Name"] for t in lake.glue.get_tables(DatabaseName="lake_db")["TableList"]) == \
        ["scores", "user_events"]


def test_the_cli_creates_runs_and_reads_a_crawler(lake, aws_cli):
    targets = json.dumps({"S3Targets": [{"Path": f"s3://{lake.bucket}/raw/scores/"}]})
    aws_cli("glue", "create-crawler", "--name", "cli-crawler", "--role", ROLE, "--database-name", "cli_db",
            "--targets", targets)
    aws_cli("glue", "start-crawler", "--name", "cli-crawler")
    lake.wait_ready("cli-crawler")
    state = aws_cli("glue", "get-crawler", "--name", "cli-crawler", "--query", "Crawler.LastCrawl.Status").json
    assert state == "SUCCEEDED"
    table = aws_cli("glue", "get-table", "--database-name", "cli_db", "--name", "scores").json["Table"]
    assert table["Parameters"]["classification"] == "csv"
    stop = aws_cli("glue", "stop-crawler", "--name", "cli-crawler", check=False)
    assert stop.returncode == 254
    assert "CrawlerNotRunningException" in stop.stderr


@pytest.mark.slow
def test_a_crawl_interrupted_by_a_restart_ends_failed(server_factory, parquet_files):
    server = server_factory()
    duck, files = parquet_files
    lake = Lake(server.endpoint, duck, files)
    for index in range(300):
        lake.s3.put_object(Bucket=lake.bucket, Key=f"many/part={index}/x.json", Body=b'{"a": 1}\n')
    make_crawler(lake, "interrupted", ["many/"])
    lake.glue.start_crawler(Name="interrupted")
    server.kill()
    server.start()
    lake = Lake(server.endpoint, duck, files)
    crawler = lake.glue.get_crawler(Name="interrupted")["Crawler"]
    assert crawler["State"] == "READY"
    # The crawl either finished before the kill or ended FAILED at the restart.
    assert crawler["LastCrawl"]["Status"] in ("FAILED", "SUCCEEDED")
    if crawler["LastCrawl"]["Status"] == "FAILED":
        assert "interrupted" in crawler["LastCrawl"]["ErrorMessage"]
