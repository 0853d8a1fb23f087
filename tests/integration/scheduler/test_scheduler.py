"""EventBridge Scheduler with Debian's boto3 (rest-json) and the AWS CLI v2: schedules and groups,
AWS's errors, and schedules firing on nimbus's clock to SQS, EventBridge and dead-letter queues,
across a kill -9."""

from __future__ import annotations

import datetime
import json
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import make_client, sign_headers, unique

ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler"


def scheduler_client(endpoint: str):
    return make_client(endpoint, service="scheduler")


@pytest.fixture
def scheduler(nimbus):
    return scheduler_client(nimbus.endpoint)


def queue_with_arn(sqs, name: str | None = None) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name or unique("sched"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive(sqs, url: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
    """At least `count` messages (deleted as read), waiting up to `timeout` seconds."""
    deadline = time.time() + timeout
    got: list[dict] = []
    while len(got) < count and time.time() < deadline:
        response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                       MessageAttributeNames=["All"])
        for message in response.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


def at_in(seconds: float, zone: str = "UTC") -> str:
    when = datetime.datetime.now(ZoneInfo(zone)) + datetime.timedelta(seconds=seconds)
    return when.strftime("at(%Y-%m-%dT%H:%M:%S)")


def sqs_target(arn: str, **extra) -> dict:
    return {"Arn": arn, "RoleArn": ROLE, **extra}


def create(scheduler, name: str, expression: str, target: dict, **extra) -> str:
    return scheduler.create_schedule(Name=name, ScheduleExpression=expression, Target=target,
                                     FlexibleTimeWindow={"Mode": "OFF"}, **extra)["ScheduleArn"]


def error_of(call, **kwargs) -> dict:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response


def raw_scheduler(endpoint: str, method: str, path: str, body: dict | None = None) -> requests.Response:
    """A signed rest-json request (for members Debian's botocore predates: ActionAfterCompletion)."""
    data = json.dumps(body).encode() if body is not None else b""
    headers = sign_headers(method, endpoint + path, data, {"Content-Type": "application/json"}, service="scheduler")
    return requests.request(method, endpoint + path, data=data, headers=headers, timeout=30)


# --- schedules and groups ---------------------------------------------------------------------

def test_create_get_update_list_delete_a_schedule(scheduler, sqs):
    _, arn = queue_with_arn(sqs)
    schedule_arn = create(scheduler, "nightly", "cron(0 3 * * ? *)", sqs_target(arn, Input='{"job":"x"}'),
                          ScheduleExpressionTimezone="Europe/Berlin", Description="d")
    assert schedule_arn == f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/nightly"
    got = scheduler.get_schedule(Name="nightly")
    assert got["Arn"] == schedule_arn and got["GroupName"] == "default"
    assert got["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert got["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert got["State"] == "ENABLED" and got["Description"] == "d"
    assert got["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert got["Target"]["Input"] == '{"job":"x"}'
    assert got["Target"]["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert isinstance(got["CreationDate"], datetime.datetime)

    scheduler.update_schedule(Name="nightly", ScheduleExpression="rate(2 hours)", Target=sqs_target(arn),
                              FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
                              State="DISABLED")
    got = scheduler.get_schedule(Name="nightly")
    assert got["ScheduleExpression"] == "rate(2 hours)" and got["State"] == "DISABLED"
    assert "ScheduleExpressionTimezone" not in got and "Description" not in got
    assert got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}

    listed = scheduler.list_schedules()["Schedules"]
    assert [(s["Name"], s["State"], s["Target"]["Arn"]) for s in listed] == [("nightly", "DISABLED", arn)]
    assert scheduler.list_schedules(State="ENABLED")["Schedules"] == []
    scheduler.delete_schedule(Name="nightly")
    assert scheduler.list_schedules()["Schedules"] == []


def test_errors_are_awss(scheduler, sqs):
    _, arn = queue_with_arn(sqs)
    create(scheduler, "dup", "rate(1 day)", sqs_target(arn))
    conflict = error_of(create, scheduler=scheduler, name="dup", expression="rate(1 day)", target=sqs_target(arn))
    assert conflict["Error"]["Code"] == "ConflictException"
    assert conflict["Error"]["Message"] == "Schedule dup already exists."
    assert conflict["ResponseMetadata"]["HTTPStatusCode"] == 409
    missing = error_of(scheduler.get_schedule, Name="nope")
    assert missing["Error"]["Code"] == "ResourceNotFoundException"
    assert missing["Error"]["Message"] == "Schedule nope does not exist."
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error_of(scheduler.delete_schedule, Name="nope")["Error"]["Code"] == "ResourceNotFoundException"
    assert error_of(scheduler.update_schedule, Name="nope", ScheduleExpression="rate(1 day)", Target=sqs_target(arn),
                    FlexibleTimeWindow={"Mode": "OFF"})["Error"]["Code"] == "ResourceNotFoundException"
    bad = error_of(create, scheduler=scheduler, name="bad", expression="rate(0 minutes)", target=sqs_target(arn))
    assert bad["Error"] == {"Code": "ValidationException", "Message": "Invalid Schedule Expression rate(0 minutes)."}
    zone = error_of(create, scheduler=scheduler, name="z", expression="cron(0 9 * * ? *)", target=sqs_target(arn),
                    ScheduleExpressionTimezone="Nowhere/Special")
    assert zone["Error"]["Code"] == "ValidationException"
    window = error_of(scheduler.create_schedule, Name="w", ScheduleExpression="rate(1 day)", Target=sqs_target(arn),
                      FlexibleTimeWindow={"Mode": "FLEXIBLE"})
    assert window["Error"]["Code"] == "ValidationException"
    early = error_of(create, scheduler=scheduler, name="e", expression="rate(1 day)", target=sqs_target(arn),
                     StartDate=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1))
    assert early["Error"]["Message"] == "The StartDate you specify cannot be earlier than 5 minutes ago."
    no_group = error_of(create, scheduler=scheduler, name="g", expression="rate(1 day)", target=sqs_target(arn),
                        GroupName="absent")
    assert no_group["Error"] == {"Code": "ResourceNotFoundException",
                                 "Message": "Schedule group absent does not exist."}


def test_groups_hold_schedules_and_tags(scheduler, sqs):
    _, arn = queue_with_arn(sqs)
    group_arn = scheduler.create_schedule_group(Name="team", Tags=[{"Key": "owner", "Value": "a"}])["ScheduleGroupArn"]
    assert group_arn == f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/team"
    assert error_of(scheduler.create_schedule_group, Name="team")["Error"]["Code"] == "ConflictException"
    got = scheduler.get_schedule_group(Name="team")
    assert got["Arn"] == group_arn and got["State"] == "ACTIVE" and got["Name"] == "team"
    assert scheduler.get_schedule_group(Name="default")["Arn"].endswith(":schedule-group/default")
    assert [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]] == ["default", "team"]
    assert [g["Name"] for g in scheduler.list_schedule_groups(NamePrefix="te")["ScheduleGroups"]] == ["team"]

    scheduler.tag_resource(ResourceArn=group_arn, Tags=[{"Key": "env", "Value": "dev"}])
    scheduler.untag_resource(ResourceArn=group_arn, TagKeys=["owner"])
    assert scheduler.list_tags_for_resource(ResourceArn=group_arn)["Tags"] == [{"Key": "env", "Value": "dev"}]

    for i in range(3):
        create(scheduler, f"s{i}", "rate(1 day)", sqs_target(arn), GroupName="team")
    create(scheduler, "s0", "rate(1 day)", sqs_target(arn))  # the same name in another group
    assert scheduler.get_schedule(Name="s1", GroupName="team")["Arn"].endswith(":schedule/team/s1")
    assert error_of(scheduler.get_schedule, Name="s1")["Error"]["Code"] == "ResourceNotFoundException"
    names = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName="team", PaginationConfig={"PageSize": 2}):
        names += [s["Name"] for s in page["Schedules"]]
    assert names == ["s0", "s1", "s2"]
    assert [s["Name"] for s in scheduler.list_schedules(NamePrefix="s")["Schedules"]] == ["s0", "s0", "s1", "s2"]

    default = error_of(scheduler.delete_schedule_group, Name="default")
    assert default["Error"]["Code"] == "ValidationException"
    scheduler.delete_schedule_group(Name="team")
    assert [s["Arn"] for s in scheduler.list_schedules()["Schedules"]] == [
        f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule/default/s0"]
    assert error_of(scheduler.get_schedule_group, Name="team")["Error"] == {
        "Code": "ResourceNotFoundException", "Message": "Schedule group team does not exist."}


def test_the_cli_manages_schedules(aws_cli, sqs):
    _, arn = queue_with_arn(sqs)
    created = aws_cli("scheduler", "create-schedule", "--name", "cli", "--schedule-expression", "rate(5 minutes)",
                      "--flexible-time-window", "Mode=OFF", "--target", json.dumps(sqs_target(arn))).json
    assert created["ScheduleArn"].endswith(":schedule/default/cli")
    assert aws_cli("scheduler", "get-schedule", "--name", "cli").json["Target"]["Arn"] == arn
    assert [s["Name"] for s in aws_cli("scheduler", "list-schedules").json["Schedules"]] == ["cli"]
    missing = aws_cli("scheduler", "get-schedule", "--name", "nope", check=False)
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr
    aws_cli("scheduler", "delete-schedule", "--name", "cli")


# --- firing ---------------------------------------------------------------------------------

def test_an_at_schedule_fires_once_when_the_clock_reaches_it(nimbus, scheduler, sqs):
    url, arn = queue_with_arn(sqs)
    create(scheduler, "once", at_in(3600), sqs_target(arn, Input='{"hello":"world"}'))
    assert receive(sqs, url, timeout=1.5) == []
    nimbus.advance_clock(3700)
    [message] = receive(sqs, url)
    assert json.loads(message["Body"]) == {"hello": "world"}
    nimbus.advance_clock(3600)
    assert receive(sqs, url, timeout=1.5) == []
    assert scheduler.get_schedule(Name="once")["State"] == "ENABLED"  # ActionAfterCompletion NONE keeps it


def test_a_rate_schedule_fires_every_period(nimbus, scheduler, sqs):
    url, arn = queue_with_arn(sqs)
    create(scheduler, "tick", "rate(1 minute)", sqs_target(arn))
    assert [m["Body"] for m in receive(sqs, url)] == ["{}"]  # a rate schedule starts when created
    for _ in range(3):
        nimbus.advance_clock(60)
        assert len(receive(sqs, url)) == 1
    nimbus.advance_clock(180)
    assert len(receive(sqs, url, count=3)) == 3
    assert receive(sqs, url, timeout=1.5) == []
    assert nimbus.health()["details"]["scheduler"]["fires"] >= 7


def test_a_cron_schedule_fires_on_its_time_zones_wall_clock(nimbus, scheduler, sqs):
    url, arn = queue_with_arn(sqs)
    zone = ZoneInfo("America/New_York")
    now = datetime.datetime.now(zone)
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if nine <= now + datetime.timedelta(seconds=30):
        nine = (now + datetime.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    create(scheduler, "nine", "cron(0 9 * * ? *)", sqs_target(arn, Input="morning"),
           ScheduleExpressionTimezone="America/New_York")
    until = (nine - now).total_seconds()
    nimbus.advance_clock(until - 20)
    assert receive(sqs, url, timeout=1.5) == []
    nimbus.advance_clock(25)
    assert [m["Body"] for m in receive(sqs, url)] == ["morning"]


def test_action_after_completion_delete_removes_a_fired_schedule(nimbus, scheduler, sqs):
    url, arn = queue_with_arn(sqs)
    response = raw_scheduler(nimbus.endpoint, "POST", "/schedules/bye", {
        "ScheduleExpression": at_in(600), "FlexibleTimeWindow": {"Mode": "OFF"},
        "ActionAfterCompletion": "DELETE", "Target": sqs_target(arn, Input="last")})
    assert response.status_code == 200, response.text
    got = raw_scheduler(nimbus.endpoint, "GET", "/schedules/bye").json()
    assert got["ActionAfterCompletion"] == "DELETE"
    nimbus.advance_clock(700)
    assert [m["Body"] for m in receive(sqs, url)] == ["last"]
    deadline = time.time() + 5
    while time.time() < deadline and scheduler.list_schedules()["Schedules"]:
        time.sleep(0.1)
    assert error_of(scheduler.get_schedule, Name="bye")["Error"]["Code"] == "ResourceNotFoundException"


def test_a_missing_target_sends_the_payload_to_the_dead_letter_queue(nimbus, scheduler, sqs):
    dlq_url, dlq_arn = queue_with_arn(sqs)
    missing = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{unique('gone')}"
    schedule_arn = create(scheduler, "doomed", at_in(60), sqs_target(
        missing, Input='{"n":1}', RetryPolicy={"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60},
        DeadLetterConfig={"Arn": dlq_arn}))
    nimbus.advance_clock(61)
    [message] = receive(sqs, dlq_url)
    assert message["Body"] == '{"n":1}'
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["X-Amz-Scheduler-Schedule-Arn"] == schedule_arn
    assert attributes["X-Amz-Scheduler-Target-Arn"] == missing
    assert attributes["X-Amz-Scheduler-Group"] == "default"
    assert attributes["X-Amz-Scheduler-Attempt"] == "1"
    assert "NonExistentQueue" in attributes["X-Amz-Scheduler-Error-Code"] or \
        "QueueDoesNotExist" in attributes["X-Amz-Scheduler-Error-Code"]
    assert attributes["X-Amz-Scheduler-Error-Message"]


def test_an_event_bus_target_puts_an_event_that_rules_route(nimbus, scheduler, sqs):
    if nimbus.health()["services"].get("events") is None:
        pytest.skip("nimbus does not serve EventBridge (events) in this build")
    events = make_client(nimbus.endpoint, service="events")
    url, arn = queue_with_arn(sqs)
    events.put_rule(Name="from-scheduler", EventPattern=json.dumps({"source": ["my.scheduler"]}))
    events.put_targets(Rule="from-scheduler", Targets=[{"Id": "q", "Arn": arn}])
    create(scheduler, "to-bus", at_in(120), {
        "Arn": f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default", "RoleArn": ROLE,
        "Input": '{"report":"daily"}', "EventBridgeParameters": {"Source": "my.scheduler", "DetailType": "Report"}})
    nimbus.advance_clock(130)
    [message] = receive(sqs, url)
    event = json.loads(message["Body"])
    assert event["source"] == "my.scheduler" and event["detail-type"] == "Report"
    assert event["detail"] == {"report": "daily"}


def test_fires_are_neither_lost_nor_repeated_across_kill_9(server_factory):
    server = server_factory()
    scheduler = scheduler_client(server.endpoint)
    sqs = make_client(server.endpoint)
    url, arn = queue_with_arn(sqs)
    create(scheduler, "tick", "rate(10 minutes)", sqs_target(arn, Input="tick"))
    create(scheduler, "later", at_in(3 * 3600), sqs_target(arn, Input="later"))
    assert [m["Body"] for m in receive(sqs, url)] == ["tick"]
    time.sleep(0.5)  # the delivery's removal from the outbox is durable too
    server.restart(kill=True)
    scheduler = scheduler_client(server.endpoint)
    sqs = make_client(server.endpoint)
    assert {s["Name"] for s in scheduler.list_schedules()["Schedules"]} == {"tick", "later"}
    assert receive(sqs, url, timeout=1.5) == []  # the fire made before the kill is not made again
    server.advance_clock(600)
    assert [m["Body"] for m in receive(sqs, url)] == ["tick"]
    time.sleep(0.5)
    server.restart(kill=True)
    sqs = make_client(server.endpoint)
    server.advance_clock(3 * 3600)  # the one-time schedule falls due, and 18 more ticks
    bodies = [m["Body"] for m in receive(sqs, url, count=19, timeout=15)]
    assert bodies.count("later") == 1 and bodies.count("tick") == 18
    assert receive(sqs, url, timeout=1.5) == []
