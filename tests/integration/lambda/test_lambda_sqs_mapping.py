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
