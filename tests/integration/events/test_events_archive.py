"""Archives and replays through Debian's boto3: events archived as they arrive (filtered by the
archive's pattern, replayed events never), and replays that re-send a time window to the bus's
rules with a replay-name, with the states AWS reports."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

from events_helpers import bodies, events_client, order_created, queue_with_arn, receive, rule_to_queue


@pytest.fixture
def events(nimbus):
    return events_client(nimbus.endpoint)


def wait_for_state(events, name: str, states: set[str], timeout: float = 20.0) -> dict:
    deadline = time.time() + timeout
    while True:
        replay = events.describe_replay(ReplayName=name)
        if replay["State"] in states or time.time() > deadline:
            return replay
        time.sleep(0.1)


def test_archives_keep_the_events_their_pattern_matches(events):
    bus_arn = events.describe_event_bus()["Arn"]
    created = events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn,
                                    EventPattern=json.dumps({"source": ["order-service"]}), RetentionDays=7)
    assert created["State"] == "ENABLED"
    assert created["ArchiveArn"] == "arn:aws:events:us-east-1:000000000000:archive/orders"
    events.put_events(Entries=[order_created(), order_created(), {**order_created(), "Source": "other"}])
    archive = events.describe_archive(ArchiveName="orders")
    assert archive["EventCount"] == 2 and archive["SizeBytes"] > 0
    assert archive["EventSourceArn"] == bus_arn and archive["RetentionDays"] == 7
    assert [a["ArchiveName"] for a in events.list_archives(EventSourceArn=bus_arn)["Archives"]] == ["orders"]
    with pytest.raises(ClientError) as error:
        events.create_archive(ArchiveName="orders", EventSourceArn=bus_arn)
    assert error.value.response["Error"]["Message"] == "Archive orders already exists."
    with pytest.raises(ClientError) as error:
        events.list_archives(NamePrefix="o", State="ENABLED")
    assert error.value.response["Error"]["Code"] == "ValidationException"
    events.delete_archive(ArchiveName="orders")
    with pytest.raises(ClientError) as error:
        events.describe_archive(ArchiveName="orders")
    assert error.value.response["Error"] == {"Code": "ResourceNotFoundException",
                                             "Message": "Archive orders does not exist."}


def test_archived_events_older_than_the_retention_expire_on_nimbus_clock(events, nimbus):
    bus_arn = events.describe_event_bus()["Arn"]
    events.create_archive(ArchiveName="short", EventSourceArn=bus_arn, RetentionDays=1)
    events.create_archive(ArchiveName="forever", EventSourceArn=bus_arn, RetentionDays=0)
    events.put_events(Entries=[order_created(), order_created()])
    nimbus.advance_clock(12 * 3600)
    events.put_events(Entries=[order_created()])
    assert events.describe_archive(ArchiveName="short")["EventCount"] == 3
    nimbus.advance_clock(13 * 3600)  # the first two are now 25 hours old, the third 13
    deadline = time.time() + 5
    while events.describe_archive(ArchiveName="short")["EventCount"] != 1 and time.time() < deadline:
        time.sleep(0.05)
    assert events.describe_archive(ArchiveName="short")["EventCount"] == 1
    assert events.describe_archive(ArchiveName="forever")["EventCount"] == 3


def test_a_replay_resends_the_window_to_the_rules_with_a_replay_name(events, sqs):
    bus_arn = events.describe_event_bus()["Arn"]
    archive_arn = events.create_archive(ArchiveName="all", EventSourceArn=bus_arn)["ArchiveArn"]
    url, arn = queue_with_arn(sqs)
    rule_arn = rule_to_queue(events, "orders", {"source": ["order-service"]}, arn)
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    ids = [e["EventId"] for e in events.put_events(Entries=[order_created({"n": n}) for n in range(5)])["Entries"]]
    originals = bodies(receive(sqs, url, count=5))
    assert all("replay-name" not in e for e in originals)
    end = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=1)
    started = events.start_replay(ReplayName="again", EventSourceArn=archive_arn, EventStartTime=start,
                                  EventEndTime=end, Destination={"Arn": bus_arn, "FilterArns": [rule_arn]})
    assert started["State"] == "STARTING"
    replay = wait_for_state(events, "again", {"COMPLETED"})
    assert replay["State"] == "COMPLETED" and "ReplayEndTime" in replay
    replayed = bodies(receive(sqs, url, count=5))
    assert sorted(e["id"] for e in replayed) == sorted(ids)
    assert {e["replay-name"] for e in replayed} == {"again"}
    # Replayed events are not archived again.
    assert events.describe_archive(ArchiveName="all")["EventCount"] == 5
    assert [r["ReplayName"] for r in events.list_replays(State="COMPLETED")["Replays"]] == ["again"]
    with pytest.raises(ClientError) as error:
        events.cancel_replay(ReplayName="again")
    assert error.value.response["Error"]["Code"] == "IllegalStatusException"


def test_replays_are_validated(events):
    bus_arn = events.describe_event_bus()["Arn"]
    archive_arn = events.create_archive(ArchiveName="v", EventSourceArn=bus_arn)["ArchiveArn"]
    other_bus = events.create_event_bus(Name="other")["EventBusArn"]
    now = datetime.datetime.now(datetime.timezone.utc)
    with pytest.raises(ClientError) as error:
        events.start_replay(ReplayName="r", EventSourceArn=archive_arn, EventStartTime=now,
                            EventEndTime=now - datetime.timedelta(hours=1), Destination={"Arn": bus_arn})
    assert error.value.response["Error"]["Message"] == (
        "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.")
    with pytest.raises(ClientError) as error:
        events.start_replay(ReplayName="r", EventSourceArn=archive_arn, EventStartTime=now - datetime.timedelta(hours=1),
                            EventEndTime=now, Destination={"Arn": other_bus})
    assert "Cross event bus replay is not permitted" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        events.describe_replay(ReplayName="absent")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_scheduled_rule_fires_scheduled_events_on_nimbus_clock(events, sqs, nimbus):
    url, arn = queue_with_arn(sqs)
    rule_arn = events.put_rule(Name="every-5", ScheduleExpression="rate(5 minutes)")["RuleArn"]
    events.put_targets(Rule="every-5", Targets=[{"Id": "q", "Arn": arn}])
    assert receive(sqs, url, timeout=1) == []
    nimbus.advance_clock(11 * 60)
    got = bodies(receive(sqs, url, count=2))
    assert len(got) == 2
    assert {e["detail-type"] for e in got} == {"Scheduled Event"}
    assert {e["source"] for e in got} == {"aws.events"}
    assert all(e["resources"] == [rule_arn] and e["detail"] == {} for e in got)
    events.disable_rule(Name="every-5")
    nimbus.advance_clock(10 * 60)
    assert receive(sqs, url, timeout=1) == []
