"""CloudWatch Logs through Debian's boto3 (awsJson 1.1): groups, streams, events, filters,
retention, tags, and state that survives kill -9."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def logs(nimbus):
    return make_client(nimbus.endpoint, service="logs")


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    return info.value.response["Error"]


def make_stream(logs, group="g", stream="s"):
    try:
        logs.create_log_group(logGroupName=group)
    except ClientError:
        pass
    logs.create_log_stream(logGroupName=group, logStreamName=stream)


def put(logs, events, group="g", stream="s"):
    return logs.put_log_events(logGroupName=group, logStreamName=stream,
                               logEvents=[{"timestamp": ts, "message": m} for ts, m in events])


def test_log_group_lifecycle_and_errors(logs):
    logs.create_log_group(logGroupName="/app/web", tags={"team": "core"})
    groups = logs.describe_log_groups(logGroupNamePrefix="/app")["logGroups"]
    assert [g["logGroupName"] for g in groups] == ["/app/web"]
    assert groups[0]["arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/app/web:*"
    assert groups[0]["storedBytes"] == 0 and groups[0]["creationTime"] > 0
    err = error_of(logs.create_log_group, logGroupName="/app/web")
    assert err == {"Code": "ResourceAlreadyExistsException", "Message": "The specified log group already exists"}
    logs.delete_log_group(logGroupName="/app/web")
    err = error_of(logs.delete_log_group, logGroupName="/app/web")
    assert err == {"Code": "ResourceNotFoundException", "Message": "The specified log group does not exist."}
    err = error_of(logs.create_log_group, logGroupName="bad name")
    assert err["Code"] == "InvalidParameterException"
    assert "Member must satisfy regular expression pattern" in err["Message"]


def test_describe_log_groups_paginates(logs):
    for i in range(7):
        logs.create_log_group(logGroupName=f"page-{i}")
    # The prefix keeps out groups another suite's Lambda logs may create after the reset (a log
    # batch of a function invoked just before it can still land).
    pages = list(logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="page-",
                                                                   PaginationConfig={"PageSize": 3}))
    assert [len(p["logGroups"]) for p in pages] == [3, 3, 1]
    assert logs.describe_log_groups(logGroupNamePattern="GE-6")["logGroups"][0]["logGroupName"] == "page-6"


def test_streams_describe_order_and_delete(logs):
    make_stream(logs, stream="b")
    make_stream(logs, stream="a")
    put(logs, [(now_ms() - 10, "x")], stream="b")
    streams = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["a", "b"]
    assert "lastEventTimestamp" in streams[1] and "firstEventTimestamp" in streams[1]
    latest = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True)["logStreams"]
    assert latest[0]["logStreamName"] == "b"
    err = error_of(logs.create_log_stream, logGroupName="g", logStreamName="a")
    assert err == {"Code": "ResourceAlreadyExistsException", "Message": "The specified log stream already exists"}
    logs.delete_log_stream(logGroupName="g", logStreamName="b")
    err = error_of(logs.get_log_events, logGroupName="g", logStreamName="b")
    assert err == {"Code": "ResourceNotFoundException", "Message": "The specified log stream does not exist."}


def test_put_and_get_log_events_with_tokens(logs):
    make_stream(logs)
    t = now_ms() - 1000
    out = put(logs, [(t + i, f"event {i}") for i in range(5)])
    assert "nextSequenceToken" in out and "rejectedLogEventsInfo" not in out
    latest = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2)
    assert [e["message"] for e in latest["events"]] == ["event 3", "event 4"]
    before = logs.get_log_events(logGroupName="g", logStreamName="s", limit=2, nextToken=latest["nextBackwardToken"])
    assert [e["message"] for e in before["events"]] == ["event 1", "event 2"]
    end = logs.get_log_events(logGroupName="g", logStreamName="s", nextToken=latest["nextForwardToken"])
    assert end["events"] == [] and end["nextForwardToken"] == latest["nextForwardToken"]
    head = logs.get_log_events(logGroupName="g", logStreamName="s", startFromHead=True)
    assert [e["message"] for e in head["events"]] == [f"event {i}" for i in range(5)]
    assert head["events"][0]["timestamp"] == t and head["events"][0]["ingestionTime"] >= t


def test_put_log_events_rules(logs):
    make_stream(logs)
    t = now_ms()
    err = error_of(logs.put_log_events, logGroupName="g", logStreamName="s",
                   logEvents=[{"timestamp": t, "message": "b"}, {"timestamp": t - 5, "message": "a"}])
    assert err == {"Code": "InvalidParameterException",
                   "Message": "Log events in a single PutLogEvents request must be in chronological order."}
    err = error_of(logs.put_log_events, logGroupName="g", logStreamName="s",
                   logEvents=[{"timestamp": t - 25 * 3600_000, "message": "a"}, {"timestamp": t, "message": "b"}])
    assert err["Message"] == "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
    out = put(logs, [(t - 15 * 86400_000, "too old"), (t, "fine"), (t + 3 * 3600_000, "too new")])
    assert out["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2}
    got = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]
    assert [e["message"] for e in got] == ["fine"]
    # Sequence tokens are ignored, as AWS does today.
    put_with_token = logs.put_log_events(logGroupName="g", logStreamName="s", sequenceToken="bogus",
                                         logEvents=[{"timestamp": t + 1, "message": "still fine"}])
    assert "nextSequenceToken" in put_with_token
    err = error_of(logs.put_log_events, logGroupName="nope", logStreamName="s",
                   logEvents=[{"timestamp": t, "message": "x"}])
    assert err == {"Code": "ResourceNotFoundException", "Message": "The specified log group does not exist."}


def test_filter_log_events_patterns(logs):
    make_stream(logs, stream="web")
    make_stream(logs, stream="api")
    t = now_ms() - 1000
    put(logs, [(t, "ERROR disk full"), (t + 2, "INFO ok"), (t + 4, "WARN slow")], stream="web")
    put(logs, [(t + 1, '{"level": "ERROR", "latency": 250}'), (t + 3, '{"level": "INFO", "latency": 5}')], stream="api")
    out = logs.filter_log_events(logGroupName="g")
    assert [e["logStreamName"] for e in out["events"]] == ["web", "api", "web", "api", "web"]
    assert {s["logStreamName"] for s in out["searchedLogStreams"]} == {"web", "api"}
    assert all(e["eventId"] for e in out["events"])

    def messages(**kwargs):
        return [e["message"] for e in logs.filter_log_events(logGroupName="g", **kwargs)["events"]]

    assert messages(filterPattern="ERROR") == ["ERROR disk full", '{"level": "ERROR", "latency": 250}']
    assert messages(filterPattern='"disk full"') == ["ERROR disk full"]
    assert messages(filterPattern="?WARN ?INFO", logStreamNames=["web"]) == ["INFO ok", "WARN slow"]
    assert messages(filterPattern="-ERROR", logStreamNamePrefix="w") == ["INFO ok", "WARN slow"]
    assert messages(filterPattern='{ $.level = "ERROR" }') == ['{"level": "ERROR", "latency": 250}']
    assert messages(filterPattern="{ $.latency > 100 || $.level = INF* }") == [
        '{"level": "ERROR", "latency": 250}', '{"level": "INFO", "latency": 5}']
    assert messages(filterPattern="[level = WARN, word]") == ["WARN slow"]
    assert messages(startTime=t + 2, endTime=t + 4) == ["INFO ok", '{"level": "INFO", "latency": 5}']
    pages = list(logs.get_paginator("filter_log_events").paginate(logGroupName="g", PaginationConfig={"PageSize": 2}))
    assert sum(len(p["events"]) for p in pages) == 5
    err = error_of(logs.filter_log_events, logGroupName="g", filterPattern="{ $.level = }")
    assert err["Code"] == "InvalidParameterException"


def test_retention_policy_hides_and_expires_events(logs, nimbus):
    def expired():
        return nimbus.health()["details"]["logs"]["events_expired"]

    before = expired()
    make_stream(logs)
    t = now_ms()
    put(logs, [(t - 3 * 86400_000, "three days old"), (t - 3 * 86400_000 + 1, "also old")])
    put(logs, [(t - 1000, "recent")])
    err = error_of(logs.put_retention_policy, logGroupName="g", retentionInDays=2)
    assert err["Code"] == "InvalidParameterException"
    logs.put_retention_policy(logGroupName="g", retentionInDays=1)
    assert logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"][0]["retentionInDays"] == 1
    got = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]
    assert [e["message"] for e in got] == ["recent"]
    # The worker deletes what retention expired (the two old events now; the recent one once
    # nimbus's clock has moved two days).
    nimbus.advance_clock(2 * 86400)
    deadline = time.time() + 10
    while expired() < before + 3 and time.time() < deadline:
        time.sleep(0.1)
    assert expired() - before == 3
    assert logs.filter_log_events(logGroupName="g")["events"] == []
    logs.delete_retention_policy(logGroupName="g")
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix="g")["logGroups"][0]


def test_tags_by_name_and_arn(logs):
    logs.create_log_group(logGroupName="tagged", tags={"a": "1"})
    logs.tag_log_group(logGroupName="tagged", tags={"b": "2"})
    assert logs.list_tags_log_group(logGroupName="tagged")["tags"] == {"a": "1", "b": "2"}
    logs.untag_log_group(logGroupName="tagged", tags=["a"])
    arn = logs.describe_log_groups(logGroupNamePrefix="tagged")["logGroups"][0]["arn"]
    logs.tag_resource(resourceArn=arn.removesuffix(":*"), tags={"c": "3"})
    assert logs.list_tags_for_resource(resourceArn=arn.removesuffix(":*"))["tags"] == {"b": "2", "c": "3"}
    logs.untag_resource(resourceArn=arn.removesuffix(":*"), tagKeys=["b"])
    assert logs.list_tags_log_group(logGroupName="tagged")["tags"] == {"c": "3"}


def test_accounts_and_regions_are_separate(nimbus):
    east = make_client(nimbus.endpoint, service="logs")
    west = make_client(nimbus.endpoint, region="us-west-2", service="logs")
    other = make_client(nimbus.endpoint, access_key="111122223333", service="logs")
    east.create_log_group(logGroupName="shared-name")
    assert west.describe_log_groups()["logGroups"] == []
    assert other.describe_log_groups()["logGroups"] == []
    other.create_log_group(logGroupName="shared-name")
    arn = other.describe_log_groups()["logGroups"][0]["arn"]
    assert arn == "arn:aws:logs:us-east-1:111122223333:log-group:shared-name:*"


@pytest.mark.slow
def test_events_survive_kill_9(server_factory):
    server = server_factory()
    logs = make_client(server.endpoint, service="logs")
    make_stream(logs, group="durable", stream="s")
    t = now_ms() - 100
    put(logs, [(t + i, f"durable {i}") for i in range(50)], group="durable")
    logs.put_retention_policy(logGroupName="durable", retentionInDays=7)
    server.restart(kill=True)
    logs = make_client(server.endpoint, service="logs")
    got = logs.get_log_events(logGroupName="durable", logStreamName="s", startFromHead=True)["events"]
    assert [e["message"] for e in got] == [f"durable {i}" for i in range(50)]
    group = logs.describe_log_groups()["logGroups"][0]
    assert group["retentionInDays"] == 7
    put(logs, [(t + 60, "after restart")], group="durable")
    assert logs.filter_log_events(logGroupName="durable", filterPattern="restart")["events"][0]["message"] == "after restart"
