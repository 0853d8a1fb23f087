#!/usr/bin/python3
"""Athena benchmark (on demand, never in CI): nimbus's Athena against DuckDB run directly on the
same files, measured in the same run.

1. The seed's top-spenders query over BENCH_ROWS purchase rows (default 10,000,000) in 24 monthly
   Hive partitions of Parquet (year=2023..2024/month=1..12) put in nimbus's S3 and catalogued in
   Glue; time from StartQueryExecution to SUCCEEDED (best of BENCH_RUNS, default 3) against DuckDB's
   own time for the same SQL over the same files with hive_partitioning. Partition pruning shown by
   DataScannedInBytes: one month against the whole table.
2. A BENCH_CSV_MB (default 1024) CSV scan, the same way.
3. GetQueryResults paging BENCH_PAGE_ROWS rows (default 1,000,000), 1,000 rows a page.
4. 8 concurrent full-table queries while one client times SQS SendMessage and S3 GetObject: their
   p99 with the queries running against without.
DuckDB is driven through its C API from Python (the library nimbus links). Loopback only; bounded.

    NIMBUS_BIN=build-release/nimbus BENCH_ROWS=10000000 bench/athena_bench.py
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "integration" / "athena"))
from duckdb_direct import DuckDB  # noqa: E402
from lambda_sqs_bench import client, start_nimbus  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000000"))
CSV_MB = int(os.environ.get("BENCH_CSV_MB", "1024"))
PAGE_ROWS = int(os.environ.get("BENCH_PAGE_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
POLL = float(os.environ.get("BENCH_POLL_MS", "2")) / 1000  # GetQueryExecution polling of the timed queries
MONTHS = [(year, month) for year in (2023, 2024) for month in range(1, 13)]
TOP_SPENDERS = """SELECT user_id, COUNT(*) as purchase_count, SUM(amount) as total_spent
FROM {table} WHERE year = 2024 AND month = 1 GROUP BY user_id ORDER BY total_spent DESC LIMIT 100"""
PARQUET = {"SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
           "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"}


def timed(fn):
    begun = time.perf_counter()
    result = fn()
    return time.perf_counter() - begun, result


def run_query(athena, sql: str, database: str = "analytics", poll: float | None = None) -> tuple[float, dict]:
    begun = time.perf_counter()
    qid = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                       ResultConfiguration={"OutputLocation": "s3://bench-results/q/"})["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
            break
        time.sleep(POLL if poll is None else poll)
    seconds = time.perf_counter() - begun
    if execution["Status"]["State"] != "SUCCEEDED":
        sys.exit(f"query failed: {execution['Status']}")
    return seconds, execution


def make_lake(duck: DuckDB, local: Path) -> None:
    per_month = ROWS // len(MONTHS)
    for index, (year, month) in enumerate(MONTHS):
        folder = local / "purchases" / f"year={year}" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        duck.query(f"COPY (SELECT 'user-' || ((i * 7919 + {index}) % 100000) AS user_id, "
                   f"((i * 37 + {index}) % 50000) / 100.0 AS amount, 'item-' || (i % 997) AS item "
                   f"FROM range({per_month}) t(i)) TO '{folder}/part-0.parquet' (FORMAT parquet)")
    if CSV_MB:
        rows = CSV_MB * 1024 * 1024 // 64
        duck.query(f"COPY (SELECT i AS id, 'user-' || (i % 100000) AS user_id, (i % 50000) / 100.0 AS amount, "
                   f"'2024-01-01 00:00:00'::TIMESTAMP + INTERVAL (i % 86400) SECOND AS ts, 'padding-text' AS note "
                   f"FROM range({rows}) t(i)) TO '{local}/big.csv' (HEADER false)")


def load_lake(endpoint: str, local: Path) -> None:
    s3, glue = client(endpoint, "s3"), client(endpoint, "glue")
    for bucket in ("bench-lake", "bench-results"):
        s3.create_bucket(Bucket=bucket)
    for year, month in MONTHS:
        key = f"analytics/purchases/year={year}/month={month}/part-0.parquet"
        s3.upload_file(str(local / "purchases" / f"year={year}" / f"month={month}" / "part-0.parquet"), "bench-lake", key)
    glue.create_database(DatabaseInput={"Name": "analytics"})
    glue.create_table(DatabaseName="analytics", TableInput={
        "Name": "purchases", "PartitionKeys": [{"Name": "year", "Type": "int"}, {"Name": "month", "Type": "int"}],
        "StorageDescriptor": {"Columns": [{"Name": "user_id", "Type": "string"}, {"Name": "amount", "Type": "double"},
                                          {"Name": "item", "Type": "string"}],
                              "Location": "s3://bench-lake/analytics/purchases/", **PARQUET}})
    for start in range(0, len(MONTHS), 100):
        glue.batch_create_partition(DatabaseName="analytics", TableName="purchases", PartitionInputList=[
            {"Values": [str(y), str(m)], "StorageDescriptor": {
                "Location": f"s3://bench-lake/analytics/purchases/year={y}/month={m}/", **PARQUET}}
            for y, m in MONTHS[start:start + 100]])
    if CSV_MB:
        s3.upload_file(str(local / "big.csv"), "bench-lake", "raw/big/big.csv")
        glue.create_table(DatabaseName="analytics", TableInput={
            "Name": "big", "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "user_id", "Type": "string"},
                            {"Name": "amount", "Type": "double"}, {"Name": "ts", "Type": "timestamp"},
                            {"Name": "note", "Type": "string"}],
                "Location": "s3://bench-lake/raw/big/",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                              "Parameters": {"field.delim": ","}}}})


def best(runs: list[float]) -> float:
    return min(runs)


def compare(name: str, nimbus_runs: list[float], duck_runs: list[float]) -> None:
    print(f"{name}: nimbus best {best(nimbus_runs) * 1000:.0f} ms (median {statistics.median(nimbus_runs) * 1000:.0f}), "
          f"DuckDB best {best(duck_runs) * 1000:.0f} ms -> {best(nimbus_runs) / best(duck_runs):.2f}x")


def latency_probe(endpoint: str, seconds: float, out) -> None:
    """SQS SendMessage and S3 GetObject, one after the other, for `seconds` (its own process: the
    query clients' threads must not share its interpreter lock)."""
    sqs, s3 = client(endpoint, "sqs"), client(endpoint, "s3")
    url = sqs.create_queue(QueueName=f"probe-{os.getpid()}")["QueueUrl"]
    s3.put_object(Bucket="bench-results", Key="probe", Body=b"x" * 1024)
    latencies = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        latencies.append(timed(lambda: sqs.send_message(QueueUrl=url, MessageBody="probe"))[0])
        latencies.append(timed(lambda: s3.get_object(Bucket="bench-results", Key="probe")["Body"].read())[0])
    out.put(latencies)


def probed(endpoint: str, seconds: float):
    """A started probe process and the queue its latencies arrive on."""
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=latency_probe, args=(endpoint, seconds, queue))
    process.start()
    return process, queue


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def main() -> None:
    duck = DuckDB()
    duck.query("SET threads = 2")
    with tempfile.TemporaryDirectory(prefix="athena-bench-") as scratch:
        local = Path(scratch)
        seconds, _ = timed(lambda: make_lake(duck, local))
        print(f"lake: {ROWS:,} purchase rows in {len(MONTHS)} Parquet partitions"
              f"{f', {CSV_MB} MB CSV' if CSV_MB else ''} made in {seconds:.1f} s")
        proc, endpoint = start_nimbus(str(local / "data"))
        try:
            seconds, _ = timed(lambda: load_lake(endpoint, local))
            print(f"loaded into nimbus S3 + Glue in {seconds:.1f} s")
            athena = client(endpoint, "athena")

            direct = f"read_parquet('{local}/purchases/*/*/*.parquet', hive_partitioning = true)"
            duck_runs = [timed(lambda: duck.query(TOP_SPENDERS.format(table=direct)))[0] for _ in range(RUNS)]
            runs = [run_query(athena, TOP_SPENDERS.format(table="analytics.purchases")) for _ in range(RUNS)]
            compare("top spenders (year=2024, month=1)", [r[0] for r in runs], duck_runs)
            fastest = min(runs, key=lambda r: r[0])[1]["Statistics"]
            print(f"  nimbus's own split of its fastest run: engine {fastest['EngineExecutionTimeInMillis']} ms, "
                  f"queued {fastest['QueryQueueTimeInMillis']} ms, total {fastest['TotalExecutionTimeInMillis']} ms")
            one = runs[0][1]["Statistics"]["DataScannedInBytes"]
            _, whole = run_query(athena, "SELECT SUM(amount) FROM purchases")
            everything = whole["Statistics"]["DataScannedInBytes"]
            print(f"pruning: one month scanned {one:,} bytes, the whole table {everything:,} "
                  f"({everything / max(one, 1):.1f}x)")

            if CSV_MB:
                sql = "SELECT COUNT(*), SUM(amount), MAX(ts) FROM {table}"
                direct_csv = (f"read_csv('{local}/big.csv', header = false, columns = {{'id': 'BIGINT', "
                              f"'user_id': 'VARCHAR', 'amount': 'DOUBLE', 'ts': 'TIMESTAMP', 'note': 'VARCHAR'}})")
                duck_runs = [timed(lambda: duck.query(sql.format(table=direct_csv)))[0] for _ in range(RUNS)]
                runs = [run_query(athena, sql.format(table="big"))[0] for _ in range(RUNS)]
                compare(f"{CSV_MB} MB CSV scan", runs, duck_runs)

            _, execution = run_query(athena, f"SELECT user_id, amount, item FROM purchases LIMIT {PAGE_ROWS}")
            qid, rows, token = execution["QueryExecutionId"], 0, None
            begun = time.perf_counter()
            while True:
                page = athena.get_query_results(QueryExecutionId=qid, MaxResults=1000,
                                                **({"NextToken": token} if token else {}))
                rows += len(page["ResultSet"]["Rows"])
                token = page.get("NextToken")
                if not token:
                    break
            seconds = time.perf_counter() - begun
            print(f"GetQueryResults: {rows - 1:,} rows in {seconds:.1f} s ({(rows - 1) / seconds:,.0f} rows/s, "
                  f"{seconds / (rows / 1000) * 1000:.1f} ms a page)")

            process, queue = probed(endpoint, 5)
            quiet = queue.get()
            process.join()
            queries = [threading.Thread(target=run_query, args=(client(endpoint, "athena"),
                                                                "SELECT user_id, SUM(amount) FROM purchases "
                                                                "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"),
                                        kwargs={"poll": 0.05})
                       for _ in range(8)]
            begun = time.perf_counter()
            for query in queries:
                query.start()
            process, queue = probed(endpoint, 4)
            for query in queries:
                query.join()
            seconds = time.perf_counter() - begun
            busy = queue.get()
            process.join()
            print(f"8 concurrent full-table queries took {seconds:.1f} s; SQS SendMessage + S3 GetObject p99 "
                  f"{p99(busy):.1f} ms during them ({len(busy)} calls) against {p99(quiet):.1f} ms without "
                  f"({len(quiet)} calls)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
