"""Bucket notifications ride the core's durable delivery (src/delivery): an event is stored in
the same batch as the object change that caused it, so every acknowledged PUT has its event in the
queue even when nimbus is killed mid-stream; deliveries to a missing queue are retried on nimbus's
clock until it exists again; deliveries that can never be made are visible with their reason in
GET /_nimbus/deliveries."""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time

import pytest

from conftest import make_client
from s3_support import *  # noqa: F401,F403


def deliveries(server) -> dict:
    status, body = server.http("GET", "/_nimbus/deliveries")
    assert status == 200
    return json.loads(body)


def queue_with_arn(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def notify(s3, bucket, arn, events=("s3:ObjectCreated:*",)):
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [{"Id": "q", "QueueArn": arn, "Events": list(events)}]})


def drain_keys(sqs, url, want: set[str], timeout: float) -> set[str]:
    """Object keys named by ObjectCreated records received until all of `want` arrived or time ran out."""
    seen: set[str] = set()
    deadline = time.monotonic() + timeout
    while not want <= seen and time.monotonic() < deadline:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if messages:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
        for m in messages:
            for record in json.loads(m["Body"]).get("Records", []):
                seen.add(record["s3"]["object"]["key"])
    return seen


@pytest.mark.slow
def test_every_acknowledged_put_has_its_notification_after_sigkill(server_factory):
    server = server_factory()
    s3, sqs = make_s3(server.endpoint), make_client(server.endpoint)
    s3.create_bucket(Bucket="events-crash")
    url, arn = queue_with_arn(sqs, "events-crash")
    notify(s3, "events-crash", arn)
    acked: set[str] = set()
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int):
        client = make_s3(server.endpoint, connect_timeout=2, read_timeout=10)
        for i in range(2000 // 8):
            if stop.is_set():
                return
            key = f"w{w}/k{i:04d}"
            try:
                client.put_object(Bucket="events-crash", Key=key, Body=b"x" * (i % 100))
            except Exception:  # the kill lands mid-request
                return
            with lock:
                acked.add(key)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(writer, w) for w in range(8)]
        deadline = time.monotonic() + 60
        while len(acked) < 1000 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        stop.set()
        for f in futures:
            f.result()
    snapshot = set(acked)
    assert len(snapshot) >= 500, "too few PUTs acknowledged before the kill"

    server.start()
    sqs = make_client(server.endpoint)
    seen = drain_keys(sqs, url, snapshot, timeout=90)
    missing = sorted(snapshot - seen)
    assert not missing, f"{len(missing)} acknowledged PUTs lost their notification, e.g. {missing[:5]}"


def test_deliveries_to_a_deleted_queue_retry_until_it_is_created_again(server_factory):
    server = server_factory()
    s3, sqs = make_s3(server.endpoint), make_client(server.endpoint)
    s3.create_bucket(Bucket="events-retry")
    url, arn = queue_with_arn(sqs, "events-retry")
    notify(s3, "events-retry", arn)
    drain_keys(sqs, url, set(), timeout=0)  # the s3:TestEvent
    sqs.delete_queue(QueueUrl=url)
    for i in range(5):
        s3.put_object(Bucket="events-retry", Key=f"while-gone/{i}", Body=b"x")

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        report = deliveries(server)
        if report["retrying"] == 5:
            break
        time.sleep(0.05)
    line = next(d for d in report["destinations"] if d["destination"] == arn)
    assert line["source"] == "s3" and line["pending"] == 5 and line["retrying"] == 5
    assert "NonExistentQueue" in line["last_error"] or "QueueDoesNotExist" in line["last_error"]

    server.advance_clock(61)  # SQS refuses a queue of a just-deleted name for 60 seconds
    url = sqs.create_queue(QueueName="events-retry")["QueueUrl"]
    server.advance_clock(120)  # past the retry backoff
    keys = {f"while-gone/{i}" for i in range(5)}
    assert drain_keys(sqs, url, keys, timeout=15) >= keys
    deadline = time.monotonic() + 5
    while deliveries(server)["pending"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert deliveries(server)["pending"] == 0


def test_pending_deliveries_survive_a_restart_and_arrive_once_the_queue_exists(server_factory):
    server = server_factory()
    s3, sqs = make_s3(server.endpoint), make_client(server.endpoint)
    s3.create_bucket(Bucket="events-later")
    url, arn = queue_with_arn(sqs, "events-later")
    notify(s3, "events-later", arn)
    sqs.delete_queue(QueueUrl=url)
    s3.put_object(Bucket="events-later", Key="waiting", Body=b"x")
    server.restart(kill=True)
    assert deliveries(server)["pending"] == 1
    sqs = make_client(server.endpoint)
    server.advance_clock(61)
    url = sqs.create_queue(QueueName="events-later")["QueueUrl"]
    server.advance_clock(120)
    assert "waiting" in drain_keys(sqs, url, {"waiting"}, timeout=15)


def test_a_destination_nimbus_does_not_serve_is_dropped_with_the_reason(server_factory):
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="events-sns")
    topic_arn = "arn:aws:sns:us-east-1:000000000000:not-served-yet"
    s3.put_bucket_notification_configuration(
        Bucket="events-sns",
        NotificationConfiguration={"TopicConfigurations": [
            {"Id": "topic", "TopicArn": topic_arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket="events-sns", Key="k", Body=b"x")
    # The configuration's s3:TestEvent and the object's event.
    deadline = time.monotonic() + 10
    while deliveries(server)["dropped"] < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    report = deliveries(server)
    assert report["dropped"] == 2
    dropped = report["recently_dropped"][0]
    assert dropped["destination"] == topic_arn and dropped["source"] == "s3"
    assert dropped["error_code"] == "NotImplemented"
    assert dropped["target"]["service"] == "sns" and dropped["target"]["operation"] == "Publish"
    server.restart(kill=True)
    assert deliveries(server)["recently_dropped"][0]["destination"] == topic_arn


def test_delivery_latency_is_reported(server_factory):
    server = server_factory()
    s3, sqs = make_s3(server.endpoint), make_client(server.endpoint)
    s3.create_bucket(Bucket="events-fast")
    url, arn = queue_with_arn(sqs, "events-fast")
    notify(s3, "events-fast", arn)
    for i in range(20):
        s3.put_object(Bucket="events-fast", Key=f"k{i}", Body=b"x")
    keys = {f"k{i}" for i in range(20)}
    assert drain_keys(sqs, url, keys, timeout=10) >= keys
    latency = deliveries(server)["delivery_latency"]
    assert latency["samples"] >= 21  # 20 events and the s3:TestEvent
    assert 0 <= latency["p50_ms"] <= latency["p99_ms"]
