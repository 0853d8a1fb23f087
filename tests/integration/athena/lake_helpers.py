"""The seed's data lake in nimbus's S3 and Glue: purchases as Hive-partitioned Parquet
(analytics/purchases/year=.../month=...), user events as JSON lines (raw/user_events/), and a CSV
table, catalogued in Glue as the seed's databases."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from conftest import make_client, unique
from duckdb_direct import DuckDB

MONTHS = [(2023, 12), (2024, 1), (2024, 2)]
PARQUET_SERDE = {
    "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
}
PARQUET_FORMATS = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
}


class Lake:
    def __init__(self, endpoint: str, local: Path):
        self.s3 = make_client(endpoint, service="s3")
        self.glue = make_client(endpoint, service="glue")
        self.athena = make_client(endpoint, service="athena")
        self.bucket = unique("lake")
        self.results = unique("results")
        self.local = local
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.create_bucket(Bucket=self.results)

    def run(self, query: str, database: str | None = None, timeout: float = 30, **extra) -> dict:
        """Starts a query and waits for its end state; answers the QueryExecution."""
        args = {"QueryString": query, "ResultConfiguration": {"OutputLocation": f"s3://{self.results}/out/"}}
        if database:
            args["QueryExecutionContext"] = {"Database": database}
        args.update(extra)
        qid = self.athena.start_query_execution(**args)["QueryExecutionId"]
        deadline = time.time() + timeout
        while True:
            execution = self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
                return execution
            assert time.time() < deadline, execution
            time.sleep(0.02)

    def rows(self, qid: str, page_size: int | None = None) -> list[list[str | None]]:
        """Every row of the results (the header first), paging through GetQueryResults."""
        rows, token = [], None
        while True:
            args = {"QueryExecutionId": qid}
            if token:
                args["NextToken"] = token
            if page_size:
                args["MaxResults"] = page_size
            page = self.athena.get_query_results(**args)
            rows += [[d.get("VarCharValue") for d in row["Data"]] for row in page["ResultSet"]["Rows"]]
            token = page.get("NextToken")
            if not token:
                return rows


def make_purchases(duck: DuckDB, local: Path, rows_per_month: int = 500) -> dict[tuple[int, int], Path]:
    files = {}
    for index, (year, month) in enumerate(MONTHS):
        path = local / f"purchases-{year}-{month}.parquet"
        duck.query(
            f"COPY (SELECT 'user-' || (i * 7 + {index}) % 40 AS user_id, "
            f"round(((i * 37 + {index} * 11) % 1000) / 10.0, 2)::DOUBLE AS amount, "
            f"'item-' || i % 13 AS item FROM range({rows_per_month}) t(i)) TO '{path}' (FORMAT parquet)")
        files[(year, month)] = path
    return files


@pytest.fixture(scope="module")
def lake_files(tmp_path_factory):
    local = tmp_path_factory.mktemp("lake")
    duck = DuckDB()
    return local, duck, make_purchases(duck, local)


@pytest.fixture
def lake(nimbus, lake_files):
    local, duck, purchases = lake_files
    lake = Lake(nimbus.endpoint, local)
    lake.duck = duck
    lake.purchase_files = purchases
    for (year, month), path in purchases.items():
        lake.s3.put_object(Bucket=lake.bucket, Key=f"analytics/purchases/year={year}/month={month}/part-0.parquet",
                           Body=path.read_bytes())
    # Hive's hidden files are never read.
    lake.s3.put_object(Bucket=lake.bucket, Key="analytics/purchases/year=2024/month=1/_SUCCESS", Body=b"")
    lake.glue.create_database(DatabaseInput={"Name": "analytics"})
    lake.glue.create_table(DatabaseName="analytics", TableInput={
        "Name": "purchases",
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "month", "Type": "int"}],
        "StorageDescriptor": {
            "Columns": [{"Name": "user_id", "Type": "string"}, {"Name": "amount", "Type": "double"},
                        {"Name": "item", "Type": "string"}],
            "Location": f"s3://{lake.bucket}/analytics/purchases/",
            "SerdeInfo": PARQUET_SERDE, **PARQUET_FORMATS,
        },
    })
    lake.glue.batch_create_partition(DatabaseName="analytics", TableName="purchases", PartitionInputList=[
        {"Values": [str(year), str(month)], "StorageDescriptor": {
            "Location": f"s3://{lake.bucket}/analytics/purchases/year={year}/month={month}/",
            "SerdeInfo": PARQUET_SERDE, **PARQUET_FORMATS}}
        for (year, month) in MONTHS])

    events = [{"user_id": f"user-{i % 9}", "event_type": ["view", "purchase", "click"][i % 3],
               "amount": i * 1.5 if i % 3 == 1 else None, "ts": f"2024-01-{1 + i % 28:02d}T10:00:00Z"}
              for i in range(60)]
    lake.events = events
    body = "\n".join(json.dumps(event) for event in events).encode()
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/user_events/events-1.json", Body=body)
    lake.glue.create_database(DatabaseInput={"Name": "raw_database"})
    lake.glue.create_table(DatabaseName="raw_database", TableInput={
        "Name": "user_events",
        "Parameters": {"classification": "json"},
        "StorageDescriptor": {
            "Columns": [{"Name": "user_id", "Type": "string"}, {"Name": "event_type", "Type": "string"},
                        {"Name": "amount", "Type": "double"}, {"Name": "ts", "Type": "string"}],
            "Location": f"s3://{lake.bucket}/raw/user_events/",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
        },
    })

    csv = "id,name,score\n1,ann,9.5\n2,bob,\n3,\"cy, jr\",7\n"
    lake.s3.put_object(Bucket=lake.bucket, Key="raw/scores/scores.csv", Body=csv.encode())
    lake.glue.create_table(DatabaseName="raw_database", TableInput={
        "Name": "scores",
        "Parameters": {"skip.header.line.count": "1"},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "int"}, {"Name": "name", "Type": "string"},
                        {"Name": "score", "Type": "double"}],
            "Location": f"s3://{lake.bucket}/raw/scores/",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.OpenCSVSerde",
                          "Parameters": {"separatorChar": ",", "quoteChar": "\""}},
        },
    })
    yield lake
    for name in ("analytics", "raw_database"):
        try:
            lake.glue.delete_database(Name=name)
        except Exception:
            pass
