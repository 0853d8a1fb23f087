"""The seed's event-driven pattern, unmodified but for the endpoint: order-service publishes
OrderCreated, OrderCreatedRule fans it out to the Payment and Inventory functions. And the
durability promise: an acknowledged PutEvents is delivered even after kill -9."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from conftest import make_client, unique
from events_helpers import events_client, order_created, queue_with_arn, receive

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lambda"))
from lambda_helpers import create_function, log_messages  # noqa: E402

HANDLER = """
exports.handler = async (event) => {
  console.log(`${process.env.AWS_LAMBDA_FUNCTION_NAME} got ${event['detail-type']} ${event.detail.orderId}`);
  return { ok: true };
};
"""


def test_order_created_rule_fans_out_to_payment_and_inventory_functions(nimbus):
    lam = make_client(nimbus.endpoint, service="lambda")
    logs = make_client(nimbus.endpoint, service="logs")
    events = events_client(nimbus.endpoint)
    functions = {}
    for role in ("Payment", "Inventory"):
        name = unique(role)
        functions[role] = create_function(lam, name, {"index.js": HANDLER})["FunctionArn"]
        lam.add_permission(FunctionName=name, StatementId="events", Action="lambda:InvokeFunction",
                           Principal="events.amazonaws.com")
    # OrderCreatedRule as the seed's template declares it.
    events.put_rule(Name="OrderCreatedRule", EventBusName="default",
                    EventPattern=json.dumps({"source": ["order-service"], "detail-type": ["OrderCreated"]}))
    events.put_targets(Rule="OrderCreatedRule", EventBusName="default", Targets=[
        {"Arn": functions["Payment"], "Id": "PaymentTarget"},
        {"Arn": functions["Inventory"], "Id": "InventoryTarget"}])
    # publishOrderCreated(event), as the seed writes it.
    result = events.put_events(Entries=[order_created({"orderId": "o-77", "userId": "u-1", "amount": 10})])
    assert result["FailedEntryCount"] == 0
    for arn in functions.values():
        name = arn.split(":")[-1]
        assert log_messages(logs, f"/aws/lambda/{name}", "got OrderCreated o-77", timeout=20), name


def test_a_function_without_a_permission_for_eventbridge_is_not_invoked(nimbus):
    lam = make_client(nimbus.endpoint, service="lambda")
    logs = make_client(nimbus.endpoint, service="logs")
    events = events_client(nimbus.endpoint)
    sqs = make_client(nimbus.endpoint)
    dlq_url, dlq_arn = queue_with_arn(sqs)
    name = unique("NoPermission")
    arn = create_function(lam, name, {"index.js": HANDLER})["FunctionArn"]
    events.put_rule(Name="unpermitted", EventPattern=json.dumps({"source": ["order-service"]}))
    events.put_targets(Rule="unpermitted", Targets=[{"Arn": arn, "Id": "f", "DeadLetterConfig": {"Arn": dlq_arn}}])
    events.put_events(Entries=[order_created()])
    [message] = receive(sqs, dlq_url, attributes=True)
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "NO_PERMISSIONS"
    assert log_messages(logs, f"/aws/lambda/{name}", "got OrderCreated", timeout=1) == []


def test_acknowledged_events_are_delivered_after_kill_9(server_factory):
    server = server_factory()
    events = events_client(server.endpoint)
    sqs = make_client(server.endpoint)
    url, arn = queue_with_arn(sqs)
    events.put_rule(Name="durable", EventPattern=json.dumps({"source": ["order-service"]}))
    events.put_targets(Rule="durable", Targets=[{"Id": "q", "Arn": arn}])
    ids = set()
    for n in range(50):
        result = events.put_events(Entries=[order_created({"n": n})] * 10)
        ids.update(e["EventId"] for e in result["Entries"])
    server.restart(kill=True)
    sqs = make_client(server.endpoint)
    # At-least-once: events delivered just before the kill may arrive twice; none may be missing.
    got: set[str] = set()
    deadline = time.time() + 30
    while not ids <= got and time.time() < deadline:
        got.update(json.loads(m["Body"])["id"] for m in receive(sqs, url, count=10, timeout=2))
    assert ids <= got, f"{len(ids - got)} of {len(ids)} acknowledged events never arrived"
