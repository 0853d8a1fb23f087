"""Lambda event source mappings for Amazon SQS, through Debian's boto3 and the AWS CLI: the seed's SQS
consumer run unmodified, the event as AWS shapes it, batch size and window, partial batch failures,
failed batches back to the queue and into the DLQ, FIFO order per group, disable/enable/delete,
kill -9, and the errors Lambda answers.

The functions record what they saw by sending it to a `seen` queue with plain `fetch` to SQS's JSON
protocol (the Node.js runtime has no SDK installed)."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique
from lambda_helpers import create_function

# Sends one message to the queue named by SEEN_QUEUE (a URL) through SQS's JSON protocol.
RECORDER = """
const record = async (body) => {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const region = process.env.AWS_REGION;
  const response = await fetch(endpoint + '/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'AmazonSQS.SendMessage',
      'Authorization': `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/20240101/${region}/sqs/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: JSON.stringify({ QueueUrl: process.env.SEEN_QUEUE, MessageBody: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error('recording failed: ' + response.status + ' ' + await response.text());
};
"""

# The seed's SQS consumer, unmodified, with processJob filled in.
SEED_CONSUMER = RECORDER + """
const processJob = async (job) => { await record({ job }); };
export const handler = async (event) => {
  for (const record of event.Records) {
    const job = JSON.parse(record.body);
    await processJob(job);
  }
};
"""

# Records the whole event (one message per invocation).
EVENT_RECORDER = RECORDER + """
export const handler = async (event) => { await record(event); };
"""

# Records each record's body and receive count, then fails those whose body starts with "bad"
# (ReportBatchItemFailures), or the whole batch when one body is "throw".
PARTIAL = RECORDER + """
export const handler = async (event) => {
  const failures = [];
  for (const r of event.Records) {
    await record({ body: r.body, count: r.attributes.ApproximateReceiveCount, size: event.Records.length });
    if (r.body === 'throw') throw new Error('boom');
    if (r.body === 'invalid-id') return { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] };
    if (r.body.startsWith('bad')) failures.push({ itemIdentifier: r.messageId });
  }
  return { batchItemFailures: failures };
};
"""


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


@pytest.fixture
def sqs(nimbus):
    return make_client(nimbus.endpoint, service="sqs")


def error_of(err: ClientError) -> tuple[str, str]:
    return err.response["Error"]["Code"], err.response["Error"]["Message"]


def queue_arn(sqs, url: str) -> str:
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def make_queue(sqs, name: str | None = None, **attributes) -> tuple[str, str]:
    name = name or unique("src")
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    return url, queue_arn(sqs, url)


def make_function(lam, sqs, code: str, **extra) -> tuple[str, str]:
    """A function recording into a fresh `seen` queue; returns (name, seen queue url)."""
    seen_url, _ = make_queue(sqs, unique("seen"))
    name = unique("fn")
    env = {"Variables": {"SEEN_QUEUE": seen_url}}
    create_function(lam, name, {"index.mjs": code}, Environment=env, **extra)
    return name, seen_url


def drain(sqs, url: str, expected: int, timeout: float = 30.0, settle: float = 0.0) -> list[dict]:
    """Everything sent to `url` until `expected` arrived (then `settle` seconds more), parsed."""
    got: list[dict] = []
    deadline = time.time() + timeout
    settle_until = None
    while time.time() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in messages:
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(got) >= expected:
            if settle_until is None:
                settle_until = time.time() + settle
            if time.time() >= settle_until:
                break
    return got


def queue_counts(sqs, url: str) -> tuple[int, int]:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


def wait_empty(sqs, url: str, timeout: float = 20.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if queue_counts(sqs, url) == (0, 0):
            return True
        time.sleep(0.2)
    return False


def test_seed_consumer_processes_every_job_once_and_empties_the_queue(lam, sqs, aws_cli):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, SEED_CONSUMER)
    created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    assert created["State"] == "Creating" and created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 10 and created["MaximumBatchingWindowInSeconds"] == 0
    assert created["EventSourceArn"] == arn and created["FunctionArn"].endswith(":function:" + name)
    assert created["FunctionResponseTypes"] == [] and created["LastModified"].year >= 2024
    assert lam.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"
    for start in range(0, 40, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": json.dumps({"id": i, "kind": "resize"})} for i in range(start, start + 10)])
    seen_jobs = drain(sqs, seen, 40, settle=1.0)
    assert sorted(j["job"]["id"] for j in seen_jobs) == list(range(40))
    assert wait_empty(sqs, url)
    # The CLI sees the same mapping.
    listed = aws_cli("lambda", "list-event-source-mappings", "--function-name", name).json
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [created["UUID"]]


def test_the_event_is_shaped_as_aws_sends_it(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, EVENT_RECORDER)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=1)
    sent = sqs.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={
        "color": {"DataType": "String", "StringValue": "blue"},
        "size": {"DataType": "Number", "StringValue": "3"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    event = drain(sqs, seen, 1)[0]
    [record] = event["Records"]
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                           "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"}
    assert record["messageId"] == sent["MessageId"] and record["body"] == "hello"
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == arn and record["awsRegion"] == "us-east-1"
    attributes = record["attributes"]
    assert {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(attributes)
    assert attributes["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "color": {"stringValue": "blue", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "size": {"stringValue": "3", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"}}


def test_batch_size_bounds_each_invocation(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, PARTIAL)
    for start in range(0, 30, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=4)
    seen_records = drain(sqs, seen, 30, settle=1.0)
    assert sorted(r["body"] for r in seen_records) == sorted(f"m{i}" for i in range(30))
    assert max(r["size"] for r in seen_records) <= 4
    assert wait_empty(sqs, url)


def test_batching_window_holds_a_partial_batch_until_it_ends(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, PARTIAL)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=50,
                                    MaximumBatchingWindowInSeconds=3)
    time.sleep(0.5)
    sent = time.time()
    sqs.send_message(QueueUrl=url, MessageBody="one")
    sqs.send_message(QueueUrl=url, MessageBody="two")
    seen_records = drain(sqs, seen, 2, timeout=20)
    waited = time.time() - sent
    assert sorted(r["body"] for r in seen_records) == ["one", "two"]
    assert waited >= 2.5, waited


def test_report_batch_item_failures_deletes_the_rest_and_the_failures_reach_the_dlq(lam, sqs):
    dlq_url, dlq_arn = make_queue(sqs, unique("dlq"))
    url, arn = make_queue(sqs, VisibilityTimeout=2,
                          RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    name, seen = make_function(lam, sqs, PARTIAL, Timeout=2)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "good-1"},
                                                  {"Id": "2", "MessageBody": "bad-1"},
                                                  {"Id": "3", "MessageBody": "good-2"}])
    created = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name,
                                              FunctionResponseTypes=["ReportBatchItemFailures"])
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    seen_records = drain(sqs, seen, 4, timeout=30, settle=3.0)
    bodies = [r["body"] for r in seen_records]
    assert bodies.count("good-1") == 1 and bodies.count("good-2") == 1
    assert sorted(r["count"] for r in seen_records if r["body"] == "bad-1") == ["1", "2"]
    moved = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=10).get("Messages", [])
    assert [m["Body"] for m in moved] == ["bad-1"]
    assert wait_empty(sqs, url)


def test_a_function_error_returns_the_batch_until_the_dlq_takes_it(lam, sqs):
    dlq_url, dlq_arn = make_queue(sqs, unique("dlq"))
    url, arn = make_queue(sqs, VisibilityTimeout=2,
                          RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    name, seen = make_function(lam, sqs, PARTIAL, Timeout=2)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    sqs.send_message(QueueUrl=url, MessageBody="throw")
    seen_records = drain(sqs, seen, 2, timeout=30)
    assert [r["count"] for r in seen_records] == ["1", "2"]
    moved = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=10).get("Messages", [])
    assert [m["Body"] for m in moved] == ["throw"]


def test_an_unknown_item_identifier_fails_the_whole_batch(lam, sqs):
    url, arn = make_queue(sqs, VisibilityTimeout=3)
    name, seen = make_function(lam, sqs, PARTIAL, Timeout=3)
    sqs.send_message(QueueUrl=url, MessageBody="invalid-id")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name,
                                    FunctionResponseTypes=["ReportBatchItemFailures"])
    drain(sqs, seen, 1)
    time.sleep(0.5)
    assert queue_counts(sqs, url) == (0, 1)  # kept, invisible until the visibility timeout ends


FIFO_RECORDER = RECORDER + """
export const handler = async (event) => {
  for (const r of event.Records) {
    await record({ group: r.attributes.MessageGroupId, body: r.body, seq: r.attributes.SequenceNumber,
                   dedup: r.attributes.MessageDeduplicationId });
    await new Promise((done) => setTimeout(done, 5));
  }
};
"""


def test_fifo_messages_are_processed_in_order_per_group_and_once(lam, sqs):
    url, arn = make_queue(sqs, unique("jobs") + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
    name, seen = make_function(lam, sqs, FIFO_RECORDER)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=3)
    for i in range(15):
        for group in ("a", "b"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}-{i}", MessageGroupId=group)
    seen_records = drain(sqs, seen, 30, timeout=60, settle=1.0)
    for group in ("a", "b"):
        bodies = [r["body"] for r in seen_records if r["group"] == group]
        assert bodies == [f"{group}-{i}" for i in range(15)]
    assert all(r["seq"] and r["dedup"] for r in seen_records)
    assert wait_empty(sqs, url)


def test_disable_enable_and_delete_stop_and_start_delivery(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, SEED_CONSUMER)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": 1}))
    assert [j["job"]["id"] for j in drain(sqs, seen, 1)] == [1]

    updated = lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert updated["State"] == "Disabling"
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": 2}))
    assert drain(sqs, seen, 1, timeout=4) == []
    assert queue_counts(sqs, url)[0] + queue_counts(sqs, url)[1] == 1

    assert lam.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    assert [j["job"]["id"] for j in drain(sqs, seen, 1, timeout=30)] == [2]
    assert lam.update_event_source_mapping(UUID=uuid, BatchSize=5)["State"] == "Updating"

    deleted = lam.delete_event_source_mapping(UUID=uuid)
    assert deleted["State"] == "Deleting" and deleted["BatchSize"] == 5
    with pytest.raises(ClientError) as err:
        lam.get_event_source_mapping(UUID=uuid)
    assert error_of(err.value) == ("ResourceNotFoundException", "The resource you requested does not exist.")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": 3}))
    assert drain(sqs, seen, 1, timeout=4) == []


def test_deleting_the_function_stops_its_mapping(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, SEED_CONSUMER)
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    lam.delete_function(FunctionName=name)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": 1}))
    time.sleep(3)
    assert queue_counts(sqs, url) == (1, 0)


def test_list_filters_and_pages(lam, sqs):
    url, arn = make_queue(sqs)
    other_url, other_arn = make_queue(sqs)
    name, _ = make_function(lam, sqs, SEED_CONSUMER)
    second, _ = make_function(lam, sqs, SEED_CONSUMER)
    a = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, Enabled=False)["UUID"]
    b = lam.create_event_source_mapping(EventSourceArn=other_arn, FunctionName=name, Enabled=False)["UUID"]
    c = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=second, Enabled=False)["UUID"]
    assert lam.get_event_source_mapping(UUID=a)["State"] == "Disabled"
    by_queue = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert sorted(m["UUID"] for m in by_queue) == sorted([a, c])
    by_function = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert sorted(m["UUID"] for m in by_function) == sorted([a, b])
    both = lam.list_event_source_mappings(EventSourceArn=arn, FunctionName=second)["EventSourceMappings"]
    assert [m["UUID"] for m in both] == [c]
    first = lam.list_event_source_mappings(MaxItems=2)
    rest = lam.list_event_source_mappings(Marker=first["NextMarker"])
    assert len(first["EventSourceMappings"]) == 2 and "NextMarker" not in rest
    assert sorted(m["UUID"] for m in first["EventSourceMappings"] + rest["EventSourceMappings"]) == sorted([a, b, c])


def test_errors_lambda_answers(lam, sqs):
    url, arn = make_queue(sqs)
    fifo_url, fifo_arn = make_queue(sqs, unique("f") + ".fifo", FifoQueue="true")
    short_url, short_arn = make_queue(sqs, VisibilityTimeout=5)
    name, _ = make_function(lam, sqs, SEED_CONSUMER, Timeout=30)
    window = "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    cases = [
        (dict(EventSourceArn="not-an-arn"), "ValidationException", None),
        (dict(EventSourceArn="arn:aws:s3:::bucket"), "InvalidParameterValueException", "Unrecognized event source."),
        (dict(EventSourceArn=arn.rsplit(":", 1)[0] + ":missing"), "InvalidParameterValueException",
         "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error "
         "Message: The specified queue does not exist or you do not have access to it."),
        (dict(EventSourceArn=arn, BatchSize=10001, MaximumBatchingWindowInSeconds=1), "ValidationException", None),
        (dict(EventSourceArn=arn, BatchSize=11), "InvalidParameterValueException", window),
        (dict(EventSourceArn=arn, MaximumBatchingWindowInSeconds=301), "ValidationException", None),
        (dict(EventSourceArn=arn, StartingPosition="LATEST"), "InvalidParameterValueException",
         "StartingPosition is not valid for SQS event sources."),
        (dict(EventSourceArn=fifo_arn, MaximumBatchingWindowInSeconds=1), "InvalidParameterValueException",
         "Batching window is not supported for FIFO queues"),
        (dict(EventSourceArn=short_arn), "InvalidParameterValueException",
         "Queue visibility timeout: 5 seconds is less than Function timeout: 30 seconds"),
        (dict(EventSourceArn=arn, FilterCriteria={"Filters": [{"Pattern": "not json"}]}),
         "InvalidParameterValueException", "Invalid filter pattern definition."),
    ]
    for args, code, message in cases:
        with pytest.raises(ClientError) as err:
            lam.create_event_source_mapping(FunctionName=name, **args)
        assert error_of(err.value)[0] == code, (args, error_of(err.value))
        if message:
            assert error_of(err.value)[1] == message
    with pytest.raises(ClientError) as err:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=unique("nofn"))
    assert error_of(err.value)[0] == "ResourceNotFoundException"
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=100,
                                           MaximumBatchingWindowInSeconds=5, Enabled=False)["UUID"]
    with pytest.raises(ClientError) as err:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
    assert error_of(err.value) == ("ResourceConflictException",
                                   f'An event source mapping with SQS arn (" {arn} ") and function (" {name} ") '
                                   f"already exists. Please update or delete the existing mapping with UUID {uuid}")
    with pytest.raises(ClientError) as err:
        lam.update_event_source_mapping(UUID=uuid, MaximumBatchingWindowInSeconds=0)
    assert error_of(err.value) == ("InvalidParameterValueException", window)
    with pytest.raises(ClientError) as err:
        lam.delete_event_source_mapping(UUID="00000000-0000-0000-0000-000000000000")
    assert error_of(err.value)[0] == "ResourceNotFoundException"


def test_filter_criteria_passes_matching_messages_and_deletes_the_rest(lam, sqs):
    url, arn = make_queue(sqs)
    name, seen = make_function(lam, sqs, SEED_CONSUMER)
    pattern = json.dumps({"body": {"kind": ["resize"], "name": [{"prefix": "img-"}]}})
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, FilterCriteria={"Filters": [{"Pattern": pattern}]})
    for i, (kind, file) in enumerate([("resize", "img-1"), ("delete", "img-2"), ("resize", "doc-3"), ("resize", "img-4")]):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": i, "kind": kind, "name": file}))
    seen_jobs = drain(sqs, seen, 2, settle=1.5)
    assert sorted(j["job"]["id"] for j in seen_jobs) == [0, 3]
    assert wait_empty(sqs, url)


def test_a_mapping_keeps_working_after_kill_9_and_fifo_processes_nothing_twice(server_factory):
    server = server_factory()
    lam = make_client(server.endpoint, service="lambda")
    sqs = make_client(server.endpoint, service="sqs")
    url, arn = make_queue(sqs, unique("jobs") + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
    name, seen = make_function(lam, sqs, FIFO_RECORDER)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name, BatchSize=5)["UUID"]
    for i in range(10):
        sqs.send_message(QueueUrl=url, MessageBody=f"a-{i}", MessageGroupId="a")
    before = drain(sqs, seen, 10, timeout=30, settle=0.5)
    assert wait_empty(sqs, url)
    server.restart(kill=True)
    lam = make_client(server.endpoint, service="lambda")
    sqs = make_client(server.endpoint, service="sqs")
    assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    for i in range(10, 20):
        sqs.send_message(QueueUrl=url, MessageBody=f"a-{i}", MessageGroupId="a")
    after = drain(sqs, seen, 10, timeout=30, settle=1.5)
    assert [r["body"] for r in before + after] == [f"a-{i}" for i in range(20)]
