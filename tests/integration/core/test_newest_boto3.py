"""The newest boto3 on the machine (the `python3` first on PATH, when it is not Debian's and has a
boto3 that speaks SQS's JSON protocol) against the same server: STS identity and a role's
temporary credentials acting in the role's account, a 1 MiB SQS message, and an S3 event
notification delivered to a queue. Skipped where no such interpreter exists (it is never a set-up
requirement)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = r'''
import json, sys, time
import boto3
endpoint = sys.argv[1]
kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")
sts = boto3.client("sts", **kw)
assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:root"
c = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/app", RoleSessionName="newest")["Credentials"]
temp = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id=c["AccessKeyId"],
            aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
assert boto3.client("sts", **temp).get_caller_identity()["Account"] == "111122223333"
url = boto3.client("sqs", **temp).create_queue(QueueName="newest-role-queue")["QueueUrl"]
assert "/111122223333/" in url, url
sqs = boto3.client("sqs", **kw)
assert sqs.meta.service_model.protocol == "json"
url = sqs.create_queue(QueueName="newest-big")["QueueUrl"]
body = "x" * 1048576
sqs.send_message(QueueUrl=url, MessageBody=body)
got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"]
assert got == body
try:
    sqs.send_message(QueueUrl=url, MessageBody=body + "x")
    raise AssertionError("1 MiB + 1 byte was accepted")
except sqs.exceptions.ClientError as error:
    assert error.response["Error"]["Code"] == "InvalidParameterValue", error.response
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket="newest-events")
events = sqs.create_queue(QueueName="newest-events")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=events, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
s3.put_bucket_notification_configuration(Bucket="newest-events", NotificationConfiguration={
    "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
s3.put_object(Bucket="newest-events", Key="k", Body=b"hello")
seen = []
deadline = time.monotonic() + 10
while "ObjectCreated:Put" not in seen and time.monotonic() < deadline:
    for m in sqs.receive_message(QueueUrl=events, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
        record = json.loads(m["Body"])
        seen.append(record.get("Event") or record["Records"][0]["eventName"])
assert seen[:2] == ["s3:TestEvent", "ObjectCreated:Put"], seen
print("ok", boto3.__version__)
'''


def newest_python() -> str | None:
    found = shutil.which("python3")
    if not found or Path(found).resolve() == Path("/usr/bin/python3").resolve():
        return None
    probe = subprocess.run([found, "-c", "import boto3; print(boto3.__version__)"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    major, minor = (int(part) for part in probe.stdout.strip().split(".")[:2])
    return found if (major, minor) >= (1, 34) else None  # SQS speaks JSON from botocore 1.34.x


def run_with_newest_boto3(server_factory, script: str) -> None:
    """Runs `script` (its first argument: a fresh server's endpoint) with the newest boto3; it prints "ok"."""
    python = newest_python()
    if not python:
        pytest.skip("no newer boto3 on PATH than Debian's")
    server = server_factory()
    run = subprocess.run([python, "-c", script, server.endpoint], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ok")


def test_newest_boto3_sees_sts_sqs_and_s3_events_as_the_old_one_does(server_factory):
    run_with_newest_boto3(server_factory, SCRIPT)


LAMBDA_SCRIPT = r'''
import base64, io, json, sys, time, zipfile
import boto3
endpoint = sys.argv[1]
kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")
lam = boto3.client("lambda", **kw)
logs = boto3.client("logs", **kw)
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as z:
    z.writestr("index.mjs", "export const handler = async (e) => { console.log('newest', e.n); "
                            "if (e.fail) throw new Error('asked to'); return { statusCode: 200, body: JSON.stringify(e) }; };")
created = lam.create_function(FunctionName="newest-fn", Runtime="nodejs22.x", Role="arn:aws:iam::000000000000:role/r",
                              Handler="index.handler", Code={"ZipFile": buffer.getvalue()}, Architectures=["arm64"],
                              LoggingConfig={"LogFormat": "Text"})
assert created["State"] == "Pending" and created["LoggingConfig"]["LogGroup"] == "/aws/lambda/newest-fn", created
lam.get_waiter("function_active_v2").wait(FunctionName="newest-fn")
out = lam.invoke(FunctionName="newest-fn", Payload=json.dumps({"n": 1}), LogType="Tail")
assert json.loads(out["Payload"].read()) == {"statusCode": 200, "body": "{\"n\":1}"}
assert "REPORT RequestId:" in base64.b64decode(out["LogResult"]).decode()
out = lam.invoke(FunctionName="newest-fn", Payload=json.dumps({"fail": True}))
assert out["FunctionError"] == "Unhandled" and json.loads(out["Payload"].read())["errorMessage"] == "asked to"
assert lam.invoke(FunctionName="newest-fn", InvocationType="Event", Payload=json.dumps({"n": 2}))["StatusCode"] == 202
deadline = time.monotonic() + 10
messages = []
while time.monotonic() < deadline:
    try:
        messages = [e["message"] for e in logs.filter_log_events(logGroupName="/aws/lambda/newest-fn")["events"]]
    except logs.exceptions.ResourceNotFoundException:
        pass
    if any("newest 2" in m for m in messages):
        break
    time.sleep(0.2)
assert any("newest 2" in m for m in messages), messages
print("ok", boto3.__version__)
'''


def test_newest_boto3_runs_and_reads_a_lambda_function(server_factory):
    run_with_newest_boto3(server_factory, LAMBDA_SCRIPT)


S3_WIRE_SCRIPT = r'''
import sys
import boto3
from botocore.config import Config
endpoint = sys.argv[1]
s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test",
                  aws_secret_access_key="test", config=Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket="newest-wire")
keys = [" ", "\t", " padded "]
for key in keys:
    s3.put_object(Bucket="newest-wire", Key=key, Body=b"x")
acl = s3.get_bucket_acl(Bucket="newest-wire")
assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser", acl
deleted = s3.delete_objects(Bucket="newest-wire", Delete={"Objects": [{"Key": k} for k in keys]},
                            BypassGovernanceRetention=True)
assert sorted(d["Key"] for d in deleted["Deleted"]) == sorted(keys), deleted
s3.create_multipart_upload(Bucket="newest-wire", Key="big")  # discarded with its bucket
s3.delete_bucket(Bucket="newest-wire")
print("ok", boto3.__version__)
'''


def test_newest_boto3_reads_s3_acls_whitespace_keys_and_booleans_as_the_old_one_does(server_factory):
    run_with_newest_boto3(server_factory, S3_WIRE_SCRIPT)


ANALYTICS_SCRIPT = r'''
import json, sys, time
import boto3
from botocore.exceptions import ClientError
endpoint = sys.argv[1]
kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")
s3, glue, athena = (boto3.client(name, **kw) for name in ("s3", "glue", "athena"))
s3.create_bucket(Bucket="lake")
s3.put_object(Bucket="lake", Key="raw/events/1.json",
              Body="\n".join(json.dumps({"user": f"u{i % 3}", "amount": i}) for i in range(30)).encode())
glue.create_database(DatabaseInput={"Name": "raw"})
glue.create_table(DatabaseName="raw", TableInput={"Name": "events", "StorageDescriptor": {
    "Columns": [{"Name": "user", "Type": "string"}, {"Name": "amount", "Type": "int"}],
    "Location": "s3://lake/raw/events/",
    "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}})
try:
    glue.get_table(DatabaseName="raw", Name="nope")
    raise SystemExit("no error")
except ClientError as error:
    assert error.response["Error"]["Code"] == "EntityNotFoundException", error.response
qid = athena.start_query_execution(QueryString="SELECT user, SUM(amount) AS total FROM events GROUP BY user ORDER BY user",
                                   QueryExecutionContext={"Database": "raw"},
                                   ResultConfiguration={"OutputLocation": "s3://lake/results/"})["QueryExecutionId"]
for _ in range(500):
    execution = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
    if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
        break
    time.sleep(0.02)
assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
rows = [[d.get("VarCharValue") for d in r["Data"]] for r in athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]]
assert rows == [["user", "total"], ["u0", "135"], ["u1", "145"], ["u2", "155"]], rows
try:
    athena.start_query_execution(QueryString="SELECT 1")
    raise SystemExit("no error")
except ClientError as error:
    assert error.response["Error"]["Code"] == "InvalidRequestException", error.response
print("ok")
'''


def test_newest_boto3_runs_glue_and_athena_as_the_old_one_does(server_factory):
    run_with_newest_boto3(server_factory, ANALYTICS_SCRIPT)
