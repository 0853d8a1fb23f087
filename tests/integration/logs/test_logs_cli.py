"""The AWS CLI v2's logs commands against nimbus, including `aws logs tail` (FilterLogEvents
polling) with and without --follow."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from conftest import AWS_CLI, cli_env

pytestmark = pytest.mark.slow


def now_ms() -> int:
    return int(time.time() * 1000)


def test_cli_groups_streams_and_events(aws_cli):
    aws_cli("logs", "create-log-group", "--log-group-name", "/cli/app", "--tags", "team=cli")
    aws_cli("logs", "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "main")
    events = json.dumps([{"timestamp": now_ms() - 10, "message": "hello"}, {"timestamp": now_ms(), "message": "world"}])
    aws_cli("logs", "put-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "main", "--log-events", events)
    got = aws_cli("logs", "get-log-events", "--log-group-name", "/cli/app", "--log-stream-name", "main").json
    assert [e["message"] for e in got["events"]] == ["hello", "world"]
    filtered = aws_cli("logs", "filter-log-events", "--log-group-name", "/cli/app", "--filter-pattern", "world").json
    assert [e["message"] for e in filtered["events"]] == ["world"]
    aws_cli("logs", "put-retention-policy", "--log-group-name", "/cli/app", "--retention-in-days", "30")
    # By prefix: the shared server may already hold other suites' groups (functions' logs arrive late).
    groups = aws_cli("logs", "describe-log-groups", "--log-group-name-prefix", "/cli/app").json["logGroups"]
    assert groups[0]["retentionInDays"] == 30
    assert aws_cli("logs", "list-tags-log-group", "--log-group-name", "/cli/app").json["tags"] == {"team": "cli"}
    aws_cli("logs", "delete-log-group", "--log-group-name", "/cli/app")
    missing = aws_cli("logs", "delete-log-group", "--log-group-name", "/cli/app", check=False)
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr


def test_cli_tail_prints_recent_events(aws_cli):
    aws_cli("logs", "create-log-group", "--log-group-name", "tailed")
    aws_cli("logs", "create-log-stream", "--log-group-name", "tailed", "--log-stream-name", "s1")
    events = json.dumps([{"timestamp": now_ms() - 2000 + i, "message": f"line {i}"} for i in range(3)])
    aws_cli("logs", "put-log-events", "--log-group-name", "tailed", "--log-stream-name", "s1", "--log-events", events)
    out = aws_cli("logs", "tail", "tailed", "--format", "short").stdout
    assert [line.split(" ", 1)[1] for line in out.strip().splitlines()] == ["line 0", "line 1", "line 2"]
    detailed = aws_cli("logs", "tail", "tailed", "--filter-pattern", "line 2").stdout
    assert "s1 line 2" in detailed and "line 0" not in detailed


def test_cli_tail_follow_prints_new_events(aws_cli, nimbus):
    aws_cli("logs", "create-log-group", "--log-group-name", "followed")
    aws_cli("logs", "create-log-stream", "--log-group-name", "followed", "--log-stream-name", "s1")
    first = json.dumps([{"timestamp": now_ms() - 1000, "message": "before follow"}])
    aws_cli("logs", "put-log-events", "--log-group-name", "followed", "--log-stream-name", "s1", "--log-events", first)
    proc = subprocess.Popen([AWS_CLI, "--endpoint-url", nimbus.endpoint, "logs", "tail", "followed", "--follow",
                             "--format", "short"], env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        time.sleep(3)
        later = json.dumps([{"timestamp": now_ms(), "message": "during follow"}])
        aws_cli("logs", "put-log-events", "--log-group-name", "followed", "--log-stream-name", "s1", "--log-events", later)
        # The CLI polls every 5 seconds; give it two polls, then stop it.
        time.sleep(8)
    finally:
        proc.kill()
        out, err = proc.communicate(timeout=10)
    lines = [line.split(" ", 1)[1] for line in out.strip().splitlines()]
    assert lines == ["before follow", "during follow"], (out, err)
