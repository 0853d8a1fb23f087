"""The in-flight quota (120,000 per queue). Reaching it takes 120,000 receives, so the full-size case
only runs with NIMBUS_SLOW_TESTS=1; unit tests (in_flight_limit_test.cpp) cover it with a small quota."""

import os

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, http_status

LIMIT = 120_000

slow = pytest.mark.skipif(not os.environ.get("NIMBUS_SLOW_TESTS"),
                          reason="sends and receives 120,000 messages; set NIMBUS_SLOW_TESTS=1")


def fill_in_flight(sqs, url, fifo=False):
    for batch in range(LIMIT // 10 + 1):
        entries = []
        for k in range(10):
            n = batch * 10 + k
            entry = {"Id": f"e{k}", "MessageBody": f"m{n}"}
            if fifo:
                entry.update(MessageGroupId=f"g{n}", MessageDeduplicationId=f"d{n}")
            entries.append(entry)
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    received = 0
    while received < LIMIT:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=43200)
        received += len(got.get("Messages", []))
    assert received == LIMIT


def test_receive_below_the_limit_is_unaffected(sqs, queue):
    for i in range(20):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    received = sum(len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []))
                   for _ in range(2))
    assert received == 20


@slow
def test_standard_queue_short_poll_at_the_limit_is_over_limit(sqs, queue):
    fill_in_flight(sqs, queue)
    with pytest.raises(ClientError) as e:
        sqs.receive_message(QueueUrl=queue)
    assert error_code(e.value) == "OverLimit"
    assert http_status(e.value) == 403
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1)


@slow
def test_fifo_queue_at_the_limit_returns_nothing_without_error(sqs, fifo_queue):
    fill_in_flight(sqs, fifo_queue, fifo=True)
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)
