"""API destinations through Debian's boto3 and the AWS CLI v2: connections (API key, Basic, OAuth
client credentials) and destinations as EventBridge answers them, events delivered as HTTP calls
to a local endpoint with the connection's authorization and the target's parameters, the rate
limit, retries and dead-letter queues for failing endpoints, and the outbox's circuit breaker."""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.exceptions import ClientError

from conftest import unique
from events_helpers import events_client, order_created, queue_with_arn, receive


class Endpoint:
    """A local HTTP endpoint that records requests and answers with a programmable status."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.token_requests: list[dict] = []
        self.token_status = 200
        self.lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                          "body": body, "at": time.time()}
                if self.path.startswith("/token"):
                    with endpoint.lock:
                        endpoint.token_requests.append(record)
                        status = endpoint.token_status
                    answer = json.dumps({"access_token": f"tok-{len(endpoint.token_requests)}", "expires_in": 3600})
                else:
                    with endpoint.lock:
                        endpoint.requests.append(record)
                        status = endpoint.status
                    answer = json.dumps({"ok": status < 300})
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.requests) >= count:
                    return list(self.requests)
            time.sleep(0.02)
        with self.lock:
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    server = Endpoint()
    yield server
    server.close()


@pytest.fixture
def events(nimbus):
    return events_client(nimbus.endpoint)


def api_key_connection(events, name=None):
    return events.create_connection(
        Name=name or unique("conn"), AuthorizationType="API_KEY",
        AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "key-123"},
                        "InvocationHttpParameters": {
                            "HeaderParameters": [{"Key": "x-team", "Value": "payments", "IsValueSecret": False}],
                            "QueryStringParameters": [{"Key": "env", "Value": "test", "IsValueSecret": True}]}})


def rule_to_destination(events, destination_arn, name=None, **target):
    name = name or unique("rule")
    events.put_rule(Name=name, EventPattern=json.dumps({"source": ["order-service"]}))
    result = events.put_targets(Rule=name, Targets=[{"Id": "api", "Arn": destination_arn,
                                                     "RoleArn": "arn:aws:iam::000000000000:role/events", **target}])
    assert result["FailedEntryCount"] == 0, result
    return name


def test_connections_are_answered_as_eventbridge_does_without_their_secrets(events):
    created = api_key_connection(events, "orders-api")
    assert created["ConnectionState"] == "AUTHORIZED"
    assert created["ConnectionArn"].startswith("arn:aws:events:us-east-1:000000000000:connection/orders-api/")
    described = events.describe_connection(Name="orders-api")
    assert described["ConnectionArn"] == created["ConnectionArn"]
    assert described["AuthorizationType"] == "API_KEY"
    assert described["SecretArn"].startswith("arn:aws:secretsmanager:us-east-1:000000000000:secret:events!connection/")
    auth = described["AuthParameters"]
    assert auth["ApiKeyAuthParameters"] == {"ApiKeyName": "x-api-key"}
    assert auth["InvocationHttpParameters"]["HeaderParameters"] == [
        {"Key": "x-team", "Value": "payments", "IsValueSecret": False}]
    assert "Value" not in auth["InvocationHttpParameters"]["QueryStringParameters"][0]
    listed = events.list_connections(NamePrefix="orders")["Connections"]
    assert [c["Name"] for c in listed] == ["orders-api"]
    with pytest.raises(ClientError) as error:
        api_key_connection(events, "orders-api")
    assert error.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    with pytest.raises(ClientError) as error:
        events.describe_connection(Name="missing")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        events.create_connection(Name="bad", AuthorizationType="BASIC",
                                 AuthParameters={"ApiKeyAuthParameters": {"ApiKeyName": "a", "ApiKeyValue": "b"}})
    assert error.value.response["Error"]["Code"] == "ValidationException"
    assert events.deauthorize_connection(Name="orders-api")["ConnectionState"] == "DEAUTHORIZING"
    assert events.describe_connection(Name="orders-api")["ConnectionState"] == "DEAUTHORIZED"
    assert events.delete_connection(Name="orders-api")["ConnectionState"] == "DELETING"
    assert events.list_connections()["Connections"] == []


def test_api_destinations_are_active_while_their_connection_is_authorized(events, endpoint):
    connection = api_key_connection(events)
    created = events.create_api_destination(Name="hook", ConnectionArn=connection["ConnectionArn"],
                                            InvocationEndpoint=endpoint.url + "/hook", HttpMethod="POST",
                                            InvocationRateLimitPerSecond=10)
    assert created["ApiDestinationState"] == "ACTIVE"
    assert created["ApiDestinationArn"].startswith("arn:aws:events:us-east-1:000000000000:api-destination/hook/")
    described = events.describe_api_destination(Name="hook")
    assert described["InvocationEndpoint"] == endpoint.url + "/hook"
    assert described["InvocationRateLimitPerSecond"] == 10
    events.update_api_destination(Name="hook", HttpMethod="PUT")
    assert events.describe_api_destination(Name="hook")["HttpMethod"] == "PUT"
    assert [d["Name"] for d in events.list_api_destinations(ConnectionArn=connection["ConnectionArn"])["ApiDestinations"]] == ["hook"]
    name = connection["ConnectionArn"].split("/")[1]
    events.deauthorize_connection(Name=name)
    assert events.describe_api_destination(Name="hook")["ApiDestinationState"] == "INACTIVE"
    with pytest.raises(ClientError) as error:
        events.create_api_destination(Name="other", ConnectionArn=connection["ConnectionArn"] + "x",
                                      InvocationEndpoint=endpoint.url, HttpMethod="POST")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    events.delete_api_destination(Name="hook")
    with pytest.raises(ClientError) as error:
        events.describe_api_destination(Name="hook")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_events_reach_the_endpoint_with_the_connections_authorization_and_the_targets_parameters(events, endpoint):
    connection = api_key_connection(events)
    destination = events.create_api_destination(
        Name=unique("dest"), ConnectionArn=connection["ConnectionArn"],
        InvocationEndpoint=endpoint.url + "/orders/*/events", HttpMethod="POST")["ApiDestinationArn"]
    rule_to_destination(events, destination, HttpParameters={
        "PathParameterValues": ["o-1"], "HeaderParameters": {"x-trace": "abc"},
        "QueryStringParameters": {"source": "rule"}})
    event_id = events.put_events(Entries=[order_created()])["Entries"][0]["EventId"]
    [request] = endpoint.wait_for(1)
    assert request["method"] == "POST"
    assert request["path"] == "/orders/o-1/events?source=rule&env=test"
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-api-key"] == "key-123"
    assert headers["x-team"] == "payments" and headers["x-trace"] == "abc"
    assert headers["user-agent"] == "Amazon/EventBridge/ApiDestinations"
    assert headers["content-type"] == "application/json; charset=utf-8"
    event = json.loads(request["body"])
    assert event["id"] == event_id and event["detail"]["orderId"] == "o-1"


def test_basic_and_oauth_connections_authorize_their_calls(events, endpoint):
    basic = events.create_connection(Name=unique("basic"), AuthorizationType="BASIC",
                                     AuthParameters={"BasicAuthParameters": {"Username": "u", "Password": "p"}})
    oauth = events.create_connection(
        Name=unique("oauth"), AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
        AuthParameters={"OAuthParameters": {
            "ClientParameters": {"ClientID": "client", "ClientSecret": "secret"},
            "AuthorizationEndpoint": endpoint.url + "/token", "HttpMethod": "POST",
            "OAuthHttpParameters": {"BodyParameters": [{"Key": "scope", "Value": "events", "IsValueSecret": False}]}}})
    assert oauth["ConnectionState"] == "AUTHORIZING"
    oauth_name = oauth["ConnectionArn"].split("/")[1]
    deadline = time.time() + 10
    while events.describe_connection(Name=oauth_name)["ConnectionState"] != "AUTHORIZED" and time.time() < deadline:
        time.sleep(0.05)
    described = events.describe_connection(Name=oauth_name)
    assert described["ConnectionState"] == "AUTHORIZED"
    assert "LastAuthorizedTime" in described
    assert described["AuthParameters"]["OAuthParameters"]["ClientParameters"] == {"ClientID": "client"}
    [token_request] = endpoint.token_requests
    assert token_request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"client:secret").decode()
    assert token_request["body"] == "grant_type=client_credentials&scope=events"

    for connection, path in ((basic, "/basic"), (oauth, "/oauth")):
        destination = events.create_api_destination(Name=unique("dest"), ConnectionArn=connection["ConnectionArn"],
                                                    InvocationEndpoint=endpoint.url + path, HttpMethod="PUT")
        rule_to_destination(events, destination["ApiDestinationArn"])
    events.put_events(Entries=[order_created()])
    requests = endpoint.wait_for(2)
    by_path = {r["path"]: r for r in requests}
    assert by_path["/basic"]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    assert by_path["/oauth"]["headers"]["Authorization"] == "Bearer tok-1"
    assert {r["method"] for r in requests} == {"PUT"}


def test_an_oauth_endpoint_that_refuses_the_client_deauthorizes_the_connection(events, endpoint):
    endpoint.token_status = 401
    oauth = events.create_connection(
        Name=unique("oauth"), AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
        AuthParameters={"OAuthParameters": {"ClientParameters": {"ClientID": "c", "ClientSecret": "s"},
                                            "AuthorizationEndpoint": endpoint.url + "/token", "HttpMethod": "POST"}})
    name = oauth["ConnectionArn"].split("/")[1]
    deadline = time.time() + 10
    while events.describe_connection(Name=name)["ConnectionState"] == "AUTHORIZING" and time.time() < deadline:
        time.sleep(0.05)
    described = events.describe_connection(Name=name)
    assert described["ConnectionState"] == "DEAUTHORIZED"
    assert "401" in described["StateReason"]


def test_the_invocation_rate_limit_paces_calls(events, endpoint):
    connection = api_key_connection(events)
    destination = events.create_api_destination(Name=unique("dest"), ConnectionArn=connection["ConnectionArn"],
                                                InvocationEndpoint=endpoint.url + "/slow", HttpMethod="POST",
                                                InvocationRateLimitPerSecond=5)["ApiDestinationArn"]
    rule_to_destination(events, destination)
    for _ in range(2):
        events.put_events(Entries=[order_created() for _ in range(5)])
    requests = endpoint.wait_for(10, timeout=15)
    assert len(requests) == 10
    spread = requests[-1]["at"] - requests[0]["at"]
    assert spread >= 1.5, f"10 calls at 5/s took {spread:.2f}s"


def test_a_rejected_event_goes_to_the_dead_letter_queue_with_the_endpoints_answer(events, endpoint, sqs):
    endpoint.status = 400
    dlq_url, dlq_arn = queue_with_arn(sqs)
    connection = api_key_connection(events)
    destination = events.create_api_destination(Name=unique("dest"), ConnectionArn=connection["ConnectionArn"],
                                                InvocationEndpoint=endpoint.url + "/reject",
                                                HttpMethod="POST")["ApiDestinationArn"]
    rule = rule_to_destination(events, destination, DeadLetterConfig={"Arn": dlq_arn})
    events.put_events(Entries=[order_created()])
    [message] = receive(sqs, dlq_url, attributes=True)
    assert len(endpoint.requests) == 1, "a 400 is not retried"
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert attributes["RULE_ARN"].endswith(":rule/" + rule)
    assert attributes["TARGET_ARN"] == destination
    assert "400" in attributes["ERROR_MESSAGE"]
    assert json.loads(message["Body"])["source"] == "order-service"


def test_a_failing_endpoint_is_retried_and_its_circuit_opens_visibly(nimbus, events, endpoint):
    endpoint.status = 503
    connection = api_key_connection(events)
    destination = events.create_api_destination(Name=unique("dest"), ConnectionArn=connection["ConnectionArn"],
                                                InvocationEndpoint=endpoint.url + "/down",
                                                HttpMethod="POST")["ApiDestinationArn"]
    rule_to_destination(events, destination)
    events.put_events(Entries=[order_created() for _ in range(8)])
    deadline = time.time() + 10
    line = None
    while time.time() < deadline:
        report = json.loads(nimbus.http("GET", "/_nimbus/deliveries")[1])
        line = next((d for d in report["destinations"] if d["destination"] == destination), None)
        if line and line["circuit"]["state"] == "open":
            break
        time.sleep(0.05)
    assert line and line["circuit"]["state"] == "open", line
    calls = len(endpoint.requests)
    assert 5 <= calls <= 8, "calls already in flight finish; none start once the circuit is open"
    assert line["pending"] == 8

    endpoint.status = 200  # the endpoint recovers: after the cool-down a probe closes the circuit
    for _ in range(6):
        nimbus.advance_clock(60)
        if len(endpoint.wait_for(calls + 8, timeout=2)) >= calls + 8:
            break
    assert len(endpoint.requests) >= calls + 8
    report = json.loads(nimbus.http("GET", "/_nimbus/deliveries")[1])
    line = next(d for d in report["destinations"] if d["destination"] == destination)
    assert line["circuit"]["state"] == "closed" and line["pending"] == 0


def test_the_cli_manages_connections_and_destinations(aws_cli, endpoint):
    created = aws_cli("events", "create-connection", "--name", "cli-conn", "--authorization-type", "API_KEY",
                      "--auth-parameters", json.dumps({"ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}})).json
    assert created["ConnectionState"] == "AUTHORIZED"
    destination = aws_cli("events", "create-api-destination", "--name", "cli-dest", "--connection-arn",
                          created["ConnectionArn"], "--invocation-endpoint", endpoint.url + "/cli",
                          "--http-method", "POST").json
    assert destination["ApiDestinationState"] == "ACTIVE"
    listed = aws_cli("events", "list-api-destinations").json["ApiDestinations"]
    assert [d["Name"] for d in listed] == ["cli-dest"]
    assert isinstance(listed[0]["CreationTime"], str)  # the CLI prints timestamps it parsed
