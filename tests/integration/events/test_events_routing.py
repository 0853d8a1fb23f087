"""PutEvents through rules to targets, with Debian's boto3: the event as EventBridge builds it,
per-entry validation, input shaping, FIFO, bus-to-bus and Logs targets, dead-letter queues."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique
from events_helpers import bodies, events_client, order_created, queue_with_arn, receive, rule_to_queue


@pytest.fixture
def events(nimbus):
    return events_client(nimbus.endpoint)


def test_put_events_delivers_the_event_as_eventbridge_builds_it(events, sqs):
    url, arn = queue_with_arn(sqs)
    rule_arn = rule_to_queue(events, "orders", {"source": ["order-service"], "detail-type": ["OrderCreated"]}, arn)
    assert rule_arn == "arn:aws:events:us-east-1:000000000000:rule/orders"
    result = events.put_events(Entries=[{**order_created(), "Resources": ["arn:aws:s3:::b"]}])
    assert result["FailedEntryCount"] == 0
    event_id = result["Entries"][0]["EventId"]
    assert re.fullmatch(r"[0-9a-f-]{36}", event_id)
    [message] = receive(sqs, url)
    assert list(json.loads(message["Body"]).keys()) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    event = json.loads(message["Body"])
    assert event["id"] == event_id and event["version"] == "0"
    assert event["account"] == "000000000000" and event["region"] == "us-east-1"
    assert event["resources"] == ["arn:aws:s3:::b"]
    assert event["detail"] == {"orderId": "o-1", "userId": "u-1", "amount": 42}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])


def test_every_entry_reaches_each_rules_queue_as_its_own_message(events, sqs):
    # Deliveries to one queue go as SendMessageBatch calls inside nimbus: none may be lost,
    # merged or given another rule's shape.
    url, arn = queue_with_arn(sqs)
    rule_to_queue(events, unique("whole"), {"source": ["order-service"]}, arn)
    rule_to_queue(events, unique("ids"), {"source": ["order-service"]}, arn, Input='"fixed"')
    entries = [order_created({"orderId": f"o-{i}"}) for i in range(10)]
    result = events.put_events(Entries=entries)
    assert result["FailedEntryCount"] == 0
    got = bodies(receive(sqs, url, count=20))
    assert len(got) == 20
    assert sorted(body["detail"]["orderId"] for body in got if isinstance(body, dict)) == sorted(
        f"o-{i}" for i in range(10))
    assert [body for body in got if not isinstance(body, dict)] == ["fixed"] * 10


def test_large_events_to_one_queue_all_arrive_within_sqs_batch_limits(events, sqs):
    # Five ~200 KB events exceed SQS's 1 MiB batch: calls combined from them must stay under it.
    url, arn = queue_with_arn(sqs)
    rule_to_queue(events, unique("large"), {"source": ["order-service"]}, arn)
    for i in range(5):
        result = events.put_events(Entries=[order_created({"orderId": f"o-{i}", "pad": "x" * 200_000})])
        assert result["FailedEntryCount"] == 0
    got = bodies(receive(sqs, url, count=5, timeout=15))
    assert sorted(body["detail"]["orderId"] for body in got) == [f"o-{i}" for i in range(5)]


def test_events_that_match_no_rule_or_a_disabled_rule_are_not_delivered(events, sqs):
    url, arn = queue_with_arn(sqs)
    rule_to_queue(events, "only-payments", {"source": ["payment-service"]}, arn)
    events.put_events(Entries=[order_created()])
    events.disable_rule(Name="only-payments")
    events.put_events(Entries=[{**order_created(), "Source": "payment-service"}])
    assert receive(sqs, url, timeout=1.5) == []
    events.enable_rule(Name="only-payments")
    events.put_events(Entries=[{**order_created(), "Source": "payment-service"}])
    assert len(receive(sqs, url)) == 1


def test_each_entry_is_validated_on_its_own(events):
    result = events.put_events(Entries=[
        {"DetailType": "t", "Detail": "{}"},
        {"Source": "s", "Detail": "{}"},
        {"Source": "s", "DetailType": "t"},
        {"Source": "s", "DetailType": "t", "Detail": "[1, 2]"},
        {"Source": "s", "DetailType": "t", "Detail": "{not json"},
        {"Source": "s", "DetailType": "t", "Detail": "{}", "EventBusName": "no-such-bus"},
        {"Source": "s", "DetailType": "t", "Detail": "{}"},
    ])
    assert result["FailedEntryCount"] == 6
    entries = result["Entries"]
    assert entries[0] == {"ErrorCode": "InvalidArgument",
                          "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument."}
    assert entries[1]["ErrorMessage"] == "Parameter DetailType is not valid. Reason: DetailType is a required argument."
    assert entries[2]["ErrorMessage"] == "Parameter Detail is not valid. Reason: Detail is a required argument."
    assert entries[3] == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    assert entries[4]["ErrorCode"] == "MalformedDetail"
    assert entries[5]["ErrorCode"] == "ResourceNotFoundException"
    assert "EventId" in entries[6]


def test_oversize_requests_and_too_many_entries_are_refused(events):
    big = {"Source": "s", "DetailType": "t", "Detail": json.dumps({"x": "a" * 200_000})}
    with pytest.raises(ClientError) as error:
        events.put_events(Entries=[big, big])
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert "Total size of the entries in the request is over the limit" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as error:
        events.put_events(Entries=[{"Source": "s", "DetailType": "t", "Detail": "{}"}] * 11)
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_input_input_path_and_input_transformer_shape_what_the_target_receives(events, sqs):
    url, arn = queue_with_arn(sqs)
    events.put_rule(Name="shaped", EventPattern=json.dumps({"source": ["order-service"]}))
    events.put_targets(Rule="shaped", Targets=[
        {"Id": "constant", "Arn": arn, "Input": '{"fixed": true}'},
        {"Id": "path", "Arn": arn, "InputPath": "$.detail"},
        {"Id": "template", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.orderId", "amount": "$.detail.amount"},
            "InputTemplate": '{"id": <order>, "total": <amount>, "rule": "<aws.events.rule-name>"}'}},
        {"Id": "text", "Arn": arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.orderId"}, "InputTemplate": '"Order <order> created"'}},
    ])
    events.put_events(Entries=[order_created()])
    got = bodies(receive(sqs, url, count=4))
    assert {"fixed": True} in got
    assert {"orderId": "o-1", "userId": "u-1", "amount": 42} in got
    assert {"id": "o-1", "total": 42, "rule": "shaped"} in got
    assert '"Order o-1 created"' in [m for m in got if isinstance(m, str)] or "Order o-1 created" in got


def test_fifo_targets_need_a_message_group_and_keep_order(events, sqs):
    url, arn = queue_with_arn(sqs, unique("events") + ".fifo", {"FifoQueue": "true"})
    events.put_rule(Name="fifo", EventPattern=json.dumps({"source": ["order-service"]}))
    with pytest.raises(ClientError) as error:
        events.put_targets(Rule="fifo", Targets=[{"Id": "f", "Arn": arn}])
    assert error.value.response["Error"]["Message"] == "Parameter(s) SqsParameters must be specified for target: f."
    events.put_targets(Rule="fifo", Targets=[{"Id": "f", "Arn": arn, "SqsParameters": {"MessageGroupId": "orders"}}])
    for n in range(5):
        events.put_events(Entries=[order_created({"n": n})])
    got = receive(sqs, url, count=5, attributes=True)
    assert [json.loads(m["Body"])["detail"]["n"] for m in got] == [0, 1, 2, 3, 4]
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"orders"}


def test_a_rule_can_forward_to_another_bus(events, sqs):
    url, arn = queue_with_arn(sqs)
    bus_arn = events.create_event_bus(Name="inventory")["EventBusArn"]
    events.put_rule(Name="forward", EventPattern=json.dumps({"source": ["order-service"]}))
    events.put_targets(Rule="forward", Targets=[{"Id": "bus", "Arn": bus_arn}])
    rule_to_queue(events, "on-inventory", {"detail-type": ["OrderCreated"]}, arn, bus="inventory")
    events.put_events(Entries=[order_created()])
    [event] = bodies(receive(sqs, url))
    assert event["source"] == "order-service" and event["detail"]["orderId"] == "o-1"


def test_log_group_targets_get_each_event_in_its_own_stream(events, nimbus):
    logs = make_client(nimbus.endpoint, service="logs")
    logs.create_log_group(logGroupName="/aws/events/orders")
    group_arn = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/events/orders:*"
    events.put_rule(Name="to-logs", EventPattern=json.dumps({"source": ["order-service"]}))
    events.put_targets(Rule="to-logs", Targets=[{"Id": "logs", "Arn": group_arn}])
    event_id = events.put_events(Entries=[order_created()])["Entries"][0]["EventId"]
    import time
    deadline = time.time() + 10
    streams = []
    while time.time() < deadline and not streams:
        streams = logs.describe_log_streams(logGroupName="/aws/events/orders")["logStreams"]
        time.sleep(0.1)
    assert [s["logStreamName"] for s in streams] == [event_id]
    [message] = [e["message"] for e in logs.get_log_events(logGroupName="/aws/events/orders",
                                                              logStreamName=event_id)["events"]]
    assert json.loads(message)["id"] == event_id


def test_an_undeliverable_event_reaches_the_dead_letter_queue_with_eventbridge_attributes(events, sqs):
    dlq_url, dlq_arn = queue_with_arn(sqs)
    missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue"
    rule_arn = events.put_rule(Name="doomed", EventPattern=json.dumps({"source": ["order-service"]}))["RuleArn"]
    events.put_targets(Rule="doomed", Targets=[{"Id": "t", "Arn": missing, "DeadLetterConfig": {"Arn": dlq_arn},
                                                "RetryPolicy": {"MaximumRetryAttempts": 0}}])
    event_id = events.put_events(Entries=[order_created()])["Entries"][0]["EventId"]
    [message] = receive(sqs, dlq_url, attributes=True)
    assert json.loads(message["Body"])["id"] == event_id
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"] == rule_arn
    assert attributes["TARGET_ARN"] == missing
    assert attributes["ERROR_CODE"] == "NO_RESOURCE"
    assert attributes["ERROR_MESSAGE"]


def test_another_account_puts_events_on_a_bus_only_when_its_policy_allows(events, sqs, nimbus):
    url, arn = queue_with_arn(sqs)
    bus_arn = events.create_event_bus(Name="shared")["EventBusArn"]
    rule_to_queue(events, "shared-orders", {"source": ["order-service"]}, arn, bus="shared")
    other = events_client(nimbus.endpoint, access_key="111111111111")
    refused = other.put_events(Entries=[order_created(bus=bus_arn)])
    assert refused["FailedEntryCount"] == 1 and refused["Entries"][0]["ErrorCode"] == "AccessDeniedException"
    events.put_permission(EventBusName="shared", Action="events:PutEvents", Principal="111111111111",
                          StatementId="partner")
    policy = json.loads(events.describe_event_bus(Name="shared")["Policy"])
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    accepted = other.put_events(Entries=[order_created(bus=bus_arn)])
    assert accepted["FailedEntryCount"] == 0
    [event] = bodies(receive(sqs, url))
    assert event["account"] == "111111111111"
    events.remove_permission(EventBusName="shared", StatementId="partner")
    assert "Policy" not in events.describe_event_bus(Name="shared")
