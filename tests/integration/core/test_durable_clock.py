"""nimbus's clock continues across restarts: advanced with POST /_nimbus/clock, then restarted
cleanly or killed with SIGKILL, every acknowledged message keeps its timing (delays, visibility)
as if no restart happened. Checked with Debian's boto3 (query protocol) and the AWS CLI."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from conftest import AWS_CLI, cli_env, make_client

HOUR = 3600


def clock(server) -> dict:
    status, body = server.http("GET", "/_nimbus/clock")
    assert status == 200
    return json.loads(body)


def receive_all(sqs, url, want, timeout=10.0):
    bodies = []
    deadline = time.monotonic() + timeout
    while len(bodies) < want and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            bodies.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def test_clock_reports_wall_time_and_offset(server_factory):
    server = server_factory()
    before = clock(server)
    assert abs(before["now_ms"] - before["wall_ms"]) < 1000
    server.advance_clock(HOUR)
    after = clock(server)
    assert after["offset_seconds"] == pytest.approx(HOUR, abs=1)
    assert after["now_ms"] - after["wall_ms"] == pytest.approx(HOUR * 1000, abs=1000)


@pytest.mark.slow
@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_messages_sent_on_an_advanced_clock_are_received_after_a_restart(server_factory, kill):
    server = server_factory()
    sqs = make_client(server.endpoint)
    url = sqs.create_queue(QueueName="advanced")["QueueUrl"]
    server.advance_clock(2 * HOUR)
    for i in range(20):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    server.restart(kill=kill)
    assert clock(server)["offset_seconds"] >= 2 * HOUR - 1
    sqs = make_client(server.endpoint)
    got = receive_all(sqs, url, 20)
    assert sorted(got) == sorted(f"m{i}" for i in range(20))


@pytest.mark.slow
@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_delays_and_visibility_keep_their_deadlines_across_a_restart(server_factory, kill):
    server = server_factory()
    sqs = make_client(server.endpoint)
    url = sqs.create_queue(QueueName="timed")["QueueUrl"]
    server.advance_clock(HOUR)
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=120)
    sqs.send_message(QueueUrl=url, MessageBody="in-flight")
    taken = sqs.receive_message(QueueUrl=url, VisibilityTimeout=300, WaitTimeSeconds=1)["Messages"]
    assert [m["Body"] for m in taken] == ["in-flight"]
    server.restart(kill=kill)
    sqs = make_client(server.endpoint)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    server.advance_clock(121)
    assert receive_all(sqs, url, 1) == ["delayed"]
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []) == []
    server.advance_clock(180)
    assert receive_all(sqs, url, 1) == ["in-flight"]


@pytest.mark.slow
def test_reset_rewinds_the_clock_for_good(server_factory):
    server = server_factory()
    server.advance_clock(5 * HOUR)
    server.reset()
    assert abs(clock(server)["offset_seconds"]) < 1
    server.restart(kill=True)
    assert abs(clock(server)["offset_seconds"]) < 2


@pytest.mark.slow
def test_cli_sees_sent_timestamps_from_the_advanced_clock_after_a_restart(server_factory):
    if not __import__("pathlib").Path(AWS_CLI).exists():
        pytest.skip(f"AWS CLI not found at {AWS_CLI}")
    server = server_factory()

    def aws(*args):
        proc = subprocess.run([AWS_CLI, "--endpoint-url", server.endpoint, "--output", "json", *args],
                              env=cli_env(), capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    url = aws("sqs", "create-queue", "--queue-name", "cli-clock")["QueueUrl"]
    server.advance_clock(24 * HOUR)
    aws("sqs", "send-message", "--queue-url", url, "--message-body", "tomorrow")
    server.restart(kill=True)
    got = aws("sqs", "receive-message", "--queue-url", url, "--attribute-names", "SentTimestamp")
    message = got["Messages"][0]
    assert message["Body"] == "tomorrow"
    sent_ms = int(message["Attributes"]["SentTimestamp"])
    assert sent_ms >= int(time.time() * 1000) + 24 * HOUR * 1000 - 60_000
