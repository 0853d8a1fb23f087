"""DynamoDB's control plane through Debian's boto3 (botocore 1.29): CreateTable and its validations,
DescribeTable, the table_exists / table_not_exists waiters, ListTables paging, DeleteTable, UpdateTable
(billing, throughput, streams, GSI create with backfill and delete), TTL, tags, limits, endpoints,
continuous backups, and deletion protection (raw JSON: botocore 1.29 predates it)."""

from __future__ import annotations

import datetime
import time

import pytest

from dynamodb_helpers import (
    FAST_WAIT, UUID_RE, create_table, ddb_client, error_of, raw, raw_error, raw_ok, table_arn, table_name,
    wait_index_active,
)


@pytest.fixture
def ddb(nimbus):
    return ddb_client(nimbus.endpoint)


def key_schema(*pairs):
    return [{"AttributeName": a, "KeyType": k} for a, k in pairs]


def definitions(*pairs):
    return [{"AttributeName": a, "AttributeType": t} for a, t in pairs]


# --- CreateTable / DescribeTable ---------------------------------------------------------------

def test_create_table_answers_creating_and_describe_then_shows_active(ddb):
    name = table_name("create")
    created = ddb.create_table(
        TableName=name, KeySchema=key_schema(("pk", "HASH"), ("sk", "RANGE")),
        AttributeDefinitions=definitions(("pk", "S"), ("sk", "N")), BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]
    assert created["TableName"] == name
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == table_arn(name)
    assert UUID_RE.match(created["TableId"]), created["TableId"]
    assert created["KeySchema"] == key_schema(("pk", "HASH"), ("sk", "RANGE"))
    assert sorted(created["AttributeDefinitions"], key=lambda d: d["AttributeName"]) == definitions(
        ("pk", "S"), ("sk", "N"))
    assert isinstance(created["CreationDateTime"], datetime.datetime)
    assert created["ItemCount"] == 0 and created["TableSizeBytes"] == 0
    assert created["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    # On-demand tables report a zero provisioned throughput.
    throughput = created["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (0, 0)
    assert throughput["NumberOfDecreasesToday"] == 0

    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableArn"] == created["TableArn"] and table["TableId"] == created["TableId"]
    assert table["CreationDateTime"] == created["CreationDateTime"]
    assert table["KeySchema"] == created["KeySchema"]
    assert table["ItemCount"] == 0 and table["TableSizeBytes"] == 0


def test_provisioned_table_describes_its_throughput(ddb):
    name = table_name("prov")
    ddb.create_table(TableName=name, KeySchema=key_schema(("id", "HASH")), AttributeDefinitions=definitions(("id", "N")),
                     ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert table["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0
    assert table.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})["BillingMode"] == "PROVISIONED"


def test_indexes_are_described_with_status_arn_and_projection(ddb):
    name = create_table(
        ddb, range_key=("sk", "S"),
        gsis=[{"name": "byKeys", "hash": ("g1", "S"), "projection": "KEYS_ONLY"},
              {"name": "byInclude", "hash": ("g2", "N"), "range": ("sk", "S"), "projection": ["color", "size"]}],
        lsis=[{"name": "byLocal", "range": ("l1", "N"), "projection": "ALL"}])
    table = ddb.describe_table(TableName=name)["Table"]
    arn = table_arn(name)
    gsis = {g["IndexName"]: g for g in table["GlobalSecondaryIndexes"]}
    assert set(gsis) == {"byKeys", "byInclude"}
    for index_name, gsi in gsis.items():
        assert gsi["IndexStatus"] == "ACTIVE"
        assert gsi["IndexArn"] == f"{arn}/index/{index_name}"
        assert gsi["ItemCount"] == 0 and gsi["IndexSizeBytes"] == 0
    assert gsis["byKeys"]["KeySchema"] == key_schema(("g1", "HASH"))
    assert gsis["byKeys"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert gsis["byInclude"]["KeySchema"] == key_schema(("g2", "HASH"), ("sk", "RANGE"))
    assert gsis["byInclude"]["Projection"]["ProjectionType"] == "INCLUDE"
    assert sorted(gsis["byInclude"]["Projection"]["NonKeyAttributes"]) == ["color", "size"]
    [lsi] = table["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "byLocal"
    assert lsi["IndexArn"] == f"{arn}/index/byLocal"
    assert lsi["KeySchema"] == key_schema(("pk", "HASH"), ("l1", "RANGE"))
    assert lsi["Projection"] == {"ProjectionType": "ALL"}
    assert {d["AttributeName"] for d in table["AttributeDefinitions"]} == {"pk", "sk", "g1", "g2", "l1"}


def test_stream_sse_and_table_class_are_described(ddb):
    name = create_table(ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                        SSESpecification={"Enabled": True, "SSEType": "KMS"},
                        TableClass="STANDARD_INFREQUENT_ACCESS")
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamLabel"]
    assert table["LatestStreamArn"] == f"{table_arn(name)}/stream/{table['LatestStreamLabel']}"
    assert table["SSEDescription"]["Status"] == "ENABLED"
    assert table["SSEDescription"]["SSEType"] == "KMS"
    assert table["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"


def test_creating_an_existing_table_is_resource_in_use(ddb):
    name = create_table(ddb)
    code, message = error_of(ddb.create_table, TableName=name, KeySchema=key_schema(("pk", "HASH")),
                             AttributeDefinitions=definitions(("pk", "S")), BillingMode="PAY_PER_REQUEST")
    assert (code, message) == ("ResourceInUseException", f"Table already exists: {name}")


INVALID_TABLES = [
    # (id, CreateTable parameters besides TableName, expected message or fragment)
    ("key-attribute-not-defined",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("other", "S"))),
     "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions."),
    ("unused-attribute-definition",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S"), ("extra", "S"))),
     "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number "
     "of attributes defined in AttributeDefinitions"),
    ("unused-definition-with-index",
     dict(KeySchema=key_schema(("pk", "HASH")),
          AttributeDefinitions=definitions(("pk", "S"), ("g", "S"), ("extra", "S")),
          GlobalSecondaryIndexes=[{"IndexName": "gidx", "KeySchema": key_schema(("g", "HASH")),
                                   "Projection": {"ProjectionType": "ALL"}}]),
     "One or more parameter values were invalid: Some AttributeDefinitions are not used."),
    ("index-key-not-defined",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S")),
          GlobalSecondaryIndexes=[{"IndexName": "gidx", "KeySchema": key_schema(("g", "HASH")),
                                   "Projection": {"ProjectionType": "ALL"}}]),
     "Some index key attributes are not defined in AttributeDefinitions"),
    ("first-key-not-hash",
     dict(KeySchema=key_schema(("pk", "RANGE")), AttributeDefinitions=definitions(("pk", "S"))),
     "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ("hash-and-range-same-name",
     dict(KeySchema=key_schema(("pk", "HASH"), ("pk", "RANGE")), AttributeDefinitions=definitions(("pk", "S"))),
     "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
    ("lsi-without-table-range-key",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S"), ("l", "S")),
          LocalSecondaryIndexes=[{"IndexName": "lidx", "KeySchema": key_schema(("pk", "HASH"), ("l", "RANGE")),
                                  "Projection": {"ProjectionType": "ALL"}}]),
     "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required "
     "when specifying a LocalSecondaryIndex"),
    ("lsi-other-hash-key",
     dict(KeySchema=key_schema(("pk", "HASH"), ("sk", "RANGE")),
          AttributeDefinitions=definitions(("pk", "S"), ("sk", "S"), ("x", "S"), ("l", "S")),
          LocalSecondaryIndexes=[{"IndexName": "lidx", "KeySchema": key_schema(("x", "HASH"), ("l", "RANGE")),
                                  "Projection": {"ProjectionType": "ALL"}}]),
     "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
     "table KeySchema for index: lidx"),
    ("duplicate-index-name",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S"), ("g", "S")),
          GlobalSecondaryIndexes=[{"IndexName": "gidx", "KeySchema": key_schema(("g", "HASH")),
                                   "Projection": {"ProjectionType": "ALL"}}] * 2),
     "One or more parameter values were invalid: Duplicate index name: gidx"),
    ("non-key-attributes-without-include",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S"), ("g", "S")),
          GlobalSecondaryIndexes=[{"IndexName": "gidx", "KeySchema": key_schema(("g", "HASH")),
                                   "Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}}]),
     "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"),
    ("on-demand-with-throughput",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S")),
          BillingMode="PAY_PER_REQUEST", ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}),
     "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
     "specified when BillingMode is PAY_PER_REQUEST"),
    ("provisioned-without-throughput",
     dict(KeySchema=key_schema(("pk", "HASH")), AttributeDefinitions=definitions(("pk", "S")),
          BillingMode="PROVISIONED"),
     "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
     "specified when BillingMode is PROVISIONED"),
]


@pytest.mark.parametrize("params,expected", [c[1:] for c in INVALID_TABLES], ids=[c[0] for c in INVALID_TABLES])
def test_invalid_table_definitions_are_refused_with_awss_texts(ddb, params, expected):
    params = {"BillingMode": "PAY_PER_REQUEST", **params}
    name = table_name("bad")
    code, message = error_of(ddb.create_table, TableName=name, **params)
    assert code == "ValidationException"
    # Full texts where DynamoDB's answer is settled; the leading part where it goes on to list the attributes.
    assert expected in message, message
    assert name not in ddb.list_tables()["TableNames"]


def test_table_name_outside_the_allowed_characters_is_refused(ddb):
    code, message = error_of(ddb.create_table, TableName="bad name!", KeySchema=key_schema(("pk", "HASH")),
                             AttributeDefinitions=definitions(("pk", "S")), BillingMode="PAY_PER_REQUEST")
    assert code == "ValidationException"
    # The "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: ..." form.
    assert "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+" in message, message


def test_unknown_tables_are_resource_not_found_on_every_control_operation(ddb):
    missing = table_name("missing")
    assert error_of(ddb.describe_table, TableName=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {missing} not found")
    assert error_of(ddb.delete_table, TableName=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {missing} not found")
    for call, kwargs in [
        (ddb.update_table, {"BillingMode": "PAY_PER_REQUEST"}),
        (ddb.describe_time_to_live, {}),
        (ddb.update_time_to_live, {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "exp"}}),
    ]:
        code, message = error_of(call, TableName=missing, **kwargs)
        assert code == "ResourceNotFoundException", (call, code, message)
        assert message.startswith("Requested resource not found"), message
    code, _ = error_of(ddb.list_tags_of_resource, ResourceArn=table_arn(missing))
    assert code == "ResourceNotFoundException"
    code, _ = error_of(ddb.tag_resource, ResourceArn=table_arn(missing), Tags=[{"Key": "k", "Value": "v"}])
    assert code == "ResourceNotFoundException"
    # Continuous backups name a missing table with their own exception.
    assert error_of(ddb.describe_continuous_backups, TableName=missing) == (
        "TableNotFoundException", f"Table not found: {missing}")
    code, _ = error_of(ddb.update_continuous_backups, TableName=missing,
                       PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    assert code == "TableNotFoundException"


# --- ListTables ---------------------------------------------------------------------------------

def test_list_tables_is_sorted_and_pages_with_limit_and_exclusive_start(ddb):
    names = [f"lt-{suffix}" for suffix in ["delta", "alpha", "echo", "charlie", "bravo"]]
    for name in names:
        create_table(ddb, name=name, wait=False)
    expected = sorted(names)
    assert ddb.list_tables()["TableNames"] == expected
    assert "LastEvaluatedTableName" not in ddb.list_tables()

    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == expected[:2]
    assert first["LastEvaluatedTableName"] == expected[1]
    second = ddb.list_tables(Limit=2, ExclusiveStartTableName=first["LastEvaluatedTableName"])
    assert second["TableNames"] == expected[2:4]
    assert second["LastEvaluatedTableName"] == expected[3]
    third = ddb.list_tables(Limit=2, ExclusiveStartTableName=second["LastEvaluatedTableName"])
    assert third["TableNames"] == expected[4:]
    assert "LastEvaluatedTableName" not in third

    paged = [n for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
             for n in page["TableNames"]]
    assert paged == expected


def test_tables_live_in_their_region(nimbus, ddb):
    name = create_table(ddb)
    other = ddb_client(nimbus.endpoint, region="eu-west-1")
    assert name not in other.list_tables()["TableNames"]
    assert error_of(other.describe_table, TableName=name)[0] == "ResourceNotFoundException"
    create_table(other, name=name)
    assert other.describe_table(TableName=name)["Table"]["TableArn"] == table_arn(name, "eu-west-1")
    assert ddb.describe_table(TableName=name)["Table"]["TableArn"] == table_arn(name)


# --- DeleteTable --------------------------------------------------------------------------------

def test_delete_table_answers_deleting_and_the_table_and_its_items_are_gone(ddb):
    name = create_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "old"}})
    deleted = ddb.delete_table(TableName=name)["TableDescription"]
    assert deleted["TableName"] == name
    assert deleted["TableStatus"] == "DELETING"
    assert deleted["TableArn"] == table_arn(name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    assert error_of(ddb.describe_table, TableName=name)[0] == "ResourceNotFoundException"
    assert name not in ddb.list_tables()["TableNames"]
    code, message = error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}})
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")
    # A table created again under the same name starts empty.
    create_table(ddb, name=name)
    assert ddb.scan(TableName=name)["Items"] == []


def test_deletion_protection_refuses_delete_until_disabled(nimbus, ddb):
    """DeletionProtectionEnabled post-dates Debian's botocore 1.29: sent as raw JSON."""
    name = table_name("protected")
    created = raw_ok(nimbus.endpoint, "CreateTable", {
        "TableName": name, "KeySchema": key_schema(("pk", "HASH")), "AttributeDefinitions": definitions(("pk", "S")),
        "BillingMode": "PAY_PER_REQUEST", "DeletionProtectionEnabled": True})
    assert created["TableDescription"]["DeletionProtectionEnabled"] is True
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    described = raw_ok(nimbus.endpoint, "DescribeTable", {"TableName": name})["Table"]
    assert described["DeletionProtectionEnabled"] is True

    refused = raw(nimbus.endpoint, "DeleteTable", {"TableName": name})
    assert refused.status_code == 400
    assert raw_error(refused) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"

    updated = raw_ok(nimbus.endpoint, "UpdateTable", {"TableName": name, "DeletionProtectionEnabled": False})
    assert updated["TableDescription"]["DeletionProtectionEnabled"] is False
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    assert raw_ok(nimbus.endpoint, "DescribeTable", {"TableName": name})["Table"]["DeletionProtectionEnabled"] is False
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)


# --- UpdateTable --------------------------------------------------------------------------------

def test_update_table_switches_billing_mode_and_throughput(ddb):
    name = create_table(ddb)
    answer = ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                              ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    assert answer["TableDescription"]["TableName"] == name
    assert answer["TableDescription"]["TableStatus"] in ("UPDATING", "ACTIVE")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert (table["ProvisionedThroughput"]["ReadCapacityUnits"],
            table["ProvisionedThroughput"]["WriteCapacityUnits"]) == (3, 4)

    ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 11})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["ProvisionedThroughput"]["ReadCapacityUnits"],
            table["ProvisionedThroughput"]["WriteCapacityUnits"]) == (10, 11)

    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    assert ddb.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    # Throughput on an on-demand table is refused, as at creation.
    code, message = error_of(ddb.update_table, TableName=name,
                             ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert code == "ValidationException"
    assert "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST" \
        in message, message


def test_update_table_enables_a_stream(ddb):
    name = create_table(ddb)
    assert "LatestStreamArn" not in ddb.describe_table(TableName=name)["Table"]
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    assert table["LatestStreamArn"].startswith(f"{table_arn(name)}/stream/")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table.get("StreamSpecification", {"StreamEnabled": False})["StreamEnabled"] is False


def test_update_table_creates_a_gsi_backfilled_from_existing_items_and_deletes_it(ddb):
    name = create_table(ddb)
    for i in range(5):
        item = {"pk": {"S": f"p{i}"}, "v": {"N": str(i)}}
        if i % 2 == 0:
            item["color"] = {"S": "red"}
        ddb.put_item(TableName=name, Item=item)
    ddb.update_table(
        TableName=name, AttributeDefinitions=definitions(("pk", "S"), ("color", "S")),
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "byColor", "KeySchema": key_schema(("color", "HASH")),
                                                 "Projection": {"ProjectionType": "ALL"}}}])
    gsi = wait_index_active(ddb, name, "byColor")
    assert gsi["IndexArn"] == f"{table_arn(name)}/index/byColor"
    found = ddb.query(TableName=name, IndexName="byColor", KeyConditionExpression="color = :c",
                      ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(item["pk"]["S"] for item in found["Items"]) == ["p0", "p2", "p4"]
    assert found["Items"][0]["v"]  # ALL projection carries the other attributes
    # Writes after the backfill reach the index too.
    ddb.put_item(TableName=name, Item={"pk": {"S": "p9"}, "color": {"S": "red"}})
    assert ddb.query(TableName=name, IndexName="byColor", KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}}, Select="COUNT")["Count"] == 4

    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byColor"}}])
    for _ in range(75):  # DELETING for a while on AWS
        table = ddb.describe_table(TableName=name)["Table"]
        if not table.get("GlobalSecondaryIndexes"):
            break
        time.sleep(0.2)
    assert not table.get("GlobalSecondaryIndexes"), table
    code, message = error_of(ddb.query, TableName=name, IndexName="byColor", KeyConditionExpression="color = :c",
                             ExpressionAttributeValues={":c": {"S": "red"}})
    assert (code, message) == ("ValidationException", "The table does not have the specified index: byColor")


def test_update_table_refuses_a_gsi_on_an_undefined_attribute(ddb):
    name = create_table(ddb)
    code, message = error_of(
        ddb.update_table, TableName=name, AttributeDefinitions=definitions(("pk", "S")),
        GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "gidx", "KeySchema": key_schema(("g", "HASH")),
                                                 "Projection": {"ProjectionType": "ALL"}}}])
    assert code == "ValidationException"
    assert "Some index key attributes are not defined in AttributeDefinitions" in message, message


# --- TTL, tags, limits, endpoints, backups ------------------------------------------------------

def test_time_to_live_is_disabled_until_enabled(ddb):
    name = create_table(ddb)
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    answer = ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert answer["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "exp"}
    described = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    # AWS passes through ENABLING for a while; an emulator may report ENABLED at once.
    assert described["TimeToLiveStatus"] in ("ENABLED", "ENABLING")
    assert described["AttributeName"] == "exp"
    code, message = error_of(ddb.update_time_to_live, TableName=name,
                             TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert (code, message) == ("ValidationException", "TimeToLive is already enabled")
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": False, "AttributeName": "exp"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["TimeToLiveStatus"] in (
        "DISABLED", "DISABLING")


def test_tags_at_creation_then_tag_and_untag(ddb):
    name = create_table(ddb, Tags=[{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "test"}])
    arn = table_arn(name)

    def tags():
        return {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}

    assert tags() == {"team": "data", "env": "test"}
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "me"}])
    assert tags() == {"team": "data", "env": "prod", "owner": "me"}
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "not-there"])
    assert tags() == {"env": "prod", "owner": "me"}
    untagged = create_table(ddb)
    assert ddb.list_tags_of_resource(ResourceArn=table_arn(untagged))["Tags"] == []


def test_describe_limits_answers_the_default_quotas(ddb):
    limits = ddb.describe_limits()
    assert limits["AccountMaxReadCapacityUnits"] == 80000
    assert limits["AccountMaxWriteCapacityUnits"] == 80000
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert limits["TableMaxWriteCapacityUnits"] == 40000


def test_describe_endpoints_answers_one_endpoint_cached_for_a_day(ddb):
    [endpoint] = ddb.describe_endpoints()["Endpoints"]
    assert endpoint["Address"]
    assert endpoint["CachePeriodInMinutes"] == 1440


def test_continuous_backups_and_point_in_time_recovery(ddb):
    name = create_table(ddb)
    described = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert described["ContinuousBackupsStatus"] == "ENABLED"
    assert described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    updated = ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )["ContinuousBackupsDescription"]
    assert updated["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    pitr = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    assert isinstance(pitr["EarliestRestorableDateTime"], datetime.datetime)
    assert isinstance(pitr["LatestRestorableDateTime"], datetime.datetime)
    ddb.update_continuous_backups(TableName=name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    assert ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"


def test_item_count_and_size_follow_the_items(ddb):
    """AWS refreshes ItemCount / TableSizeBytes about every six hours; an emulator answers the current
    values, which is what a test can check."""
    name = create_table(ddb, gsis=[{"name": "byG", "hash": ("g", "S")}])
    for i in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "g": {"S": "x"}, "data": {"S": "y" * 100}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "no-g"}})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 4
    assert table["TableSizeBytes"] >= 3 * 100
    [gsi] = table["GlobalSecondaryIndexes"]
    assert gsi["ItemCount"] == 3  # the item without the index key is not in the (sparse) index
    assert gsi["IndexSizeBytes"] > 0


# --- the JSON protocol on the wire --------------------------------------------------------------------

def test_wire_format_of_answers_and_errors(nimbus, ddb):
    """awsJson 1.0 as DynamoDB speaks it: the content type, a request id, and errors as
    {"__type": "com.amazonaws.dynamodb.v20120810#Code", "message": ...}."""
    name = create_table(ddb)
    ok = raw(nimbus.endpoint, "DescribeTable", {"TableName": name})
    assert ok.status_code == 200
    assert ok.headers["Content-Type"].startswith("application/x-amz-json-1.0")
    assert ok.headers.get("x-amzn-RequestId")
    assert ok.json()["Table"]["TableName"] == name

    missing = raw(nimbus.endpoint, "DescribeTable", {"TableName": "nope-nope"})
    assert missing.status_code == 400
    assert missing.json()["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert raw_error(missing) == ("ResourceNotFoundException", "Requested resource not found: Table: nope-nope not found")

    # Unknown operations and unparseable bodies get the service framework's codes.
    unknown = raw(nimbus.endpoint, "NoSuchOperation", {})
    assert unknown.status_code == 400 and raw_error(unknown)[0] == "UnknownOperationException"
    from conftest import raw_json
    garbage = raw_json(nimbus.endpoint, "DynamoDB_20120810.ListTables", b"{not json", service="dynamodb")
    assert garbage.status_code == 400 and raw_error(garbage)[0] == "SerializationException"
    wrong_type = raw(nimbus.endpoint, "ListTables", {"Limit": "ten"})
    assert wrong_type.status_code == 400 and raw_error(wrong_type)[0] == "SerializationException"
    nimbus.assert_serving()


def test_answers_carry_the_crc32_of_their_body(nimbus, ddb):
    """DynamoDB sends x-amz-crc32 (the CRC32 of the body, as the developer guide's low-level API example shows);
    botocore and the SDKs verify it when present."""
    import zlib

    name = create_table(ddb)
    for response in [raw(nimbus.endpoint, "DescribeTable", {"TableName": name}),
                     raw(nimbus.endpoint, "GetItem", {"TableName": name, "Key": {"pk": {"S": "none"}}}),
                     raw(nimbus.endpoint, "DescribeTable", {"TableName": "nope-nope"})]:
        assert int(response.headers["x-amz-crc32"]) == zlib.crc32(response.content), response.headers
