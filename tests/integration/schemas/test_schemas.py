"""EventBridge Schema Registry with Debian's boto3 (rest-json) and the AWS CLI v2: registries and
schemas with AWS's errors, schema discovery from events put on a bus (through the discoverer's
managed rule), GetDiscoveredSchema, ExportSchema and SearchSchemas."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique

ACCOUNT = "000000000000"
BUS_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"

OPENAPI = json.dumps({
    "openapi": "3.0.0", "info": {"version": "1.0.0", "title": "Thing"}, "paths": {},
    "components": {"schemas": {"Thing": {"type": "object", "properties": {"name": {"type": "string"}}}}},
})


@pytest.fixture
def schemas(nimbus):
    return make_client(nimbus.endpoint, service="schemas")


@pytest.fixture
def events(nimbus):
    return make_client(nimbus.endpoint, service="events")


def error_of(call) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"].get("Message", "")


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_registries_are_created_described_updated_listed_and_deleted(schemas):
    name = unique("reg")
    created = schemas.create_registry(RegistryName=name, Description="mine", Tags={"team": "a"})
    assert created["RegistryArn"] == f"arn:aws:schemas:us-east-1:{ACCOUNT}:registry/{name}"
    assert schemas.describe_registry(RegistryName=name)["Description"] == "mine"
    assert schemas.update_registry(RegistryName=name, Description="ours")["Description"] == "ours"
    names = [r["RegistryName"] for r in schemas.list_registries()["Registries"]]
    assert {"aws.events", "discovered-schemas", name} <= set(names)
    assert [r["RegistryName"] for r in schemas.list_registries(Scope="AWS")["Registries"]] == ["aws.events"]
    assert [r["RegistryName"] for r in schemas.list_registries(RegistryNamePrefix=name)["Registries"]] == [name]
    schemas.delete_registry(RegistryName=name)
    status, code, message = error_of(lambda: schemas.describe_registry(RegistryName=name))
    assert (status, code) == (404, "NotFoundException") and "does not exist" in message


def test_registry_errors(schemas):
    name = unique("reg")
    schemas.create_registry(RegistryName=name)
    assert error_of(lambda: schemas.create_registry(RegistryName=name))[:2] == (409, "ConflictException")
    assert error_of(lambda: schemas.delete_registry(RegistryName=unique("none")))[:2] == (404, "NotFoundException")
    assert error_of(lambda: schemas.delete_registry(RegistryName="aws.events"))[:2] == (400, "BadRequestException")
    assert error_of(lambda: schemas.create_registry(RegistryName="discovered-schemas"))[:2] == (409, "ConflictException")


def test_schemas_are_versioned_described_listed_and_deleted(schemas):
    registry = unique("reg")
    schemas.create_registry(RegistryName=registry)
    created = schemas.create_schema(RegistryName=registry, SchemaName="Thing", Type="OpenApi3", Content=OPENAPI,
                                    Description="a thing")
    assert created["SchemaVersion"] == "1"
    assert created["SchemaArn"] == f"arn:aws:schemas:us-east-1:{ACCOUNT}:schema/{registry}/Thing"
    changed = json.loads(OPENAPI)
    changed["components"]["schemas"]["Thing"]["properties"]["size"] = {"type": "number"}
    assert schemas.update_schema(RegistryName=registry, SchemaName="Thing", Type="OpenApi3",
                                 Content=json.dumps(changed))["SchemaVersion"] == "2"
    latest = schemas.describe_schema(RegistryName=registry, SchemaName="Thing")
    assert latest["SchemaVersion"] == "2" and "size" in latest["Content"] and latest["Type"] == "OpenApi3"
    assert "VersionCreatedDate" in latest and "LastModified" in latest
    assert schemas.describe_schema(RegistryName=registry, SchemaName="Thing", SchemaVersion="1")["Content"] == OPENAPI
    versions = schemas.list_schema_versions(RegistryName=registry, SchemaName="Thing")["SchemaVersions"]
    assert [v["SchemaVersion"] for v in versions] == ["1", "2"]
    listed = schemas.list_schemas(RegistryName=registry, SchemaNamePrefix="Th")["Schemas"]
    assert [(s["SchemaName"], s["VersionCount"]) for s in listed] == [("Thing", 2)]
    schemas.delete_schema_version(RegistryName=registry, SchemaName="Thing", SchemaVersion="1")
    status, code, _ = error_of(lambda: schemas.describe_schema(RegistryName=registry, SchemaName="Thing",
                                                               SchemaVersion="1"))
    assert (status, code) == (404, "NotFoundException")
    schemas.delete_schema(RegistryName=registry, SchemaName="Thing")
    assert error_of(lambda: schemas.describe_schema(RegistryName=registry, SchemaName="Thing"))[:2] == \
        (404, "NotFoundException")


def test_schema_errors(schemas):
    registry = unique("reg")
    schemas.create_registry(RegistryName=registry)
    schemas.create_schema(RegistryName=registry, SchemaName="S", Type="OpenApi3", Content=OPENAPI)
    assert error_of(lambda: schemas.create_schema(RegistryName=registry, SchemaName="S", Type="OpenApi3",
                                                  Content=OPENAPI))[:2] == (409, "ConflictException")
    assert error_of(lambda: schemas.create_schema(RegistryName=registry, SchemaName="Bad", Type="OpenApi3",
                                                  Content="not json"))[:2] == (400, "BadRequestException")
    assert error_of(lambda: schemas.create_schema(RegistryName=unique("none"), SchemaName="S", Type="OpenApi3",
                                                  Content=OPENAPI))[:2] == (404, "NotFoundException")


def test_tags_on_registries_and_schemas(schemas):
    registry = unique("reg")
    arn = schemas.create_registry(RegistryName=registry)["RegistryArn"]
    schemas.tag_resource(ResourceArn=arn, Tags={"a": "1", "b": "2"})
    schemas.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert schemas.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}
    missing = f"arn:aws:schemas:us-east-1:{ACCOUNT}:registry/{unique('none')}"
    assert error_of(lambda: schemas.list_tags_for_resource(ResourceArn=missing))[:2] == (404, "NotFoundException")


def order(detail: dict) -> dict:
    return {"Source": "shop.orders", "DetailType": "OrderCreated", "Detail": json.dumps(detail)}


def discovered_version(schemas, name: str):
    try:
        return schemas.describe_schema(RegistryName="discovered-schemas", SchemaName=name)
    except ClientError:
        return None


def test_a_discoverer_infers_versions_from_events_on_its_bus(schemas, events):
    discoverer = schemas.create_discoverer(SourceArn=BUS_ARN, Description="orders")
    assert discoverer["State"] == "STARTED"
    assert discoverer["DiscovererArn"] == f"arn:aws:schemas:us-east-1:{ACCOUNT}:discoverer/{discoverer['DiscovererId']}"
    rules = events.list_rules(NamePrefix="Schemas-")["Rules"]
    assert len(rules) == 1
    assert rules[0]["ManagedBy"] == "schemas.amazonaws.com"
    targets = events.list_targets_by_rule(Rule=rules[0]["Name"])["Targets"]
    assert targets[0]["Arn"] == discoverer["DiscovererArn"]

    events.put_events(Entries=[order({"orderId": "o-1", "amount": 10})])
    first = wait_for(lambda: discovered_version(schemas, "shop.orders@OrderCreated"))
    assert first and first["SchemaVersion"] == "1"
    content = json.loads(first["Content"])
    assert content["components"]["schemas"]["AWSEvent"]["x-amazon-events-source"] == "shop.orders"
    assert set(content["components"]["schemas"]["OrderCreated"]["properties"]) == {"orderId", "amount"}

    events.put_events(Entries=[order({"orderId": "o-2", "amount": 11, "customer": {"id": "c-1"}})])
    second = wait_for(lambda: (v := discovered_version(schemas, "shop.orders@OrderCreated"))
                      and v["SchemaVersion"] == "2" and v)
    assert second, "no version 2"
    content = json.loads(second["Content"])
    assert {"orderId", "amount", "customer"} <= set(content["components"]["schemas"]["OrderCreated"]["properties"])
    assert content["components"]["schemas"]["Customer"]["properties"]["id"]["type"] == "string"

    # The same structure again is not a new version.
    events.put_events(Entries=[order({"orderId": "o-3", "amount": 12})])
    time.sleep(1.0)
    assert discovered_version(schemas, "shop.orders@OrderCreated")["SchemaVersion"] == "2"


def test_a_stopped_discoverer_discovers_nothing(schemas, events):
    discoverer = schemas.create_discoverer(SourceArn=BUS_ARN)
    stopped = schemas.stop_discoverer(DiscovererId=discoverer["DiscovererId"])
    assert stopped["State"] == "STOPPED"
    assert events.list_rules(NamePrefix="Schemas-")["Rules"] == []
    events.put_events(Entries=[{"Source": "shop.quiet", "DetailType": "Nothing", "Detail": "{}"}])
    time.sleep(1.5)
    assert discovered_version(schemas, "shop.quiet@Nothing") is None
    assert schemas.start_discoverer(DiscovererId=discoverer["DiscovererId"])["State"] == "STARTED"
    events.put_events(Entries=[{"Source": "shop.quiet", "DetailType": "Nothing", "Detail": "{}"}])
    assert wait_for(lambda: discovered_version(schemas, "shop.quiet@Nothing"))


def test_discoverers_are_described_listed_updated_and_deleted(schemas, events):
    created = schemas.create_discoverer(SourceArn=BUS_ARN, CrossAccount=False, Tags={"k": "v"})
    ident = created["DiscovererId"]
    described = schemas.describe_discoverer(DiscovererId=ident)
    assert described["CrossAccount"] is False and described["Tags"] == {"k": "v"}
    assert schemas.update_discoverer(DiscovererId=ident, Description="d")["Description"] == "d"
    assert [d["DiscovererId"] for d in schemas.list_discoverers(SourceArnPrefix=BUS_ARN)["Discoverers"]] == [ident]
    schemas.delete_discoverer(DiscovererId=ident)
    assert events.list_rules(NamePrefix="Schemas-")["Rules"] == []
    assert error_of(lambda: schemas.describe_discoverer(DiscovererId=ident))[:2] == (404, "NotFoundException")
    assert error_of(lambda: schemas.create_discoverer(SourceArn="arn:aws:sqs:us-east-1:000000000000:q"))[:2] == \
        (400, "BadRequestException")


def test_get_discovered_schema_infers_from_sample_events(schemas):
    event = {"version": "0", "id": "1", "detail-type": "Order Shipped", "source": "shop", "account": ACCOUNT,
             "time": "2026-12-01T08:00:00Z", "region": "us-east-1", "resources": [], "detail": {"carrier": "x"}}
    content = json.loads(schemas.get_discovered_schema(Type="OpenApi3", Events=[json.dumps(event)])["Content"])
    assert content["info"]["title"] == "OrderShipped"
    assert content["components"]["schemas"]["OrderShipped"]["properties"]["carrier"] == {"type": "string"}
    plain = json.loads(schemas.get_discovered_schema(Type="OpenApi3", Events=['{"key1": "v", "n": 1}'])["Content"])
    assert plain["components"]["schemas"]["Event"]["required"] == ["key1", "n"]
    assert error_of(lambda: schemas.get_discovered_schema(Type="OpenApi3", Events=["[1]"]))[:2] == \
        (400, "BadRequestException")


def test_export_schema_as_json_schema_draft4(schemas):
    registry = unique("reg")
    schemas.create_registry(RegistryName=registry)
    event = {"detail-type": "Order Created", "source": "shop", "detail": {"address": {"zip": "1"}}}
    content = schemas.get_discovered_schema(Type="OpenApi3", Events=[json.dumps(event)])["Content"]
    schemas.create_schema(RegistryName=registry, SchemaName="shop@OrderCreated", Type="OpenApi3", Content=content)
    exported = schemas.export_schema(RegistryName=registry, SchemaName="shop@OrderCreated", Type="JSONSchemaDraft4")
    assert exported["Type"] == "JSONSchemaDraft4" and exported["SchemaVersion"] == "1"
    document = json.loads(exported["Content"])
    assert document["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert document["properties"]["detail"] == {"$ref": "#/definitions/OrderCreated"}
    assert document["definitions"]["Address"]["properties"]["zip"]["type"] == "string"


def test_search_schemas_matches_names_and_contents(schemas):
    registry = unique("reg")
    schemas.create_registry(RegistryName=registry)
    schemas.create_schema(RegistryName=registry, SchemaName="Invoice", Type="OpenApi3", Content=OPENAPI)
    schemas.create_schema(RegistryName=registry, SchemaName="Other", Type="JSONSchemaDraft4",
                          Content='{"type": "object", "properties": {"invoiceNumber": {"type": "string"}}}')
    found = schemas.search_schemas(RegistryName=registry, Keywords="invoice")["Schemas"]
    assert sorted(s["SchemaName"] for s in found) == ["Invoice", "Other"]
    assert found[0]["SchemaVersions"][0]["SchemaVersion"] == "1"
    assert schemas.search_schemas(RegistryName=registry, Keywords="nomatch")["Schemas"] == []


def test_the_cli_lists_registries(aws_cli):
    listed = aws_cli("schemas", "list-registries").json
    assert "discovered-schemas" in [r["RegistryName"] for r in listed["Registries"]]
