"""Buses, rules, targets, tags and TestEventPattern through Debian's boto3 and the AWS CLI v2,
with EventBridge's errors."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from events_helpers import events_client


@pytest.fixture
def events(nimbus):
    return events_client(nimbus.endpoint)


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        call(*args, **kwargs)
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_the_default_bus_exists_and_custom_buses_come_and_go(events):
    default = events.describe_event_bus()
    assert default["Name"] == "default"
    assert default["Arn"] == "arn:aws:events:us-east-1:000000000000:event-bus/default"
    arn = events.create_event_bus(Name="orders")["EventBusArn"]
    assert arn == "arn:aws:events:us-east-1:000000000000:event-bus/orders"
    assert events.describe_event_bus(Name=arn)["Name"] == "orders"
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default", "orders"]
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="ord")["EventBuses"]] == ["orders"]
    assert error_of(events.create_event_bus, Name="orders") == (
        "ResourceAlreadyExistsException", "Event bus orders already exists.")
    assert error_of(events.delete_event_bus, Name="default") == ("ValidationException", "Cannot delete event bus default.")
    assert error_of(events.create_event_bus, Name="a/b")[1] == "Event bus name must not contain '/'."
    events.delete_event_bus(Name="orders")
    assert error_of(events.describe_event_bus, Name="orders") == (
        "ResourceNotFoundException", "Event bus orders does not exist.")
    events.delete_event_bus(Name="orders")  # deleting again succeeds, as on AWS


def test_rules_are_described_listed_paged_enabled_and_disabled(events):
    pattern = json.dumps({"source": ["order-service"]})
    for name in ["r-a", "r-b", "r-c", "other"]:
        events.put_rule(Name=name, EventPattern=pattern, Description=f"rule {name}")
    rule = events.describe_rule(Name="r-b")
    assert rule["Arn"] == "arn:aws:events:us-east-1:000000000000:rule/r-b"
    assert rule["State"] == "ENABLED" and rule["EventBusName"] == "default"
    assert json.loads(rule["EventPattern"]) == {"source": ["order-service"]}
    assert rule["Description"] == "rule r-b" and rule["CreatedBy"] == "000000000000"
    first = events.list_rules(NamePrefix="r-", Limit=2)
    assert [r["Name"] for r in first["Rules"]] == ["r-a", "r-b"]
    rest = events.list_rules(NamePrefix="r-", Limit=2, NextToken=first["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["r-c"] and "NextToken" not in rest
    events.disable_rule(Name="r-a")
    assert events.describe_rule(Name="r-a")["State"] == "DISABLED"
    events.enable_rule(Name="r-a")
    assert events.describe_rule(Name="r-a")["State"] == "ENABLED"
    assert error_of(events.describe_rule, Name="nope") == (
        "ResourceNotFoundException", "Rule nope does not exist on EventBus default.")
    assert error_of(events.enable_rule, Name="nope")[0] == "ResourceNotFoundException"


def test_rules_on_a_custom_bus_have_its_name_in_their_arn(events):
    events.create_event_bus(Name="billing")
    arn = events.put_rule(Name="paid", EventBusName="billing", EventPattern=json.dumps({"source": ["pay"]}))["RuleArn"]
    assert arn == "arn:aws:events:us-east-1:000000000000:rule/billing/paid"
    assert events.list_rules()["Rules"] == []
    assert [r["Name"] for r in events.list_rules(EventBusName="billing")["Rules"]] == ["paid"]
    assert error_of(events.put_rule, Name="x", EventBusName="nope", EventPattern="{}")[1] == "Event bus nope does not exist."
    assert error_of(events.put_rule, Name="s", EventBusName="billing", ScheduleExpression="rate(5 minutes)")[1] == (
        "ScheduleExpression is supported only on the default event bus.")


def test_malformed_patterns_and_schedules_are_refused(events):
    code, message = error_of(events.put_rule, Name="bad", EventPattern='{"source": "not-a-list"}')
    assert code == "InvalidEventPatternException"
    assert message.startswith("Event pattern is not valid. Reason: ")
    assert error_of(events.put_rule, Name="bad", EventPattern="not json")[0] == "InvalidEventPatternException"
    assert error_of(events.put_rule, Name="bad", ScheduleExpression="rate(5 minute)") == (
        "ValidationException", "Parameter ScheduleExpression is not valid.")
    assert error_of(events.put_rule, Name="bad")[1] == (
        "Parameter(s) EventPattern or ScheduleExpression must be specified.")
    events.put_rule(Name="scheduled", ScheduleExpression="cron(0 12 * * ? *)")
    assert events.describe_rule(Name="scheduled")["ScheduleExpression"] == "cron(0 12 * * ? *)"


def test_targets_are_put_replaced_listed_removed_and_limited_to_five(events):
    events.put_rule(Name="fan", EventPattern=json.dumps({"source": ["s"]}))
    queue = "arn:aws:sqs:us-east-1:000000000000:q{}"
    events.put_targets(Rule="fan", Targets=[{"Id": f"t{n}", "Arn": queue.format(n)} for n in range(5)])
    events.put_targets(Rule="fan", Targets=[{"Id": "t0", "Arn": queue.format("x"), "Input": '{"a": 1}'}])
    targets = events.list_targets_by_rule(Rule="fan")["Targets"]
    assert [t["Id"] for t in targets] == ["t0", "t1", "t2", "t3", "t4"]
    assert targets[0] == {"Id": "t0", "Arn": queue.format("x"), "Input": '{"a": 1}'}
    assert error_of(events.put_targets, Rule="fan", Targets=[{"Id": "t5", "Arn": queue.format(5)}])[0] == (
        "LimitExceededException")
    assert events.list_rule_names_by_target(TargetArn=queue.format(1))["RuleNames"] == ["fan"]
    assert error_of(events.delete_rule, Name="fan") == ("ValidationException", "Rule can't be deleted since it has targets.")
    assert error_of(events.put_targets, Rule="fan", Targets=[{"Id": "bad", "Arn": "not-an-arn"}]) == (
        "ValidationException", "Parameter not-an-arn is not valid. Reason: Provided Arn is not in correct format.")
    assert error_of(events.put_targets, Rule="nope", Targets=[{"Id": "t", "Arn": queue.format(1)}])[1] == (
        "Rule nope does not exist on EventBus default.")
    events.remove_targets(Rule="fan", Ids=["t1", "t2"])
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="fan")["Targets"]] == ["t0", "t3", "t4"]
    events.delete_rule(Name="fan", Force=True)
    assert events.list_rules()["Rules"] == []


def test_test_event_pattern_answers_from_the_routing_matcher(events):
    event = json.dumps({"id": "1", "account": "000000000000", "source": "order-service", "time": "2026-01-01T00:00:00Z",
                        "region": "us-east-1", "resources": [], "detail-type": "OrderCreated",
                        "detail": {"amount": 150, "currency": "EUR"}})
    assert events.test_event_pattern(EventPattern=json.dumps({"detail": {"amount": [{"numeric": [">", 100]}]}}),
                                     Event=event)["Result"] is True
    assert events.test_event_pattern(EventPattern=json.dumps({"detail": {"currency": [{"anything-but": "EUR"}]}}),
                                     Event=event)["Result"] is False
    assert error_of(events.test_event_pattern, EventPattern='{"a": 1}', Event=event)[0] == "InvalidEventPatternException"
    assert error_of(events.test_event_pattern, EventPattern='{"a": [1]}', Event='{"a": 1}')[0] == "ValidationException"


def test_rules_and_buses_carry_tags(events):
    rule_arn = events.put_rule(Name="tagged", EventPattern=json.dumps({"source": ["s"]}),
                               Tags=[{"Key": "team", "Value": "orders"}])["RuleArn"]
    events.tag_resource(ResourceARN=rule_arn, Tags=[{"Key": "env", "Value": "dev"}])
    tags = {t["Key"]: t["Value"] for t in events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"]}
    assert tags == {"team": "orders", "env": "dev"}
    events.untag_resource(ResourceARN=rule_arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=rule_arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    bus_arn = events.create_event_bus(Name="tagged-bus", Tags=[{"Key": "k", "Value": "v"}])["EventBusArn"]
    assert events.list_tags_for_resource(ResourceARN=bus_arn)["Tags"] == [{"Key": "k", "Value": "v"}]


def test_the_cli_puts_rules_targets_and_events(aws_cli, sqs):
    url = sqs.create_queue(QueueName="cli-events")["QueueUrl"]
    arn = "arn:aws:sqs:us-east-1:000000000000:cli-events"
    aws_cli("events", "put-rule", "--name", "cli", "--event-pattern", '{"source": ["cli"]}')
    aws_cli("events", "put-targets", "--rule", "cli", "--targets", f"Id=q,Arn={arn}")
    result = aws_cli("events", "put-events", "--entries",
                     json.dumps([{"Source": "cli", "DetailType": "t", "Detail": '{"k": "v"}'}])).json
    assert result["FailedEntryCount"] == 0
    message = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"][0]
    assert json.loads(message["Body"])["detail"] == {"k": "v"}
    listed = aws_cli("events", "list-rules").json
    assert [r["Name"] for r in listed["Rules"]] == ["cli"]
    failed = aws_cli("events", "describe-rule", "--name", "nope", check=False)
    assert failed.returncode == 254 and "ResourceNotFoundException" in failed.stderr
