"""Visibility timeouts (driven by the server clock) and long polling (driven by wall time)."""

import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, make_client, unique


def test_received_message_is_invisible_until_visibility_timeout(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    first = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    nimbus.advance_clock(20)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    nimbus.advance_clock(11)  # default VisibilityTimeout 30 s has now passed
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"][0]
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_queue_visibility_timeout_attribute_is_used(sqs, nimbus):
    url = sqs.create_queue(QueueName=unique(), Attributes={"VisibilityTimeout": "100"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="v")
    sqs.receive_message(QueueUrl=url)
    nimbus.advance_clock(90)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    nimbus.advance_clock(11)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "v"


def test_receive_visibility_timeout_overrides_queue_default(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    sqs.receive_message(QueueUrl=queue, VisibilityTimeout=5)
    nimbus.advance_clock(6)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "v"


def test_change_message_visibility_extends_the_timeout(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    msg = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=10)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=300)
    nimbus.advance_clock(60)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"
    nimbus.advance_clock(241)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "v"


def test_change_visibility_of_message_no_longer_in_flight_is_message_not_inflight(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    msg = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=5)["Messages"][0]
    nimbus.advance_clock(6)
    with pytest.raises(ClientError) as err:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=30)
    assert error_code(err.value) == "AWS.SimpleQueueService.MessageNotInflight"


def test_visibility_timeout_above_12_hours_is_rejected(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="v")
    msg = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    with pytest.raises(ClientError) as err:
        sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=43201)
    assert error_code(err.value) == "InvalidParameterValue"


def test_long_poll_returns_early_when_another_thread_sends(sqs, queue, nimbus):
    result = {}

    def poll():
        client = make_client(nimbus.endpoint)
        start = time.monotonic()
        result["resp"] = client.receive_message(QueueUrl=queue, WaitTimeSeconds=10)
        result["elapsed"] = time.monotonic() - start

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    sqs.send_message(QueueUrl=queue, MessageBody="wake up")
    t.join(15)
    assert not t.is_alive()
    assert result["resp"]["Messages"][0]["Body"] == "wake up"
    assert result["elapsed"] < 2.5, f"long poll took {result['elapsed']:.2f}s after a send at 0.5s"


def test_long_poll_on_empty_queue_waits_for_wait_time(sqs, queue):
    start = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=2)
    elapsed = time.monotonic() - start
    assert "Messages" not in resp or resp["Messages"] == []
    assert 1.8 <= elapsed < 4.0, elapsed


def test_queue_receive_wait_time_is_default_long_poll(sqs):
    url = sqs.create_queue(QueueName=unique(), Attributes={"ReceiveMessageWaitTimeSeconds": "2"})["QueueUrl"]
    start = time.monotonic()
    sqs.receive_message(QueueUrl=url)
    assert 1.8 <= time.monotonic() - start < 4.0
    start = time.monotonic()
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert time.monotonic() - start < 1.0


def test_wait_time_above_20_seconds_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=21)
    assert error_code(err.value) == "InvalidParameterValue"


def test_long_poll_wakes_when_clock_advance_ends_a_delay(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=300)
    result = {}

    def poll():
        client = make_client(nimbus.endpoint)
        start = time.monotonic()
        result["resp"] = client.receive_message(QueueUrl=queue, WaitTimeSeconds=10)
        result["elapsed"] = time.monotonic() - start

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    nimbus.advance_clock(301)
    t.join(15)
    assert result["resp"]["Messages"][0]["Body"] == "delayed"
    assert result["elapsed"] < 3.0, result["elapsed"]


def test_long_poll_wakes_when_clock_advance_ends_a_visibility_timeout(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="in-flight")
    sqs.receive_message(QueueUrl=queue, VisibilityTimeout=600)
    result = {}

    def poll():
        client = make_client(nimbus.endpoint)
        start = time.monotonic()
        result["resp"] = client.receive_message(QueueUrl=queue, WaitTimeSeconds=10)
        result["elapsed"] = time.monotonic() - start

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.5)
    nimbus.advance_clock(601)
    t.join(15)
    assert result["resp"]["Messages"][0]["Body"] == "in-flight"
    assert result["elapsed"] < 3.0, result["elapsed"]


def test_many_concurrent_long_polls_each_get_one_message(sqs, queue, nimbus):
    results, threads = [], []

    def poll():
        client = make_client(nimbus.endpoint)
        results.append(client.receive_message(QueueUrl=queue, WaitTimeSeconds=8).get("Messages", []))

    for _ in range(8):
        threads.append(threading.Thread(target=poll))
        threads[-1].start()
    time.sleep(0.5)
    for i in range(8):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    for t in threads:
        t.join(15)
    bodies = sorted(m["Body"] for msgs in results for m in msgs)
    assert bodies == sorted(f"m{i}" for i in range(8))


def test_sigterm_during_long_poll_exits_cleanly_and_promptly(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="lp")["QueueUrl"]
    t = threading.Thread(target=lambda: _swallow(lambda: client.receive_message(QueueUrl=url, WaitTimeSeconds=20)))
    t.start()
    time.sleep(0.5)
    start = time.monotonic()
    assert server.stop(timeout=10) == 0
    assert time.monotonic() - start < 5.0
    t.join(25)


def _swallow(fn):
    try:
        fn()
    except Exception:
        pass
