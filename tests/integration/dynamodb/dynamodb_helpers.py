"""Helpers for the DynamoDB suites: clients, tables, errors, raw JSON-protocol calls.

Expectations in these suites come from AWS's documentation and from the error texts DynamoDB is known
to answer (quoted in AWS's guides, SDK issues and the conformance suites of other emulators), never from
nimbus's implementation. Where a text is not settled, a test asserts the code and a stable fragment and
says so in a comment.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, raw_json

ACCOUNT = "000000000000"
TARGET_PREFIX = "DynamoDB_20120810."
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FAST_WAIT = {"Delay": 1, "MaxAttempts": 20}


def ddb_client(endpoint: str, region: str = "us-east-1"):
    return make_client(endpoint, region=region, service="dynamodb")


def ddb_resource(endpoint: str, region: str = "us-east-1"):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().resource(
        "dynamodb", region_name=region, endpoint_url=endpoint, aws_access_key_id="test",
        aws_secret_access_key="test", config=Config(retries={"max_attempts": 1}, read_timeout=70))


def table_name(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def table_arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{name}"


def create_table(client, name: str | None = None, hash_key: tuple[str, str] = ("pk", "S"),
                 range_key: tuple[str, str] | None = None, gsis: list[dict] | None = None,
                 lsis: list[dict] | None = None, extra_attributes: dict[str, str] | None = None,
                 wait: bool = True, **kwargs) -> str:
    """Creates a table (on-demand unless kwargs say otherwise) and waits for ACTIVE; returns its name.

    gsis / lsis: {"name": ..., "hash": (attr, type), "range": (attr, type) | None,
                  "projection": "ALL" | "KEYS_ONLY" | ["attr", ...] (INCLUDE)}"""
    name = name or table_name()
    definitions: dict[str, str] = {hash_key[0]: hash_key[1]}
    schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
    if range_key:
        definitions[range_key[0]] = range_key[1]
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})

    def index(spec: dict, local: bool) -> dict:
        ihash = hash_key if local else spec["hash"]
        definitions[ihash[0]] = ihash[1]
        ischema = [{"AttributeName": ihash[0], "KeyType": "HASH"}]
        if spec.get("range"):
            definitions[spec["range"][0]] = spec["range"][1]
            ischema.append({"AttributeName": spec["range"][0], "KeyType": "RANGE"})
        projection = spec.get("projection", "ALL")
        if isinstance(projection, list):
            projection = {"ProjectionType": "INCLUDE", "NonKeyAttributes": projection}
        else:
            projection = {"ProjectionType": projection}
        out = {"IndexName": spec["name"], "KeySchema": ischema, "Projection": projection}
        if not local and kwargs.get("BillingMode") == "PROVISIONED":
            out["ProvisionedThroughput"] = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        return out

    params: dict = {"TableName": name, "KeySchema": schema}
    if gsis:
        params["GlobalSecondaryIndexes"] = [index(g, False) for g in gsis]
    if lsis:
        params["LocalSecondaryIndexes"] = [index(i, True) for i in lsis]
    definitions.update(extra_attributes or {})
    params["AttributeDefinitions"] = [{"AttributeName": a, "AttributeType": t} for a, t in definitions.items()]
    if "BillingMode" not in kwargs and "ProvisionedThroughput" not in kwargs:
        params["BillingMode"] = "PAY_PER_REQUEST"
    params.update(kwargs)
    client.create_table(**params)
    if wait:
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    return name


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    """(code, message) of a call that must fail with a ClientError."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error.get("Message", "")


def client_error(call, *args, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value


def raw(endpoint: str, operation: str, body: dict, region: str = "us-east-1"):
    """A signed DynamoDB JSON-protocol request (for parameters Debian's botocore 1.29 does not know)."""
    return raw_json(endpoint, TARGET_PREFIX + operation, json.dumps(body), service="dynamodb", region=region)


def raw_ok(endpoint: str, operation: str, body: dict, region: str = "us-east-1") -> dict:
    response = raw(endpoint, operation, body, region)
    assert response.status_code == 200, f"{operation} -> {response.status_code}: {response.text}"
    return response.json() if response.content else {}


def raw_error(response) -> tuple[str, str]:
    """(short error type, message) of a JSON-protocol error body: `__type` is
    `com.amazonaws.dynamodb.v20120810#Code`; the message key is `message` (or `Message`)."""
    body = response.json()
    return body["__type"].rsplit("#", 1)[-1], body.get("message", body.get("Message", ""))


def wait_index_active(client, name: str, index: str, timeout: float = 15.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        table = client.describe_table(TableName=name)["Table"]
        for gsi in table.get("GlobalSecondaryIndexes", []):
            if gsi["IndexName"] == index and gsi["IndexStatus"] == "ACTIVE":
                return gsi
        assert time.monotonic() < deadline, f"index {index} not ACTIVE within {timeout}s: {table}"
        time.sleep(0.2)


def scan_all(client, name: str, **kwargs) -> list[dict]:
    items: list[dict] = []
    params = dict(TableName=name, **kwargs)
    while True:
        page = client.scan(**params)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def query_all(client, **kwargs) -> list[dict]:
    items: list[dict] = []
    params = dict(kwargs)
    while True:
        page = client.query(**params)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def s(value: str) -> dict:
    return {"S": value}


def n(value) -> dict:
    return {"N": str(value)}
