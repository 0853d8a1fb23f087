"""Helpers for the EventBridge suites: clients, queues that receive a rule's events, waiting."""

from __future__ import annotations

import json
import time

from conftest import make_client, unique


def events_client(endpoint: str, region: str = "us-east-1", access_key: str = "test"):
    return make_client(endpoint, region=region, access_key=access_key, service="events")


def queue_with_arn(sqs, name: str | None = None, attributes: dict | None = None) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name or unique("events"), Attributes=attributes or {})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive(sqs, url: str, count: int = 1, timeout: float = 10.0, attributes: bool = False) -> list[dict]:
    """At least `count` messages of the queue (deleted as read), waiting up to `timeout`."""
    deadline = time.time() + timeout
    got: list[dict] = []
    while len(got) < count and time.time() < deadline:
        extra = {"MessageAttributeNames": ["All"], "AttributeNames": ["All"]} if attributes else {}
        response = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **extra)
        for message in response.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


def bodies(messages: list[dict]) -> list[object]:
    out = []
    for message in messages:
        try:
            out.append(json.loads(message["Body"]))
        except ValueError:
            out.append(message["Body"])
    return out


def rule_to_queue(events, name: str, pattern: dict, queue_arn: str, bus: str = "default", **target) -> str:
    arn = events.put_rule(Name=name, EventPattern=json.dumps(pattern), EventBusName=bus)["RuleArn"]
    result = events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "q", "Arn": queue_arn, **target}])
    assert result["FailedEntryCount"] == 0, result
    return arn


def order_created(detail: dict | None = None, bus: str = "default") -> dict:
    return {"Source": "order-service", "DetailType": "OrderCreated",
            "Detail": json.dumps(detail or {"orderId": "o-1", "userId": "u-1", "amount": 42}), "EventBusName": bus}
