"""DynamoDB's batch and transaction operations through Debian's boto3: BatchWriteItem (25 requests, Put and
Delete, duplicates refused), BatchGetItem (100 keys, projections, missing keys), TransactWriteItems (Put /
Update / Delete / ConditionCheck, all or nothing, TransactionCanceledException and its CancellationReasons
in request order, ClientRequestToken idempotency) and TransactGetItems, with their capacity and errors."""

from __future__ import annotations

import uuid

import pytest

from dynamodb_helpers import client_error, create_table, ddb_client, error_of, n, s, table_name


@pytest.fixture
def ddb(nimbus):
    return ddb_client(nimbus.endpoint)


@pytest.fixture
def table(ddb):
    return create_table(ddb)


def get(ddb, name, key):
    return ddb.get_item(TableName=name, Key=key, ConsistentRead=True).get("Item")


def put_request(item):
    return {"PutRequest": {"Item": item}}


def delete_request(key):
    return {"DeleteRequest": {"Key": key}}


# --- BatchWriteItem ---------------------------------------------------------------------------------

def test_batch_write_puts_and_deletes_across_tables(ddb, table):
    other = create_table(ddb, hash_key=("id", "N"), range_key=("sk", "S"))
    ddb.put_item(TableName=table, Item={"pk": s("doomed"), "v": n(0)})
    answer = ddb.batch_write_item(RequestItems={
        table: [put_request({"pk": s(f"k{i}"), "v": n(i)}) for i in range(20)] + [delete_request({"pk": s("doomed")})],
        other: [put_request({"id": n(i), "sk": s("x"), "nested": {"M": {"l": {"L": [n(i)]}}}}) for i in range(4)],
    }, ReturnConsumedCapacity="TOTAL")
    assert answer["UnprocessedItems"] == {}
    capacity = {c["TableName"]: c["CapacityUnits"] for c in answer["ConsumedCapacity"]}
    assert capacity == {table: 21.0, other: 4.0}
    assert get(ddb, table, {"pk": s("k7")}) == {"pk": s("k7"), "v": n(7)}
    assert get(ddb, table, {"pk": s("doomed")}) is None
    assert get(ddb, other, {"id": n(3), "sk": s("x")})["nested"] == {"M": {"l": {"L": [n(3)]}}}
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 20
    # A put replaces the whole item; deleting a missing key is not an error.
    ddb.batch_write_item(RequestItems={table: [put_request({"pk": s("k1"), "w": s("new")}),
                                               delete_request({"pk": s("never-there")})]})
    assert get(ddb, table, {"pk": s("k1")}) == {"pk": s("k1"), "w": s("new")}


def test_batch_write_limits_and_duplicates_are_refused_whole(ddb, table):
    code, message = error_of(ddb.batch_write_item, RequestItems={
        table: [put_request({"pk": s(f"k{i}")}) for i in range(26)]})
    assert code == "ValidationException"
    # "1 validation error detected: Value '{...}' at 'requestItems' failed to satisfy constraint: Map value must
    # satisfy constraint: [Member must have length less than or equal to 25, ...]"
    assert "Member must have length less than or equal to 25" in message, message
    assert error_of(ddb.batch_write_item, RequestItems={table: [
        put_request({"pk": s("dup"), "v": n(1)}), put_request({"pk": s("dup"), "v": n(2)})]}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_write_item, RequestItems={table: [
        put_request({"pk": s("dup")}), delete_request({"pk": s("dup")})]}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert ddb.scan(TableName=table)["Items"] == []


def test_batch_write_item_errors_refuse_the_whole_batch(ddb, table):
    code, message = error_of(ddb.batch_write_item, RequestItems={table: [
        put_request({"pk": s("good")}), put_request({"other": s("no key")})]})
    assert (code, message) == ("ValidationException",
                               "One or more parameter values were invalid: Missing the key pk in the item")
    code, message = error_of(ddb.batch_write_item, RequestItems={table: [
        put_request({"pk": s("good")}), delete_request({"pk": n(1)})]})
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")
    code, message = error_of(ddb.batch_write_item, RequestItems={table: [
        put_request({"pk": s("good")}), put_request({"pk": s("big"), "d": s("x" * (400 * 1024))})]})
    assert (code, message) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    assert get(ddb, table, {"pk": s("good")}) is None
    code, message = error_of(ddb.batch_write_item, RequestItems={
        table: [put_request({"pk": s("good")})], table_name("missing"): [put_request({"pk": s("x")})]})
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")


# --- BatchGetItem -----------------------------------------------------------------------------------

def test_batch_get_reads_up_to_100_keys_across_tables(ddb, table):
    other = create_table(ddb, hash_key=("id", "N"))
    for start in range(0, 90, 25):
        ddb.batch_write_item(RequestItems={table: [put_request({"pk": s(f"k{i}"), "v": n(i), "tag": s("t")})
                                                   for i in range(start, min(start + 25, 90))]})
    ddb.batch_write_item(RequestItems={other: [put_request({"id": n(i), "name": s(f"n{i}")}) for i in range(5)]})
    answer = ddb.batch_get_item(RequestItems={
        table: {"Keys": [{"pk": s(f"k{i}")} for i in range(95)]},   # k90..k94 do not exist
        other: {"Keys": [{"id": n(i)} for i in range(5)], "ConsistentRead": True},
    })
    assert answer["UnprocessedKeys"] == {}
    assert sorted(int(i["v"]["N"]) for i in answer["Responses"][table]) == list(range(90))
    assert sorted(i["name"]["S"] for i in answer["Responses"][other]) == [f"n{i}" for i in range(5)]


def test_batch_get_projection_and_capacity(ddb, table):
    ddb.batch_write_item(RequestItems={table: [put_request({"pk": s(f"k{i}"), "v": n(i), "name": s("x")})
                                               for i in range(3)]})
    answer = ddb.batch_get_item(RequestItems={table: {
        "Keys": [{"pk": s("k0")}, {"pk": s("k2")}, {"pk": s("absent")}],
        "ProjectionExpression": "#n, v", "ExpressionAttributeNames": {"#n": "name"}}})
    assert sorted(answer["Responses"][table], key=lambda i: i["v"]["N"]) == [
        {"name": s("x"), "v": n(0)}, {"name": s("x"), "v": n(2)}]
    # Each item is rounded up on its own (three 4 KB units, not one), eventually consistent reads cost half.
    answer = ddb.batch_get_item(RequestItems={table: {"Keys": [{"pk": s(f"k{i}")} for i in range(3)]}},
                                ReturnConsumedCapacity="TOTAL")
    assert [(c["TableName"], c["CapacityUnits"]) for c in answer["ConsumedCapacity"]] == [(table, 1.5)]
    legacy = ddb.batch_get_item(RequestItems={table: {"Keys": [{"pk": s("k1")}], "AttributesToGet": ["v"]}})
    assert legacy["Responses"][table] == [{"v": n(1)}]


def test_batch_get_limits_duplicates_and_bad_keys_are_refused(ddb, table):
    other = create_table(ddb)
    # More than 100 keys in all: the documented "Too many items requested for the BatchGetItem call" (the API
    # reference ends it with a period, which is not asserted).
    code, message = error_of(ddb.batch_get_item, RequestItems={
        table: {"Keys": [{"pk": s(f"k{i}")} for i in range(60)]},
        other: {"Keys": [{"pk": s(f"k{i}")} for i in range(41)]}})
    assert code == "ValidationException"
    assert message.startswith("Too many items requested for the BatchGetItem call"), message
    # More than 100 keys for one table fail the model's own constraint first: "1 validation error detected:
    # Value at 'requestItems.<table>.member.keys' failed to satisfy constraint: Member must have length less than
    # or equal to 100".
    code, message = error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [{"pk": s(f"k{i}")} for i in range(101)]}})
    assert code == "ValidationException"
    assert "100" in message and ("Member must have length less than or equal to 100" in message
                                 or message.startswith("Too many items requested")), message
    code, message = error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [{"pk": s("a")}, {"pk": s("a")}]}})
    assert (code, message) == ("ValidationException", "Provided list of item keys contains duplicates")
    code, message = error_of(ddb.batch_get_item, RequestItems={table: {"Keys": [{"pk": n(1)}]}})
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")
    code, message = error_of(ddb.batch_get_item, RequestItems={table_name("missing"): {"Keys": [{"pk": s("a")}]}})
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")


# --- TransactWriteItems -------------------------------------------------------------------------------

def test_transact_write_applies_every_action(ddb, table):
    other = create_table(ddb, hash_key=("id", "S"))
    ddb.put_item(TableName=table, Item={"pk": s("counter"), "n": n(1)})
    ddb.put_item(TableName=table, Item={"pk": s("old"), "v": s("x")})
    ddb.put_item(TableName=other, Item={"id": s("guard"), "state": s("open")})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": s("new"), "v": s("created")},
                 "ConditionExpression": "attribute_not_exists(pk)"}},
        {"Update": {"TableName": table, "Key": {"pk": s("counter")}, "UpdateExpression": "ADD n :one",
                    "ConditionExpression": "n = :expected",
                    "ExpressionAttributeValues": {":one": n(1), ":expected": n(1)}}},
        {"Delete": {"TableName": table, "Key": {"pk": s("old")}}},
        {"ConditionCheck": {"TableName": other, "Key": {"id": s("guard")}, "ConditionExpression": "#s = :open",
                            "ExpressionAttributeNames": {"#s": "state"},
                            "ExpressionAttributeValues": {":open": s("open")}}},
    ])
    assert get(ddb, table, {"pk": s("new")}) == {"pk": s("new"), "v": s("created")}
    assert get(ddb, table, {"pk": s("counter")})["n"] == n(2)
    assert get(ddb, table, {"pk": s("old")}) is None
    assert get(ddb, other, {"id": s("guard")}) == {"id": s("guard"), "state": s("open")}


def test_a_failed_condition_cancels_the_whole_transaction_with_reasons_in_order(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n(1)})
    ddb.put_item(TableName=table, Item={"pk": s("b"), "v": n(1)})
    error = client_error(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": s("c"), "v": n(1)}}},
        {"ConditionCheck": {"TableName": table, "Key": {"pk": s("a")}, "ConditionExpression": "v = :two",
                            "ExpressionAttributeValues": {":two": n(2)}}},
        {"Update": {"TableName": table, "Key": {"pk": s("b")}, "UpdateExpression": "SET v = :nine",
                    "ExpressionAttributeValues": {":nine": n(9)}}},
    ])
    assert error.response["Error"]["Code"] == "TransactionCanceledException"
    assert error.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]")
    reasons = error.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Message"] == "The conditional request failed"
    assert "Item" not in reasons[1]
    # Nothing was applied.
    assert get(ddb, table, {"pk": s("c")}) is None
    assert get(ddb, table, {"pk": s("b")})["v"] == n(1)


def test_cancellation_reasons_carry_the_old_item_on_request(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n(1), "tags": {"SS": ["x"]}})
    ddb.put_item(TableName=table, Item={"pk": s("b"), "v": n(5)})
    error = client_error(ddb.transact_write_items, TransactItems=[
        {"Update": {"TableName": table, "Key": {"pk": s("b")}, "UpdateExpression": "SET v = :v",
                    "ConditionExpression": "v = :v", "ExpressionAttributeValues": {":v": n(0)},
                    "ReturnValuesOnConditionCheckFailure": "NONE"}},
        {"Delete": {"TableName": table, "Key": {"pk": s("a")}, "ConditionExpression": "v > :v",
                    "ExpressionAttributeValues": {":v": n(3)}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"Put": {"TableName": table, "Item": {"pk": s("z")}}},
    ])
    assert error.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, ConditionalCheckFailed, None]")
    reasons = error.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "ConditionalCheckFailed", "None"]
    assert "Item" not in reasons[0]
    assert reasons[1]["Item"] == {"pk": s("a"), "v": n(1), "tags": {"SS": ["x"]}}
    assert get(ddb, table, {"pk": s("z")}) is None and get(ddb, table, {"pk": s("a")}) is not None


def test_client_request_token_makes_a_transaction_idempotent(ddb, table):
    token = str(uuid.uuid4())
    request = [{"Update": {"TableName": table, "Key": {"pk": s("ctr")}, "UpdateExpression": "ADD n :one",
                           "ExpressionAttributeValues": {":one": n(1)}}}]
    ddb.transact_write_items(TransactItems=request, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=request, ClientRequestToken=token)
    assert get(ddb, table, {"pk": s("ctr")})["n"] == n(1)
    ddb.transact_write_items(TransactItems=request, ClientRequestToken=str(uuid.uuid4()))
    assert get(ddb, table, {"pk": s("ctr")})["n"] == n(2)
    changed = [{"Update": {**request[0]["Update"], "ExpressionAttributeValues": {":one": n(5)}}}]
    code, _ = error_of(ddb.transact_write_items, TransactItems=changed, ClientRequestToken=token)
    assert code == "IdempotentParameterMismatchException"
    assert get(ddb, table, {"pk": s("ctr")})["n"] == n(2)


def test_concurrent_retries_with_one_token_apply_the_transaction_once(nimbus, table):
    from concurrent.futures import ThreadPoolExecutor
    token = str(uuid.uuid4())
    request = [{"Update": {"TableName": table, "Key": {"pk": s("ctr")}, "UpdateExpression": "ADD n :one",
                           "ExpressionAttributeValues": {":one": n(1)}}}]

    def attempt(_):
        ddb_client(nimbus.endpoint).transact_write_items(TransactItems=request, ClientRequestToken=token)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempt, range(8)))
    assert get(ddb_client(nimbus.endpoint), table, {"pk": s("ctr")})["n"] == n(1)


def test_transact_write_validation_errors(ddb, table):
    code, message = error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": s("same")}}},
        {"Update": {"TableName": table, "Key": {"pk": s("same")}, "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": n(1)}}}])
    assert (code, message) == ("ValidationException",
                               "Transaction request cannot include multiple operations on one item")
    code, message = error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": s(f"k{i}")}}} for i in range(101)])
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 100" in message, message
    code, message = error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": table_name("missing"), "Item": {"pk": s("x")}}}])
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")
    assert ddb.scan(TableName=table)["Items"] == []


def test_transactions_cost_two_units_per_item(ddb, table):
    answer = ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": s("a")}}},
        {"Put": {"TableName": table, "Item": {"pk": s("b"), "d": s("x" * 1500)}}},
    ], ReturnConsumedCapacity="TOTAL")
    assert [(c["TableName"], c["CapacityUnits"]) for c in answer["ConsumedCapacity"]] == [(table, 6.0)]
    answer = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": {"pk": s("a")}}},
        {"Get": {"TableName": table, "Key": {"pk": s("b")}}},
    ], ReturnConsumedCapacity="TOTAL")
    assert [(c["TableName"], c["CapacityUnits"]) for c in answer["ConsumedCapacity"]] == [(table, 4.0)]


# --- TransactGetItems ------------------------------------------------------------------------------

def test_transact_get_answers_in_request_order_with_empty_entries_for_missing_items(ddb, table):
    other = create_table(ddb, hash_key=("id", "N"))
    ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n(1), "name": s("A")})
    ddb.put_item(TableName=other, Item={"id": n(7), "w": s("seven")})
    answer = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": other, "Key": {"id": n(7)}}},
        {"Get": {"TableName": table, "Key": {"pk": s("missing")}}},
        {"Get": {"TableName": table, "Key": {"pk": s("a")}, "ProjectionExpression": "#n",
                 "ExpressionAttributeNames": {"#n": "name"}}},
    ])
    responses = answer["Responses"]
    assert len(responses) == 3
    assert responses[0]["Item"] == {"id": n(7), "w": s("seven")}
    assert "Item" not in responses[1]
    assert responses[2]["Item"] == {"name": s("A")}
    code, message = error_of(ddb.transact_get_items, TransactItems=[
        {"Get": {"TableName": table_name("missing"), "Key": {"pk": s("a")}}}])
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")
    code, message = error_of(ddb.transact_get_items, TransactItems=[
        {"Get": {"TableName": table, "Key": {"pk": n(1)}}}])
    assert (code, message) == ("ValidationException", "The provided key element does not match the schema")
