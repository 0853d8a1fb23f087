"""Lambda event source mappings from DynamoDB streams, through Debian's boto3: changes reach the
function in order with eventSourceARN, BatchSize, TRIM_HORIZON vs LATEST, retries and the OnFailure
destination, BisectBatchOnFunctionError, ReportBatchItemFailures, FilterCriteria, the checkpoint
across a restart, and the errors Lambda answers.

The Python function records every invocation (the records' names, keys and sequence numbers) by
sending it to a `seen` queue through SQS's JSON protocol; items whose key starts with "throw" fail
the whole batch, those starting with "bad" are reported as batch item failures."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique
from lambda_helpers import create_function

RECORDER = r'''
import json, os, urllib.request

def record(body):
    region = os.environ["AWS_REGION"]
    request = urllib.request.Request(
        os.environ["AWS_ENDPOINT_URL"] + "/",
        data=json.dumps({"QueueUrl": os.environ["SEEN_QUEUE"], "MessageBody": json.dumps(body)}).encode(),
        headers={"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.SendMessage",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=" + os.environ["AWS_ACCESS_KEY_ID"] +
                                  "/20240101/" + region + "/sqs/aws4_request, SignedHeaders=host, Signature=00"})
    urllib.request.urlopen(request).read()

def handler(event, context):
    records = [{"name": r["eventName"], "id": r["dynamodb"]["Keys"]["id"]["S"],
                "seq": r["dynamodb"]["SequenceNumber"], "arn": r.get("eventSourceARN"),
                "source": r.get("eventSource"), "new": r["dynamodb"].get("NewImage"),
                "old": r["dynamodb"].get("OldImage")} for r in event["Records"]]
    record(records)
    if any(r["id"].startswith("throw") for r in records):
        raise Exception("boom")
    return {"batchItemFailures": [{"itemIdentifier": r["seq"]} for r in records if r["id"].startswith("bad")]}
'''


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


@pytest.fixture
def sqs(nimbus):
    return make_client(nimbus.endpoint, service="sqs")


@pytest.fixture
def ddb(nimbus):
    return make_client(nimbus.endpoint, service="dynamodb")


def error_of(err: ClientError) -> tuple[str, str]:
    return err.response["Error"]["Code"], err.response["Error"]["Message"]


def make_table(ddb) -> tuple[str, str]:
    name = unique("tbl")
    answer = ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    return name, answer["TableDescription"]["LatestStreamArn"]


def make_queue(sqs, prefix: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=unique(prefix))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def make_function(lam, sqs) -> tuple[str, str]:
    """The recording function and its `seen` queue url."""
    seen_url, _ = make_queue(sqs, "seen")
    name = unique("fn")
    create_function(lam, name, {"index.py": RECORDER}, runtime="python3.12", handler="index.handler",
                    Environment={"Variables": {"SEEN_QUEUE": seen_url}}, Timeout=10)
    return name, seen_url


def put(ddb, table: str, key: str, **attributes) -> None:
    item = {"id": {"S": key}, **{k: {"S": str(v)} for k, v in attributes.items()}}
    ddb.put_item(TableName=table, Item=item)


def drain(sqs, url: str, expected: int, timeout: float = 30.0, settle: float = 0.0, count=len) -> list:
    """Messages sent to `url` (parsed, in arrival order) until `count(got) >= expected`, then `settle`
    seconds more."""
    got: list = []
    deadline = time.time() + timeout
    settle_until = None
    while time.time() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in messages:
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if count(got) >= expected:
            if settle_until is None:
                settle_until = time.time() + settle
            if time.time() >= settle_until:
                break
    return got


def records_in(invocations: list) -> int:
    return sum(len(i) for i in invocations)


def ids(invocations: list) -> list[list[str]]:
    return [[r["id"] for r in invocation] for invocation in invocations]


def wait_result(lam, uuid: str, prefix: str, timeout: float = 15.0) -> str:
    result = ""
    deadline = time.time() + timeout
    while time.time() < deadline:
        result = lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"]
        if result.startswith(prefix):
            return result
        time.sleep(0.2)
    return result


def test_insert_modify_remove_reach_the_function_in_order_with_the_stream_arn(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    created = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON")
    assert created["State"] == "Creating" and created["StartingPosition"] == "TRIM_HORIZON"
    assert created["BatchSize"] == 100 and created["MaximumBatchingWindowInSeconds"] == 0
    assert created["MaximumRetryAttempts"] == -1 and created["MaximumRecordAgeInSeconds"] == -1
    assert created["BisectBatchOnFunctionError"] is False and created["ParallelizationFactor"] == 1
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    assert created["EventSourceArn"] == stream and created["FunctionArn"].endswith(":function:" + name)
    assert "ScalingConfig" not in created

    put(ddb, table, "a", v="1")
    ddb.update_item(TableName=table, Key={"id": {"S": "a"}}, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"S": "2"}})
    ddb.delete_item(TableName=table, Key={"id": {"S": "a"}})
    put(ddb, table, "b", v="3")
    records = [r for invocation in drain(sqs, seen, 4, count=records_in) for r in invocation]
    assert [(r["name"], r["id"]) for r in records] == [("INSERT", "a"), ("MODIFY", "a"), ("REMOVE", "a"), ("INSERT", "b")]
    assert all(r["arn"] == stream and r["source"] == "aws:dynamodb" for r in records)
    assert [int(r["seq"]) for r in records] == sorted(int(r["seq"]) for r in records)
    assert records[1]["old"] == {"id": {"S": "a"}, "v": {"S": "1"}} and records[1]["new"]["v"] == {"S": "2"}
    assert wait_result(lam, created["UUID"], "OK") == "OK"

    listed = lam.list_event_source_mappings(EventSourceArn=stream)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [created["UUID"]]
    got = lam.get_event_source_mapping(UUID=created["UUID"])
    assert got["State"] == "Enabled" and got["StartingPosition"] == "TRIM_HORIZON"


def test_batch_size_caps_each_invocation(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    for i in range(7):
        put(ddb, table, f"k{i}")
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON",
                                    BatchSize=3)
    invocations = drain(sqs, seen, 7, count=records_in, settle=1.0)
    assert ids(invocations) == [["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6"]]


def test_trim_horizon_starts_at_the_oldest_record_and_latest_after_the_newest(lam, sqs, ddb):
    table, stream = make_table(ddb)
    put(ddb, table, "before-1")
    put(ddb, table, "before-2")
    horizon_fn, horizon_seen = make_function(lam, sqs)
    latest_fn, latest_seen = make_function(lam, sqs)
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=horizon_fn, StartingPosition="TRIM_HORIZON")
    latest = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=latest_fn, StartingPosition="LATEST")
    assert latest["StartingPosition"] == "LATEST"
    put(ddb, table, "after")
    horizon = [r["id"] for i in drain(sqs, horizon_seen, 3, count=records_in) for r in i]
    assert horizon == ["before-1", "before-2", "after"]
    assert [r["id"] for i in drain(sqs, latest_seen, 1, count=records_in, settle=1.5) for r in i] == ["after"]


def test_a_failing_batch_is_retried_then_sent_to_the_on_failure_queue_and_the_shard_moves_on(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    created = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    assert created["MaximumRetryAttempts"] == 1
    assert created["DestinationConfig"] == {"OnFailure": {"Destination": dlq_arn}}
    put(ddb, table, "throw-1")
    failures = drain(sqs, dlq_url, 1, timeout=30)
    assert len(failures) == 1
    failure = failures[0]
    assert failure["version"] == "1.0" and failure["timestamp"].endswith("Z")
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert failure["requestContext"]["functionArn"].endswith(":function:" + name)
    assert failure["responseContext"]["functionError"] == "Unhandled"
    info = failure["DDBStreamBatchInfo"]
    assert info["streamArn"] == stream and info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert info["shardId"].startswith("shardId-") and info["approximateArrivalOfFirstRecord"].endswith("Z")
    assert wait_result(lam, created["UUID"], "PROBLEM").startswith("PROBLEM")

    put(ddb, table, "fine")
    invocations = drain(sqs, seen, 3)
    assert ids(invocations) == [["throw-1"], ["throw-1"], ["fine"]]
    assert invocations[0][0]["seq"] == info["startSequenceNumber"]
    assert wait_result(lam, created["UUID"], "OK") == "OK"


def test_bisect_batch_on_function_error_splits_until_the_failing_record_is_alone(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    for key in ("ok-1", "throw-2", "ok-3", "ok-4"):
        put(ddb, table, key)
    lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=0,
        BisectBatchOnFunctionError=True, DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    invocations = drain(sqs, seen, 5, settle=1.0)
    assert ids(invocations) == [["ok-1", "throw-2", "ok-3", "ok-4"], ["ok-1", "throw-2"], ["ok-1"], ["throw-2"],
                                ["ok-3", "ok-4"]]
    failures = drain(sqs, dlq_url, 1)
    assert [f["DDBStreamBatchInfo"]["batchSize"] for f in failures] == [1]


def test_report_batch_item_failures_resumes_at_the_failed_record(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    for key in ("ok-1", "bad-2", "ok-3"):
        put(ddb, table, key)
    created = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
        FunctionResponseTypes=["ReportBatchItemFailures"], DestinationConfig={"OnFailure": {"Destination": dlq_arn}})
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    invocations = drain(sqs, seen, 2)
    assert ids(invocations) == [["ok-1", "bad-2", "ok-3"], ["bad-2", "ok-3"]]
    failures = drain(sqs, dlq_url, 1)
    info = failures[0]["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2 and info["startSequenceNumber"] == invocations[0][1]["seq"]
    put(ddb, table, "ok-4")
    assert ids(drain(sqs, seen, 1, settle=1.0)) == [["ok-4"]]


def test_filter_criteria_on_event_name_hands_over_only_matching_records(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    pattern = json.dumps({"eventName": ["INSERT"]})
    created = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON",
                                              FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert created["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    put(ddb, table, "a")
    put(ddb, table, "a", v="changed")
    ddb.delete_item(TableName=table, Key={"id": {"S": "a"}})
    put(ddb, table, "b")
    records = [r for i in drain(sqs, seen, 2, count=records_in, settle=1.5) for r in i]
    assert [(r["name"], r["id"]) for r in records] == [("INSERT", "a"), ("INSERT", "b")]


def test_update_disable_and_delete_a_stream_mapping(lam, sqs, ddb):
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    uuid = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="LATEST")["UUID"]
    updated = lam.update_event_source_mapping(UUID=uuid, BatchSize=5, MaximumRetryAttempts=3,
                                              MaximumRecordAgeInSeconds=120, BisectBatchOnFunctionError=True)
    assert updated["State"] == "Updating" and updated["StartingPosition"] == "LATEST"
    assert (updated["BatchSize"], updated["MaximumRetryAttempts"], updated["MaximumRecordAgeInSeconds"]) == (5, 3, 120)
    assert updated["BisectBatchOnFunctionError"] is True
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    put(ddb, table, "while-disabled")
    time.sleep(1.5)
    assert drain(sqs, seen, 1, timeout=1.5) == []
    assert lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    assert ids(drain(sqs, seen, 1)) == [["while-disabled"]]
    with pytest.raises(ClientError) as err:
        lam.update_event_source_mapping(UUID=uuid, MaximumRecordAgeInSeconds=10)
    assert error_of(err.value)[0] == "InvalidParameterValueException"
    assert lam.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    with pytest.raises(ClientError) as err:
        lam.get_event_source_mapping(UUID=uuid)
    assert error_of(err.value)[0] == "ResourceNotFoundException"


def test_the_checkpoint_survives_a_restart_without_redelivery(server_factory):
    server = server_factory()
    lam = make_client(server.endpoint, service="lambda")
    sqs = make_client(server.endpoint, service="sqs")
    ddb = make_client(server.endpoint, service="dynamodb")
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    uuid = lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON",
                                           BatchSize=2)["UUID"]
    for i in range(5):
        put(ddb, table, f"first-{i}")
    before = drain(sqs, seen, 5, count=records_in)
    assert wait_result(lam, uuid, "OK") == "OK"
    time.sleep(0.5)
    server.restart(kill=True)
    lam = make_client(server.endpoint, service="lambda")
    sqs = make_client(server.endpoint, service="sqs")
    ddb = make_client(server.endpoint, service="dynamodb")
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    for i in range(3):
        put(ddb, table, f"second-{i}")
    after = drain(sqs, seen, 3, count=records_in, settle=2.0)
    assert [r["id"] for i in before + after for r in i] == [f"first-{i}" for i in range(5)] + [f"second-{i}" for i in range(3)]


def test_records_older_than_the_maximum_age_go_to_the_destination_unretried(server_factory):
    server = server_factory()
    lam = make_client(server.endpoint, service="lambda")
    sqs = make_client(server.endpoint, service="sqs")
    ddb = make_client(server.endpoint, service="dynamodb")
    table, stream = make_table(ddb)
    name, seen = make_function(lam, sqs)
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    uuid = lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON", MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": dlq_arn}})["UUID"]
    put(ddb, table, "throw-old")
    assert len(drain(sqs, seen, 1)) >= 1  # failing, retried while young (MaximumRetryAttempts -1)
    server.advance_clock(120)
    failures = drain(sqs, dlq_url, 1)
    assert [f["requestContext"]["condition"] for f in failures] == ["RecordAgeExceeded"]
    assert failures[0]["DDBStreamBatchInfo"]["batchSize"] == 1
    put(ddb, table, "young")
    invocations = drain(sqs, seen, 1, count=lambda got: sum(1 for i in got if i[0]["id"] == "young"))
    assert invocations[-1][0]["id"] == "young"
    assert wait_result(lam, uuid, "OK") == "OK"


@pytest.mark.parametrize("extra, code, message", [
    ({}, "InvalidParameterValueException",
     "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null."),
    ({"StartingPosition": "AT_TIMESTAMP"}, "InvalidParameterValueException", "Unsupported starting position for arn type: {arn}"),
    ({"StartingPosition": "LATEST", "BatchSize": 10001}, "ValidationException", None),
    ({"StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": 30}, "InvalidParameterValueException", None),
    ({"StartingPosition": "LATEST", "ParallelizationFactor": 11}, "ValidationException", None),
    ({"StartingPosition": "LATEST", "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:s3:::bucket"}}},
     "InvalidParameterValueException", None),
])
def test_stream_mapping_settings_lambda_refuses(lam, sqs, ddb, extra, code, message):
    _, stream = make_table(ddb)
    name, _ = make_function(lam, sqs)
    with pytest.raises(ClientError) as err:
        lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, **extra)
    got_code, got_message = error_of(err.value)
    assert got_code == code
    if message:
        assert got_message == message.format(arn=stream)


def test_an_unknown_stream_is_refused(lam, sqs):
    name, _ = make_function(lam, sqs)
    arn = f"arn:aws:dynamodb:us-east-1:000000000000:table/{unique('none')}/stream/2026-01-01T00:00:00.000"
    with pytest.raises(ClientError) as err:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, StartingPosition="TRIM_HORIZON")
    assert error_of(err.value) == ("InvalidParameterValueException", "Stream not found: " + arn)


def test_stream_only_settings_are_refused_for_a_queue(lam, sqs):
    name, _ = make_function(lam, sqs)
    _, queue_arn = make_queue(sqs, "src")
    with pytest.raises(ClientError) as err:
        lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, MaximumRetryAttempts=2)
    assert error_of(err.value)[0] == "InvalidParameterValueException"


def test_health_reports_stream_mapping_counters(nimbus):
    import urllib.request
    with urllib.request.urlopen(nimbus.endpoint + "/_nimbus/health") as response:
        health = json.loads(response.read())
    text = json.dumps(health)
    assert "stream_event_source_mappings" in text
