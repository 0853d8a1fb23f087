"""boto3.resource('dynamodb') against nimbus: Table objects, Python types (Decimal, sets, Binary, None),
boto3.dynamodb.conditions Key / Attr builders for queries, scans and conditions, the batch_writer, and the
resource-level batch_get_item and tables collection."""

from __future__ import annotations

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from boto3.dynamodb.types import Binary

from dynamodb_helpers import FAST_WAIT, client_error, ddb_resource, table_name


@pytest.fixture
def dynamodb(nimbus):
    return ddb_resource(nimbus.endpoint)


def make_table(dynamodb, range_key=None, gsi=None):
    name = table_name("res")
    attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if range_key:
        attrs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
        schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
    extra = {}
    if gsi:
        attrs.append({"AttributeName": gsi, "AttributeType": "S"})
        extra["GlobalSecondaryIndexes"] = [{"IndexName": f"by-{gsi}",
                                            "KeySchema": [{"AttributeName": gsi, "KeyType": "HASH"}],
                                            "Projection": {"ProjectionType": "ALL"}}]
    table = dynamodb.create_table(TableName=name, KeySchema=schema, AttributeDefinitions=attrs,
                                  BillingMode="PAY_PER_REQUEST", **extra)
    table.meta.client.get_waiter("table_exists").wait(TableName=name, WaiterConfig=FAST_WAIT)
    table.reload()
    return table


def test_table_object_describes_itself(dynamodb):
    table = make_table(dynamodb, range_key=("sk", "N"))
    assert table.table_status == "ACTIVE"
    assert table.table_arn == f"arn:aws:dynamodb:us-east-1:000000000000:table/{table.name}"
    assert table.key_schema == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table.billing_mode_summary["BillingMode"] == "PAY_PER_REQUEST"
    assert table.name in [t.name for t in dynamodb.tables.all()]
    table.delete()
    table.meta.client.get_waiter("table_not_exists").wait(TableName=table.name, WaiterConfig=FAST_WAIT)
    assert table.name not in [t.name for t in dynamodb.tables.all()]


def test_python_types_round_trip(dynamodb):
    table = make_table(dynamodb)
    item = {
        "pk": "types",
        "text": "héllo",
        "empty": "",
        "int": Decimal("42"),
        "exact": Decimal("12345678901234567890123456789012345678"),
        "fraction": Decimal("0.1"),
        "negative": Decimal("-3.25"),
        "yes": True,
        "nothing": None,
        "blob": Binary(b"\x00\x01\xff"),
        "strings": {"a", "b"},
        "numbers": {Decimal("1"), Decimal("2.5")},
        "blobs": {Binary(b"x"), Binary(b"y")},
        "list": ["a", Decimal("1"), [], {}],
        "map": {"nested": {"deep": "x"}, "flag": False},
    }
    table.put_item(Item=item)
    assert table.get_item(Key={"pk": "types"})["Item"] == item
    table.put_item(Item={"pk": "trailing", "v": Decimal("1.50"), "w": Decimal("100")})
    got = table.get_item(Key={"pk": "trailing"}, ConsistentRead=True)["Item"]
    assert str(got["v"]) == "1.5" and str(got["w"]) == "100"
    assert "Item" not in table.get_item(Key={"pk": "absent"})


def test_key_conditions_built_with_key(dynamodb):
    table = make_table(dynamodb, range_key=("sk", "S"))
    with table.batch_writer() as batch:
        for sk in ["a1", "a2", "a3", "b1", "b2", "c1"]:
            batch.put_item(Item={"pk": "p", "sk": sk, "n": Decimal(int(sk[1]))})
        batch.put_item(Item={"pk": "other", "sk": "a1"})

    def query(condition, **kwargs):
        return [i["sk"] for i in table.query(KeyConditionExpression=condition, **kwargs)["Items"]]

    assert query(Key("pk").eq("p")) == ["a1", "a2", "a3", "b1", "b2", "c1"]
    assert query(Key("pk").eq("p") & Key("sk").begins_with("b")) == ["b1", "b2"]
    assert query(Key("pk").eq("p") & Key("sk").between("a2", "b1")) == ["a2", "a3", "b1"]
    assert query(Key("pk").eq("p") & Key("sk").lt("a3")) == ["a1", "a2"]
    assert query(Key("pk").eq("p") & Key("sk").lte("a3")) == ["a1", "a2", "a3"]
    assert query(Key("pk").eq("p") & Key("sk").gt("b2")) == ["c1"]
    assert query(Key("pk").eq("p") & Key("sk").gte("b2")) == ["b2", "c1"]
    assert query(Key("pk").eq("p"), ScanIndexForward=False, Limit=2) == ["c1", "b2"]
    assert query(Key("pk").eq("p"), FilterExpression=Attr("n").gte(2)) == ["a2", "a3", "b2"]
    first = table.query(KeyConditionExpression=Key("pk").eq("p"), Limit=4)
    assert first["LastEvaluatedKey"] == {"pk": "p", "sk": "b1"}
    rest = table.query(KeyConditionExpression=Key("pk").eq("p"), ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [i["sk"] for i in rest["Items"]] == ["b2", "c1"]


SCANS = [
    ("eq", Attr("name").eq("Ann"), ["1"]),
    ("ne", Attr("age").ne(30), ["2", "3", "4"]),
    ("lt", Attr("age").lt(30), ["2", "4"]),
    ("gt", Attr("age").gt(30), ["3"]),
    ("between", Attr("age").between(20, 30), ["1", "2"]),
    ("begins_with", Attr("name").begins_with("B"), ["2", "3"]),
    ("contains-set", Attr("tags").contains("red"), ["1", "3"]),
    ("contains-string", Attr("name").contains("o"), ["3"]),
    ("is_in", Attr("age").is_in([Decimal(20), Decimal(40)]), ["3"]),
    ("exists", Attr("nick").exists(), ["4"]),
    ("not_exists", Attr("nick").not_exists(), ["1", "2", "3"]),
    ("attribute_type", Attr("age").attribute_type("N"), ["1", "2", "3", "4"]),
    ("size", Attr("name").size().eq(3), ["1", "2", "3"]),
    ("and-or-not", (Attr("age").gte(25) & ~Attr("name").eq("Bob")) | Attr("nick").exists(), ["1", "2", "4"]),
    ("nested", Attr("address.city").eq("Paris"), ["2"]),
    ("list-index", Attr("scores[0]").gt(5), ["1"]),
]


@pytest.mark.parametrize("condition,expected", [c[1:] for c in SCANS], ids=[c[0] for c in SCANS])
def test_scan_filters_built_with_attr(dynamodb, condition, expected):
    table = make_table(dynamodb)
    with table.batch_writer() as batch:
        batch.put_item(Item={"pk": "1", "name": "Ann", "age": 30, "tags": {"red", "blue"}, "scores": [9, 1]})
        batch.put_item(Item={"pk": "2", "name": "Bea", "age": 25, "address": {"city": "Paris"}, "scores": [1]})
        batch.put_item(Item={"pk": "3", "name": "Bob", "age": 40, "tags": {"red"}})
        batch.put_item(Item={"pk": "4", "name": "Dave", "age": 10, "nick": "D"})
    assert sorted(i["pk"] for i in table.scan(FilterExpression=condition)["Items"]) == expected


def test_batch_writer_flushes_more_than_25_items_and_deduplicates(dynamodb):
    table = make_table(dynamodb)
    with table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
        for i in range(60):
            batch.put_item(Item={"pk": f"k{i:02d}", "v": i})
        batch.put_item(Item={"pk": "k00", "v": 1000})  # replaces the buffered k00
        batch.delete_item(Key={"pk": "k59"})
    items = table.scan()["Items"]
    assert len(items) == 59
    assert table.get_item(Key={"pk": "k00"})["Item"]["v"] == Decimal(1000)
    assert "Item" not in table.get_item(Key={"pk": "k59"})
    with table.batch_writer() as batch:
        for i in range(30):
            batch.delete_item(Key={"pk": f"k{i:02d}"})
    assert table.scan(Select="COUNT")["Count"] == 29


def test_update_and_conditions_with_the_resource(dynamodb):
    table = make_table(dynamodb)
    table.put_item(Item={"pk": "acct", "balance": Decimal("10.00"), "owner": "ann"})
    answer = table.update_item(Key={"pk": "acct"}, UpdateExpression="SET balance = balance - :amt",
                               ConditionExpression=Attr("balance").gte(Decimal("2.5")) & Attr("owner").eq("ann"),
                               ExpressionAttributeValues={":amt": Decimal("2.5")}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"balance": Decimal("7.5")}
    error = client_error(table.update_item, Key={"pk": "acct"}, UpdateExpression="SET balance = balance - :amt",
                         ConditionExpression=Attr("balance").gte(Decimal(100)),
                         ExpressionAttributeValues={":amt": Decimal(100)})
    assert error.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert isinstance(error, table.meta.client.exceptions.ConditionalCheckFailedException)
    with pytest.raises(table.meta.client.exceptions.ConditionalCheckFailedException):
        table.put_item(Item={"pk": "acct"}, ConditionExpression=Attr("pk").not_exists())
    deleted = table.delete_item(Key={"pk": "acct"}, ReturnValues="ALL_OLD")
    assert deleted["Attributes"] == {"pk": "acct", "balance": Decimal("7.5"), "owner": "ann"}


def test_gsi_query_and_batch_get_with_the_resource(dynamodb):
    table = make_table(dynamodb, gsi="email")
    with table.batch_writer() as batch:
        for i in range(5):
            batch.put_item(Item={"pk": f"u{i}", "email": f"user{i % 2}@example.com", "i": i})
    found = table.query(IndexName="by-email", KeyConditionExpression=Key("email").eq("user1@example.com"))
    assert sorted(item["pk"] for item in found["Items"]) == ["u1", "u3"]
    got = dynamodb.batch_get_item(RequestItems={table.name: {"Keys": [{"pk": "u0"}, {"pk": "u4"}, {"pk": "nope"}]}})
    assert sorted(item["i"] for item in got["Responses"][table.name]) == [Decimal(0), Decimal(4)]
    assert got["UnprocessedKeys"] == {}
