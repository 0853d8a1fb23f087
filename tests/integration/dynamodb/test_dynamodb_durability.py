"""DynamoDB state on disk: tables (with their settings), items and GSI / LSI entries survive a SIGTERM
restart and a SIGKILL right after the last acknowledged write; deletes stay deleted; --memory keeps nothing."""

from __future__ import annotations

import threading
import uuid

import pytest
from botocore.exceptions import ClientError

from dynamodb_helpers import create_table, ddb_client, n, s, scan_all, table_arn

pytestmark = pytest.mark.slow


def index_keys(ddb, name, index, value):
    return sorted(i["pk"]["S"] for i in ddb.query(TableName=name, IndexName=index, KeyConditionExpression="g = :g",
                                                  ExpressionAttributeValues={":g": s(value)})["Items"])


def make_tables(ddb):
    name = create_table(ddb, range_key=("sk", "N"),
                        gsis=[{"name": "byG", "hash": ("g", "S"), "projection": "KEYS_ONLY"}],
                        lsis=[{"name": "byL", "range": ("l", "N")}],
                        Tags=[{"Key": "team", "Value": "durable"}],
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    return name


def write_state(ddb, name):
    for i in range(20):
        ddb.put_item(TableName=name, Item={"pk": s(f"k{i}"), "sk": n(i), "g": s("even" if i % 2 == 0 else "odd"),
                                           "l": n(100 - i), "big": n("12345678901234567890123456789012345678")})
    ddb.update_item(TableName=name, Key={"pk": s("k1"), "sk": n(1)}, UpdateExpression="SET g = :g, tags = :t",
                    ExpressionAttributeValues={":g": s("even"), ":t": {"SS": ["a", "b"]}})
    ddb.delete_item(TableName=name, Key={"pk": s("k2"), "sk": n(2)})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": s("tx"), "sk": n(0), "g": s("tx")}}},
        {"Update": {"TableName": name, "Key": {"pk": s("k3"), "sk": n(3)}, "UpdateExpression": "REMOVE g"}},
    ])
    ddb.batch_write_item(RequestItems={name: [
        {"PutRequest": {"Item": {"pk": s("b1"), "sk": n(1), "g": s("odd")}}},
        {"DeleteRequest": {"Key": {"pk": s("k4"), "sk": n(4)}}},
    ]})


def check_state(ddb, name):
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert [g["IndexName"] for g in table["GlobalSecondaryIndexes"]] == ["byG"]
    assert [i["IndexName"] for i in table["LocalSecondaryIndexes"]] == ["byL"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    assert ddb.list_tags_of_resource(ResourceArn=table_arn(name))["Tags"] == [{"Key": "team", "Value": "durable"}]
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]["AttributeName"] == "exp"

    items = {i["pk"]["S"]: i for i in scan_all(ddb, name)}
    expected = {f"k{i}" for i in range(20)} - {"k2", "k4"} | {"tx", "b1"}
    assert set(items) == expected
    assert items["k1"]["g"] == s("even") and sorted(items["k1"]["tags"]["SS"]) == ["a", "b"]
    assert "g" not in items["k3"]
    assert items["k5"]["big"] == n("12345678901234567890123456789012345678")
    assert index_keys(ddb, name, "byG", "even") == sorted(
        ["k0", "k1", "k6", "k8", "k10", "k12", "k14", "k16", "k18"])
    assert index_keys(ddb, name, "byG", "odd") == sorted(["b1", "k5", "k7", "k9", "k11", "k13", "k15", "k17", "k19"])
    assert index_keys(ddb, name, "byG", "tx") == ["tx"]
    by_l = ddb.query(TableName=name, IndexName="byL", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": s("k7")})["Items"]
    assert [i["l"] for i in by_l] == [n(93)]


def test_tables_items_and_indexes_survive_a_restart(server_factory):
    server = server_factory()
    ddb = ddb_client(server.endpoint)
    name = make_tables(ddb)
    write_state(ddb, name)
    dropped = create_table(ddb)
    ddb.put_item(TableName=dropped, Item={"pk": s("gone")})
    ddb.delete_table(TableName=dropped)
    check_state(ddb, name)

    server.restart()
    ddb = ddb_client(server.endpoint)
    check_state(ddb, name)
    assert dropped not in ddb.list_tables()["TableNames"]
    # The restarted server keeps writing to the same tables and indexes.
    ddb.put_item(TableName=name, Item={"pk": s("after"), "sk": n(1), "g": s("tx")})
    assert index_keys(ddb, name, "byG", "tx") == ["after", "tx"]


def test_acknowledged_writes_survive_kill_9(server_factory):
    server = server_factory()
    ddb = ddb_client(server.endpoint)
    name = make_tables(ddb)
    write_state(ddb, name)
    server.restart(kill=True)
    ddb = ddb_client(server.endpoint)
    check_state(ddb, name)


def test_concurrent_acknowledged_writes_survive_kill_9(server_factory):
    server = server_factory()
    ddb = ddb_client(server.endpoint)
    name = create_table(ddb, gsis=[{"name": "byWorker", "hash": ("w", "S")}])
    errors = []

    def writer(worker):
        client = ddb_client(server.endpoint)
        try:
            for i in range(25):
                client.put_item(TableName=name, Item={"pk": s(f"{worker}-{i}"), "w": s(worker)})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{t}",)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    server.kill()
    server.start()
    ddb = ddb_client(server.endpoint)
    assert len(scan_all(ddb, name)) == 100
    for worker in range(4):
        assert ddb.query(TableName=name, IndexName="byWorker", KeyConditionExpression="w = :w",
                         ExpressionAttributeValues={":w": s(f"w{worker}")}, Select="COUNT")["Count"] == 25


def test_memory_mode_keeps_no_tables(server_factory):
    server = server_factory(extra_args=["--memory"])
    ddb = ddb_client(server.endpoint)
    name = create_table(ddb)
    ddb.put_item(TableName=name, Item={"pk": s("x")})
    server.restart()
    assert ddb_client(server.endpoint).list_tables()["TableNames"] == []


def test_a_transaction_token_is_still_honoured_after_kill_9(server_factory):
    server = server_factory()
    ddb = ddb_client(server.endpoint)
    name = create_table(ddb)
    token = str(uuid.uuid4())
    request = [{"Update": {"TableName": name, "Key": {"pk": s("ctr")}, "UpdateExpression": "ADD n :one",
                           "ExpressionAttributeValues": {":one": n(1)}}}]
    ddb.transact_write_items(TransactItems=request, ClientRequestToken=token)
    server.restart(kill=True)
    ddb = ddb_client(server.endpoint)
    # The retry a client makes after losing its connection must not apply the transaction twice.
    ddb.transact_write_items(TransactItems=request, ClientRequestToken=token)
    assert ddb.get_item(TableName=name, Key={"pk": s("ctr")}, ConsistentRead=True)["Item"]["n"] == n(1)
    changed = [{"Update": {**request[0]["Update"], "ExpressionAttributeValues": {":one": n(5)}}}]
    with pytest.raises(ClientError) as error:
        ddb.transact_write_items(TransactItems=changed, ClientRequestToken=token)
    assert error.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
