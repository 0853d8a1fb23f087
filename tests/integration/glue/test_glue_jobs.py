"""Glue jobs with Debian's boto3: definitions, runs of pythonshell and glueetl scripts (stored in
nimbus's S3, run as local Python processes pointed at nimbus), their end states, output in
CloudWatch Logs, stopping, concurrency limits, bookmarks, and the seed's Glue ETL script run
verbatim over a JSON table of the catalog."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import make_client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "athena"))
from duckdb_direct import DuckDB  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
SEED_SCRIPT = REPO / "tests" / "fixtures" / "seed_glue_job.py"
ROLE = "arn:aws:iam::000000000000:role/glue"
END_STATES = {"SUCCEEDED", "FAILED", "STOPPED", "TIMEOUT", "ERROR"}


@pytest.fixture
def glue(nimbus):
    return make_client(nimbus.endpoint, service="glue")


@pytest.fixture
def s3(nimbus):
    return make_client(nimbus.endpoint, service="s3")


@pytest.fixture
def logs(nimbus):
    return make_client(nimbus.endpoint, service="logs")


def put_script(s3, key: str, text: str, bucket: str = "scripts") -> str:
    try:
        s3.create_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response["Error"]["Code"] != "BucketAlreadyOwnedByYou":
            raise
    s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
    return f"s3://{bucket}/{key}"


def make_job(glue, name: str, location: str, kind: str = "pythonshell", **extra) -> None:
    glue.create_job(Name=name, Role=ROLE, Command={"Name": kind, "ScriptLocation": location}, **extra)


def wait_for_run(glue, job: str, run_id: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] in END_STATES:
            return run
        assert time.monotonic() < deadline, f"run still {run['JobRunState']}"
        time.sleep(0.2)


def wait_for_state(glue, job: str, run_id: str, state: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = glue.get_job_run(JobName=job, RunId=run_id)["JobRun"]
        if run["JobRunState"] == state:
            return run
        assert time.monotonic() < deadline, f"run {run['JobRunState']}, not {state}"
        time.sleep(0.1)


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]


def log_messages(logs, group: str, stream: str) -> list[str]:
    return [e["message"] for e in logs.get_log_events(logGroupName=group, logStreamName=stream,
                                                       startFromHead=True)["events"]]


PRINT_ARGS = """
import sys
from awsglue.utils import getResolvedOptions
args = getResolvedOptions(sys.argv, ["JOB_NAME", "JOB_RUN_ID", "greeting", "target"])
print(f"{args['greeting']}, {args['target']} from {args['JOB_NAME']}")
print("run", args["JOB_RUN_ID"])
print("diagnostics", file=sys.stderr)
"""


def test_a_pythonshell_job_gets_its_arguments_and_succeeds_with_its_output_in_logs(glue, s3, logs):
    location = put_script(s3, "jobs/print_args.py", PRINT_ARGS)
    make_job(glue, "printer", location, DefaultArguments={"--greeting": "hello", "--target": "default"})
    job = glue.get_job(JobName="printer")["Job"]
    assert job["Command"] == {"Name": "pythonshell", "ScriptLocation": location, "PythonVersion": "3.9"}
    assert job["ExecutionProperty"] == {"MaxConcurrentRuns": 1}
    assert job["MaxCapacity"] == 0.0625 and job["Timeout"] == 2880 and job["MaxRetries"] == 0

    run_id = glue.start_job_run(JobName="printer", Arguments={"--target": "nimbus"})["JobRunId"]
    assert run_id.startswith("jr_") and len(run_id) == 67
    run = wait_for_run(glue, "printer", run_id)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert run["Id"] == run_id and run["JobName"] == "printer" and run["Attempt"] == 0
    assert run["Arguments"] == {"--target": "nimbus"}
    assert run["CompletedOn"] >= run["StartedOn"]
    assert isinstance(run["ExecutionTime"], int)
    assert "ErrorMessage" not in run
    output = log_messages(logs, "/aws-glue/jobs/output", run_id)
    assert output == ["hello, nimbus from printer", f"run {run_id}"]
    assert log_messages(logs, "/aws-glue/jobs/error", run_id) == ["diagnostics"]


def test_a_failing_script_ends_failed_with_its_error(glue, s3):
    location = put_script(s3, "jobs/fail.py", "print('about to fail')\nraise ValueError('bad input row 7')\n")
    make_job(glue, "failing", location)
    run_id = glue.start_job_run(JobName="failing")["JobRunId"]
    run = wait_for_run(glue, "failing", run_id)
    assert run["JobRunState"] == "FAILED"
    assert run["ErrorMessage"] == "ValueError: bad input row 7"
    assert "CompletedOn" in run


def test_a_missing_script_fails_the_run(glue, s3):
    put_script(s3, "jobs/other.py", "pass\n")
    make_job(glue, "lost", "s3://scripts/jobs/missing.py")
    run = wait_for_run(glue, "lost", glue.start_job_run(JobName="lost")["JobRunId"])
    assert run["JobRunState"] == "FAILED"
    assert "s3://scripts/jobs/missing.py" in run["ErrorMessage"]


def test_job_definitions_are_listed_updated_and_deleted(glue):
    for name in ("alpha", "beta", "gamma"):
        make_job(glue, name, f"s3://scripts/{name}.py", kind="glueetl", GlueVersion="4.0")
    assert error_of(glue.create_job, Name="alpha", Role=ROLE,
                    Command={"Name": "glueetl", "ScriptLocation": "s3://x/y.py"})["Code"] == "AlreadyExistsException"
    first = glue.list_jobs(MaxResults=2)
    assert first["JobNames"] == ["alpha", "beta"]
    assert glue.list_jobs(NextToken=first["NextToken"])["JobNames"] == ["gamma"]
    assert [j["Name"] for j in glue.get_jobs()["Jobs"]] == ["alpha", "beta", "gamma"]
    glue.update_job(JobName="beta", JobUpdate={"Role": ROLE, "Description": "updated",
                                                "Command": {"Name": "pythonshell", "ScriptLocation": "s3://s/b.py"}})
    beta = glue.get_job(JobName="beta")["Job"]
    assert beta["Description"] == "updated" and beta["Command"]["Name"] == "pythonshell"
    assert "GlueVersion" not in beta  # UpdateJob replaces the definition
    assert glue.delete_job(JobName="beta")["JobName"] == "beta"
    assert error_of(glue.get_job, JobName="beta")["Code"] == "EntityNotFoundException"
    assert glue.delete_job(JobName="never")["JobName"] == "never"
    assert error_of(glue.start_job_run, JobName="never") == {
        "Code": "EntityNotFoundException", "Message": "Failed to start job run due to missing metadata"}
    assert error_of(glue.update_job, JobName="never", JobUpdate={
        "Role": ROLE, "Command": {"Name": "glueetl"}})["Code"] == "EntityNotFoundException"


def test_get_job_runs_lists_a_jobs_runs_newest_first(glue, s3):
    location = put_script(s3, "jobs/quick.py", "print('quick')\n")
    make_job(glue, "quick", location, ExecutionProperty={"MaxConcurrentRuns": 5})
    ids = [glue.start_job_run(JobName="quick")["JobRunId"] for _ in range(3)]
    for run_id in ids:
        assert wait_for_run(glue, "quick", run_id)["JobRunState"] == "SUCCEEDED"
    runs = glue.get_job_runs(JobName="quick")["JobRuns"]
    assert [r["Id"] for r in runs] == list(reversed(ids))
    page = glue.get_job_runs(JobName="quick", MaxResults=2)
    assert len(page["JobRuns"]) == 2
    rest = glue.get_job_runs(JobName="quick", NextToken=page["NextToken"])
    assert [r["Id"] for r in rest["JobRuns"]] == [ids[0]] and "NextToken" not in rest
    assert error_of(glue.get_job_runs, JobName="ghost")["Code"] == "EntityNotFoundException"
    assert error_of(glue.get_job_run, JobName="quick", RunId="jr_nope")["Code"] == "EntityNotFoundException"


def test_batch_stop_job_run_stops_a_sleeping_script(glue, s3):
    location = put_script(s3, "jobs/sleep.py", "import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n")
    make_job(glue, "sleeper", location)
    run_id = glue.start_job_run(JobName="sleeper")["JobRunId"]
    wait_for_state(glue, "sleeper", run_id, "RUNNING")
    stopped = glue.batch_stop_job_run(JobName="sleeper", JobRunIds=[run_id, "jr_unknown"])
    assert stopped["SuccessfulSubmissions"] == [{"JobName": "sleeper", "JobRunId": run_id}]
    assert [(e["JobRunId"], e["ErrorDetail"]["ErrorCode"]) for e in stopped["Errors"]] == [
        ("jr_unknown", "EntityNotFoundException")]
    run = wait_for_run(glue, "sleeper", run_id, timeout=15)
    assert run["JobRunState"] == "STOPPED"
    again = glue.batch_stop_job_run(JobName="sleeper", JobRunIds=[run_id])
    assert again["SuccessfulSubmissions"] == [] and again["Errors"][0]["ErrorDetail"]["ErrorCode"] == \
        "InvalidInputException"


def test_max_concurrent_runs_refuses_another_run(glue, s3):
    location = put_script(s3, "jobs/slow.py", "import time\ntime.sleep(600)\n")
    make_job(glue, "single", location)  # MaxConcurrentRuns 1 by default
    first = glue.start_job_run(JobName="single")["JobRunId"]
    refused = error_of(glue.start_job_run, JobName="single")
    assert refused == {"Code": "ConcurrentRunsExceededException", "Message": "Concurrent runs exceeded for single"}
    glue.batch_stop_job_run(JobName="single", JobRunIds=[first])
    assert wait_for_run(glue, "single", first, timeout=15)["JobRunState"] == "STOPPED"
    second = glue.start_job_run(JobName="single")["JobRunId"]
    glue.batch_stop_job_run(JobName="single", JobRunIds=[second])
    assert wait_for_run(glue, "single", second, timeout=15)["JobRunState"] == "STOPPED"


BOOKMARKED = """
import sys
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
args = getResolvedOptions(sys.argv, ["JOB_NAME"])
job = Job(GlueContext(SparkContext.getOrCreate()))
job.init(args["JOB_NAME"], args)
job.commit()
"""


def test_a_committed_run_stores_the_job_bookmark(glue, s3):
    location = put_script(s3, "jobs/bookmarked.py", BOOKMARKED)
    make_job(glue, "marked", location, kind="glueetl",
             DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"})
    assert error_of(glue.get_job_bookmark, JobName="marked")["Code"] == "EntityNotFoundException"
    first = glue.start_job_run(JobName="marked")["JobRunId"]
    assert wait_for_run(glue, "marked", first)["JobRunState"] == "SUCCEEDED"
    second = glue.start_job_run(JobName="marked")["JobRunId"]
    assert wait_for_run(glue, "marked", second)["JobRunState"] == "SUCCEEDED"
    entry = glue.get_job_bookmark(JobName="marked")["JobBookmarkEntry"]
    assert entry["JobName"] == "marked" and entry["RunId"] == second and entry["PreviousRunId"] == first
    assert entry["Version"] == 2 and json.loads(entry["JobBookmark"])["job"] == "marked"
    reset = glue.reset_job_bookmark(JobName="marked")["JobBookmarkEntry"]
    assert reset["RunId"] == second
    assert error_of(glue.get_job_bookmark, JobName="marked")["Code"] == "EntityNotFoundException"


EVENT_TYPES = ["page_view", "click", "purchase", "signup", "add_to_cart"]


def user_events(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    events = []
    for i in range(count):
        kind = rng.choice(EVENT_TYPES)
        events.append({"event_id": f"e{seed}-{i}", "user_id": f"u{rng.randint(1, 40)}", "event_type": kind,
                       "amount": round(rng.uniform(1, 500), 2) if kind == "purchase" else None,
                       "event_time": f"2024-01-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:00:00"})
    return events


def test_the_seeds_glue_etl_script_keeps_exactly_the_purchase_events(glue, s3, tmp_path):
    s3.create_bucket(Bucket="lake")
    s3.create_bucket(Bucket="my-bucket")
    batches = [user_events(300, 1), user_events(250, 2)]
    for n, batch in enumerate(batches):
        body = "\n".join(json.dumps(e) for e in batch) + "\n"
        s3.put_object(Bucket="lake", Key=f"raw/user_events/part-{n}.json", Body=body.encode())
    glue.create_database(DatabaseInput={"Name": "raw_database"})
    glue.create_table(DatabaseName="raw_database", TableInput={
        "Name": "user_events", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
        "StorageDescriptor": {
            "Columns": [{"Name": "event_id", "Type": "string"}, {"Name": "user_id", "Type": "string"},
                        {"Name": "event_type", "Type": "string"}, {"Name": "amount", "Type": "double"},
                        {"Name": "event_time", "Type": "timestamp"}],
            "Location": "s3://lake/raw/user_events/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}})
    location = put_script(s3, "etl/user_events_to_purchases.py", SEED_SCRIPT.read_text())
    make_job(glue, "purchases-etl", location, kind="glueetl", GlueVersion="4.0",
             WorkerType="G.1X", NumberOfWorkers=2)
    run_id = glue.start_job_run(JobName="purchases-etl")["JobRunId"]
    run = wait_for_run(glue, "purchases-etl", run_id, timeout=120)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")

    listed = s3.list_objects_v2(Bucket="my-bucket", Prefix="processed/purchases/")["Contents"]
    keys = [o["Key"] for o in listed]
    assert keys and all(k.startswith("processed/purchases/part-00000-") and k.endswith(".parquet") for k in keys)
    files = []
    for n, key in enumerate(keys):
        path = tmp_path / f"{n}.parquet"
        path.write_bytes(s3.get_object(Bucket="my-bucket", Key=key)["Body"].read())
        files.append(str(path))
    file_list = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    db = DuckDB()
    rows = db.query(f"SELECT event_id, user_id, event_type, amount, CAST(event_time AS VARCHAR) "
                    f"FROM read_parquet({file_list}) ORDER BY event_id")
    expected = sorted((e for b in batches for e in b if e["event_type"] == "purchase"), key=lambda e: e["event_id"])
    assert len(expected) > 50
    assert [r[0] for r in rows] == [e["event_id"] for e in expected]
    assert all(r[2] == "purchase" for r in rows)
    assert [float(r[3]) for r in rows] == [e["amount"] for e in expected]
    assert [r[4] for r in rows] == [e["event_time"] for e in expected]
    types = dict(db.query(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({file_list}))"))
    assert types == {"event_id": "VARCHAR", "user_id": "VARCHAR", "event_type": "VARCHAR", "amount": "DOUBLE",
                     "event_time": "TIMESTAMP"}


TRANSFORMS = """
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from awsglue.context import GlueContext
from pyspark.context import SparkContext
args = getResolvedOptions(sys.argv, ["JOB_NAME", "source", "target"])
context = GlueContext(SparkContext.getOrCreate())
frame = context.create_dynamic_frame.from_options(
    connection_type="s3", connection_options={"paths": [args["source"]]}, format="csv",
    format_options={"withHeader": True})
mapped = ApplyMapping.apply(frame=frame, mappings=[
    ("id", "string", "order_id", "long"), ("price", "string", "price", "double"), ("region", "string", "region", "string")])
big = Filter.apply(frame=mapped, f=lambda r: r["price"] >= 10)
doubled = Map.apply(frame=big, f=lambda r: {**r, "price": r["price"] * 2})
print("rows", frame.count(), big.count(), doubled.toDF().count())
context.write_dynamic_frame.from_options(frame=doubled.drop_fields(["region"]), connection_type="s3",
    connection_options={"path": args["target"]}, format="json")
"""


def test_a_glueetl_script_maps_filters_and_writes_json(glue, s3, logs):
    s3.create_bucket(Bucket="data")
    s3.put_object(Bucket="data", Key="in/orders.csv",
                  Body=b"id,price,region\n1,5.5,eu\n2,12,us\n3,30.25,eu\n")
    location = put_script(s3, "jobs/transforms.py", TRANSFORMS)
    make_job(glue, "transforms", location, kind="glueetl",
             DefaultArguments={"--source": "s3://data/in/", "--target": "s3://data/out/"})
    run_id = glue.start_job_run(JobName="transforms")["JobRunId"]
    run = wait_for_run(glue, "transforms", run_id, timeout=120)
    assert run["JobRunState"] == "SUCCEEDED", run.get("ErrorMessage")
    assert log_messages(logs, "/aws-glue/jobs/output", run_id) == ["rows 3 2 2"]
    [written] = s3.list_objects_v2(Bucket="data", Prefix="out/")["Contents"]
    assert written["Key"].startswith("out/part-00000-") and written["Key"].endswith(".json")
    lines = s3.get_object(Bucket="data", Key=written["Key"])["Body"].read().decode().splitlines()
    assert [json.loads(line) for line in lines] == [{"order_id": 2, "price": 24.0}, {"order_id": 3, "price": 60.5}]


def test_a_run_interrupted_by_a_restart_ends_failed(server_factory):
    server = server_factory()
    glue = make_client(server.endpoint, service="glue")
    s3 = make_client(server.endpoint, service="s3")
    location = put_script(s3, "jobs/long.py", "import time\ntime.sleep(600)\n")
    make_job(glue, "long", location)
    run_id = glue.start_job_run(JobName="long")["JobRunId"]
    wait_for_state(glue, "long", run_id, "RUNNING")
    server.restart(kill=True)
    glue = make_client(server.endpoint, service="glue")
    run = glue.get_job_run(JobName="long", RunId=run_id)["JobRun"]
    assert run["JobRunState"] == "FAILED"
    assert "interrupted" in run["ErrorMessage"]


def test_the_aws_cli_creates_and_runs_a_job(aws_cli, s3, tmp_path):
    location = put_script(s3, "jobs/cli.py", "import sys\nprint('args', sys.argv[1:3])\n")
    aws_cli("glue", "create-job", "--name", "cli-job", "--role", ROLE, "--command",
            json.dumps({"Name": "pythonshell", "ScriptLocation": location, "PythonVersion": "3.9"}))
    run_id = aws_cli("glue", "start-job-run", "--job-name", "cli-job", "--arguments",
                     json.dumps({"--day": "2024-01-02"})).json["JobRunId"]
    deadline = time.monotonic() + 60
    while True:
        run = aws_cli("glue", "get-job-run", "--job-name", "cli-job", "--run-id", run_id).json["JobRun"]
        if run["JobRunState"] in END_STATES or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert run["JobRunState"] == "SUCCEEDED"
    assert run["Arguments"] == {"--day": "2024-01-02"}
    missing = aws_cli("glue", "get-job", "--job-name", "nope", check=False)
    assert missing.returncode == 254 and "EntityNotFoundException" in missing.stderr
