"""DynamoDB's Query and Scan through Debian's boto3: key conditions (= < <= > >= BETWEEN begins_with),
sort orders (numbers by value, strings by UTF-8 bytes), ScanIndexForward, Limit with LastEvaluatedKey /
ExclusiveStartKey, FilterExpression with Count vs ScannedCount, Select, queries on GSIs and LSIs with their
projections, parallel scans, the legacy KeyConditions / ScanFilter, read capacity, and the errors."""

from __future__ import annotations

import pytest

from dynamodb_helpers import create_table, ddb_client, error_of, n, query_all, s, scan_all, table_name


@pytest.fixture
def ddb(nimbus):
    return ddb_client(nimbus.endpoint)


def batch_put(ddb, name, items):
    for start in range(0, len(items), 25):
        answer = ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]})
        assert answer["UnprocessedItems"] == {}


@pytest.fixture
def numbered(ddb):
    """pk S + sk N: partition "p" holds sk 1..10 (even ones flagged), partition "q" holds 1..3."""
    name = create_table(ddb, range_key=("sk", "N"))
    items = [{"pk": s("p"), "sk": n(i), "data": s(f"d{i}"), "even": {"BOOL": i % 2 == 0}} for i in range(1, 11)]
    items += [{"pk": s("q"), "sk": n(i), "data": s(f"q{i}"), "even": {"BOOL": False}} for i in range(1, 4)]
    batch_put(ddb, name, items)
    return name


def sks(items):
    return [int(item["sk"]["N"]) for item in items]


# --- key conditions and order --------------------------------------------------------------------

@pytest.mark.parametrize("condition,values,expected", [
    ("pk = :p", {}, list(range(1, 11))),
    ("pk = :p AND sk = :a", {":a": n(3)}, [3]),
    ("pk = :p AND sk < :a", {":a": n(3)}, [1, 2]),
    ("pk = :p AND sk <= :a", {":a": n(3)}, [1, 2, 3]),
    ("pk = :p AND sk > :a", {":a": n(8)}, [9, 10]),
    ("pk = :p AND sk >= :a", {":a": n(8)}, [8, 9, 10]),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": n(3), ":b": n(5)}, [3, 4, 5]),
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": n("2.5"), ":b": n("3.5")}, [3]),
    ("pk = :p AND sk > :a", {":a": n(10)}, []),
    ("#k = :p AND #r < :a", {":a": n(3)}, [1, 2]),
])
def test_key_conditions_on_a_numeric_sort_key(ddb, numbered, condition, values, expected):
    params = {"TableName": numbered, "KeyConditionExpression": condition,
              "ExpressionAttributeValues": {":p": s("p"), **values}}
    if "#k" in condition:
        params["ExpressionAttributeNames"] = {"#k": "pk", "#r": "sk"}
    answer = ddb.query(**params)
    assert sks(answer["Items"]) == expected  # numbers sort by value: 10 after 9
    assert answer["Count"] == answer["ScannedCount"] == len(expected)
    assert "LastEvaluatedKey" not in answer


def test_string_sort_keys_order_by_utf8_bytes_and_begins_with(ddb):
    name = create_table(ddb, range_key=("sk", "S"))
    keys = ["b#1", "2024-02-15", "a#2", "Zed", "2024-01-05", "a#1", "2025-01-01", "2024-02-01", "é", "a"]
    batch_put(ddb, name, [{"pk": s("p"), "sk": s(k)} for k in keys])

    def query(condition, **values):
        return [item["sk"]["S"] for item in ddb.query(
            TableName=name, KeyConditionExpression=f"pk = :p AND {condition}",
            ExpressionAttributeValues={":p": s("p"), **{f":{k}": s(v) for k, v in values.items()}})["Items"]]

    everything = [i["sk"]["S"] for i in ddb.query(TableName=name, KeyConditionExpression="pk = :p",
                                                   ExpressionAttributeValues={":p": s("p")})["Items"]]
    assert everything == sorted(keys, key=lambda k: k.encode())
    assert everything[-1] == "é"  # 0xC3 sorts after every ASCII byte
    assert query("begins_with(sk, :x)", x="2024-02") == ["2024-02-01", "2024-02-15"]
    assert query("begins_with(sk, :x)", x="a") == ["a", "a#1", "a#2"]
    assert query("begins_with(sk, :x)", x="zz") == []
    assert query("sk BETWEEN :x AND :y", x="2024", y="2025") == ["2024-01-05", "2024-02-01", "2024-02-15"]
    assert query("sk > :x", x="a#1") == ["a#2", "b#1", "é"]


def test_scan_index_forward_false_reverses_and_pages_backwards(ddb, numbered):
    params = {"TableName": numbered, "KeyConditionExpression": "pk = :p",
              "ExpressionAttributeValues": {":p": s("p")}, "ScanIndexForward": False}
    assert sks(ddb.query(**params)["Items"]) == list(range(10, 0, -1))
    first = ddb.query(**params, Limit=4)
    assert sks(first["Items"]) == [10, 9, 8, 7]
    assert first["LastEvaluatedKey"] == {"pk": s("p"), "sk": n(7)}
    second = ddb.query(**params, Limit=4, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert sks(second["Items"]) == [6, 5, 4, 3]


def test_limit_pages_with_last_evaluated_key(ddb, numbered):
    params = {"TableName": numbered, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": s("p")}}
    pages = []
    start = None
    while True:
        page = ddb.query(**params, Limit=3, **({"ExclusiveStartKey": start} if start else {}))
        pages.append(sks(page["Items"]))
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
        assert start == {"pk": s("p"), "sk": page["Items"][-1]["sk"]}
    assert pages == [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]

    # When the Limit is reached on the last item, DynamoDB still answers a LastEvaluatedKey (it stopped
    # because of the Limit); the next page is empty and has none.
    second = ddb.query(**params, Limit=5, ExclusiveStartKey={"pk": s("p"), "sk": n(5)})
    assert sks(second["Items"]) == [6, 7, 8, 9, 10]
    assert second["LastEvaluatedKey"] == {"pk": s("p"), "sk": n(10)}
    last = ddb.query(**params, Limit=5, ExclusiveStartKey=second["LastEvaluatedKey"])
    assert last["Items"] == [] and last["Count"] == 0 and "LastEvaluatedKey" not in last
    # An ExclusiveStartKey need not be an existing item.
    assert sks(ddb.query(**params, ExclusiveStartKey={"pk": s("p"), "sk": n("4.5")})["Items"]) == [5, 6, 7, 8, 9, 10]
    assert sks(query_all(ddb, **params, Limit=2)) == list(range(1, 11))
    assert sks([i for page in ddb.get_paginator("query").paginate(**params, PaginationConfig={"PageSize": 4})
                for i in page["Items"]]) == list(range(1, 11))


def test_filter_expression_counts_matches_and_scanned_items(ddb, numbered):
    base = {"TableName": numbered, "KeyConditionExpression": "pk = :p"}
    answer = ddb.query(**base, FilterExpression="even = :t", ExpressionAttributeValues={":p": s("p"), ":t": {"BOOL": True}})
    assert sks(answer["Items"]) == [2, 4, 6, 8, 10]
    assert (answer["Count"], answer["ScannedCount"]) == (5, 10)
    # The Limit counts items read, before the filter.
    limited = ddb.query(**base, FilterExpression="even = :t", Limit=4,
                        ExpressionAttributeValues={":p": s("p"), ":t": {"BOOL": True}})
    assert sks(limited["Items"]) == [2, 4]
    assert (limited["Count"], limited["ScannedCount"]) == (2, 4)
    assert limited["LastEvaluatedKey"] == {"pk": s("p"), "sk": n(4)}
    none = ddb.query(**base, FilterExpression="attribute_exists(nope)", ExpressionAttributeValues={":p": s("p")})
    assert (none["Items"], none["Count"], none["ScannedCount"]) == ([], 0, 10)
    counted = ddb.query(**base, FilterExpression="even = :t", Select="COUNT",
                        ExpressionAttributeValues={":p": s("p"), ":t": {"BOOL": True}})
    assert "Items" not in counted and (counted["Count"], counted["ScannedCount"]) == (5, 10)
    code, message = error_of(ddb.query, **base, FilterExpression="sk > :a",
                             ExpressionAttributeValues={":p": s("p"), ":a": n(3)})
    assert (code, message) == ("ValidationException",
                               "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")


def test_projection_and_select_on_a_table(ddb, numbered):
    base = {"TableName": numbered, "KeyConditionExpression": "pk = :p AND sk <= :a",
            "ExpressionAttributeValues": {":p": s("p"), ":a": n(2)}}
    assert ddb.query(**base, ProjectionExpression="#d", ExpressionAttributeNames={"#d": "data"})["Items"] == [
        {"data": s("d1")}, {"data": s("d2")}]
    assert ddb.query(**base, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="sk")["Items"] == [
        {"sk": n(1)}, {"sk": n(2)}]
    assert ddb.query(**base, Select="ALL_ATTRIBUTES")["Items"][0] == {
        "pk": s("p"), "sk": n(1), "data": s("d1"), "even": {"BOOL": False}}


# Query's texts carry the "1 validation error detected: " prefix, Scan's do not.
SELECT_ERRORS = [
    ("all-projected-on-a-table", {"Select": "ALL_PROJECTED_ATTRIBUTES"},
     "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
    ("specific-without-projection", {"Select": "SPECIFIC_ATTRIBUTES"},
     "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
    ("count-with-projection", {"Select": "COUNT", "ProjectionExpression": "sk"},
     "Cannot specify the ProjectionExpression when choosing to get only the Count"),
    ("all-with-projection", {"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "sk"},
     "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"),
    # The model's enum check: prefixed on both operations.
    ("unknown-select", {"Select": "count"},
     "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must satisfy "
     "enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"),
]


@pytest.mark.parametrize("operation", ["query", "scan"])
@pytest.mark.parametrize("params,expected", [e[1:] for e in SELECT_ERRORS], ids=[e[0] for e in SELECT_ERRORS])
def test_invalid_select_combinations_are_refused(ddb, numbered, operation, params, expected):
    if operation == "query":
        call = ddb.query
        params = {**params, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": s("p")}}
        if not expected.startswith("1 validation error detected: "):
            expected = "1 validation error detected: " + expected
    else:
        call = ddb.scan
    code, message = error_of(call, TableName=numbered, **params)
    if "enum value set: [" in expected:
        # DynamoDB lists the enum from a hash set: its order is not part of the contract.
        head, listed = expected.split("[", 1)
        assert code == "ValidationException" and message.startswith(head), message
        assert set(message.split("[", 1)[1].rstrip("]").split(", ")) == set(listed.rstrip("]").split(", "))
        return
    assert (code, message) == ("ValidationException", expected)


@pytest.mark.parametrize("condition,values,expected", [
    ("sk = :a", {":a": n(1)}, "Query condition missed key schema element: pk"),
    ("pk > :p", {":p": s("p")}, "Query key condition not supported"),
    ("pk = :p OR sk = :a", {":p": s("p"), ":a": n(1)}, "Invalid operator used in KeyConditionExpression: OR"),
    ("pk = :n", {":n": n(1)},
     "One or more parameter values were invalid: Condition parameter type does not match schema type"),
], ids=["no-partition-key", "partition-key-range", "or", "wrong-type"])
def test_invalid_key_conditions_are_refused(ddb, numbered, condition, values, expected):
    code, message = error_of(ddb.query, TableName=numbered, KeyConditionExpression=condition,
                             ExpressionAttributeValues=values)
    assert code == "ValidationException"
    assert message == expected, message


def test_begins_with_on_a_numeric_sort_key_is_refused(ddb, numbered):
    code, message = error_of(ddb.query, TableName=numbered, KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                             ExpressionAttributeValues={":p": s("p"), ":a": n(1)})
    assert code == "ValidationException"
    # "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function:
    # begins_with, operand type: N"
    assert "begins_with" in message, message


def test_query_errors_for_indexes_start_keys_and_tables(ddb, numbered):
    code, message = error_of(ddb.query, TableName=numbered, IndexName="nope", KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": s("p")})
    assert (code, message) == ("ValidationException", "The table does not have the specified index: nope")
    code, message = error_of(ddb.query, TableName=numbered, KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": s("p")}, ExclusiveStartKey={"pk": s("p")})
    assert code == "ValidationException"
    assert message.startswith("The provided starting key is invalid"), message
    code, message = error_of(ddb.query, TableName=table_name("missing"), KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": s("p")})
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")


def test_legacy_key_conditions_and_scan_filter(ddb, numbered):
    answer = ddb.query(TableName=numbered, KeyConditions={
        "pk": {"AttributeValueList": [s("p")], "ComparisonOperator": "EQ"},
        "sk": {"AttributeValueList": [n(3), n(5)], "ComparisonOperator": "BETWEEN"}})
    assert sks(answer["Items"]) == [3, 4, 5]
    answer = ddb.query(TableName=numbered, KeyConditions={
        "pk": {"AttributeValueList": [s("q")], "ComparisonOperator": "EQ"},
        "sk": {"AttributeValueList": [n(2)], "ComparisonOperator": "GE"}})
    assert sks(answer["Items"]) == [2, 3]
    scanned = ddb.scan(TableName=numbered, ScanFilter={
        "even": {"AttributeValueList": [{"BOOL": True}], "ComparisonOperator": "EQ"}})
    assert sorted(sks(scanned["Items"])) == [2, 4, 6, 8, 10]
    assert scanned["ScannedCount"] == 13


# --- secondary indexes ---------------------------------------------------------------------------

@pytest.fixture
def catalog(ddb):
    name = create_table(ddb, gsis=[
        {"name": "byCat", "hash": ("cat", "S"), "range": ("price", "N"), "projection": "ALL"},
        {"name": "byCatKeys", "hash": ("cat", "S"), "range": ("price", "N"), "projection": "KEYS_ONLY"},
        {"name": "byCatInc", "hash": ("cat", "S"), "range": ("price", "N"), "projection": ["title"]},
    ])
    items = [
        {"pk": s("i1"), "cat": s("book"), "price": n(30), "title": s("B30"), "extra": s("x")},
        {"pk": s("i2"), "cat": s("book"), "price": n(10), "title": s("B10"), "extra": s("x")},
        {"pk": s("i3"), "cat": s("book"), "price": n(20), "title": s("B20"), "extra": s("x")},
        {"pk": s("i4"), "cat": s("book"), "price": n(20), "title": s("B20bis"), "extra": s("x")},
        {"pk": s("i5"), "cat": s("toy"), "price": n(5), "title": s("T5")},
        {"pk": s("i6"), "title": s("no category")},           # not in any index (sparse)
        {"pk": s("i7"), "cat": s("book"), "title": s("no price")},  # lacks the index range key
    ]
    batch_put(ddb, name, items)
    return name


def test_gsi_query_orders_by_the_index_sort_key_and_skips_items_without_its_keys(ddb, catalog):
    answer = ddb.query(TableName=catalog, IndexName="byCat", KeyConditionExpression="cat = :c",
                       ExpressionAttributeValues={":c": s("book")})
    assert [int(i["price"]["N"]) for i in answer["Items"]] == [10, 20, 20, 30]
    assert {i["pk"]["S"] for i in answer["Items"]} == {"i1", "i2", "i3", "i4"}  # equal index keys coexist
    assert answer["Items"][0] == {"pk": s("i2"), "cat": s("book"), "price": n(10), "title": s("B10"), "extra": s("x")}
    ranged = ddb.query(TableName=catalog, IndexName="byCat", KeyConditionExpression="cat = :c AND price > :p",
                       ExpressionAttributeValues={":c": s("book"), ":p": n(15)}, ScanIndexForward=False)
    assert [int(i["price"]["N"]) for i in ranged["Items"]] == [30, 20, 20]
    assert sorted(i["pk"]["S"] for i in ddb.scan(TableName=catalog, IndexName="byCat")["Items"]) == [
        "i1", "i2", "i3", "i4", "i5"]


def test_gsi_projections_decide_the_attributes_returned(ddb, catalog):
    def first(index, **kwargs):
        return ddb.query(TableName=catalog, IndexName=index, KeyConditionExpression="cat = :c",
                         ExpressionAttributeValues={":c": s("toy")}, **kwargs)["Items"][0]

    everything = {"pk": s("i5"), "cat": s("toy"), "price": n(5), "title": s("T5")}
    assert first("byCat") == everything
    assert first("byCatKeys") == {"pk": s("i5"), "cat": s("toy"), "price": n(5)}
    assert first("byCatInc") == everything  # title is its only non-key attribute
    assert first("byCatKeys", Select="ALL_PROJECTED_ATTRIBUTES") == {"pk": s("i5"), "cat": s("toy"), "price": n(5)}
    assert first("byCatInc", ProjectionExpression="title") == {"title": s("T5")}
    code, message = error_of(ddb.query, TableName=catalog, IndexName="byCatKeys", KeyConditionExpression="cat = :c",
                             ExpressionAttributeValues={":c": s("toy")}, Select="ALL_ATTRIBUTES")
    assert (code, message) == (
        "ValidationException",
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        "secondary index byCatKeys because its projection type is not ALL")


def test_gsi_refuses_consistent_reads_and_pages_with_index_and_table_keys(ddb, catalog):
    code, message = error_of(ddb.query, TableName=catalog, IndexName="byCat", KeyConditionExpression="cat = :c",
                             ExpressionAttributeValues={":c": s("book")}, ConsistentRead=True)
    assert (code, message) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
    params = {"TableName": catalog, "IndexName": "byCat", "KeyConditionExpression": "cat = :c",
              "ExpressionAttributeValues": {":c": s("book")}, "Limit": 2}
    page = ddb.query(**params)
    assert set(page["LastEvaluatedKey"]) == {"pk", "cat", "price"}
    assert page["LastEvaluatedKey"]["pk"] == page["Items"][-1]["pk"]
    assert sorted(i["pk"]["S"] for i in query_all(ddb, **params)) == ["i1", "i2", "i3", "i4"]
    code, _ = error_of(ddb.query, TableName=catalog, IndexName="byCat", KeyConditionExpression="pk = :p",
                       ExpressionAttributeValues={":p": s("i1")})
    assert code == "ValidationException"  # "Query condition missed key schema element: cat"


def test_gsi_follows_updates_and_deletes(ddb, catalog):
    ddb.update_item(TableName=catalog, Key={"pk": s("i5")}, UpdateExpression="SET cat = :c",
                    ExpressionAttributeValues={":c": s("book")})
    ddb.delete_item(TableName=catalog, Key={"pk": s("i1")})
    ddb.update_item(TableName=catalog, Key={"pk": s("i2")}, UpdateExpression="REMOVE price")
    answer = ddb.query(TableName=catalog, IndexName="byCatKeys", KeyConditionExpression="cat = :c",
                       ExpressionAttributeValues={":c": s("book")})
    assert [i["pk"]["S"] for i in answer["Items"]] == ["i5", "i3", "i4"] or \
        [i["pk"]["S"] for i in answer["Items"]] == ["i5", "i4", "i3"]
    assert ddb.query(TableName=catalog, IndexName="byCat", KeyConditionExpression="cat = :c",
                     ExpressionAttributeValues={":c": s("toy")})["Items"] == []


@pytest.fixture
def scored(ddb):
    name = create_table(ddb, range_key=("sk", "S"),
                        lsis=[{"name": "byScore", "range": ("score", "N"), "projection": "KEYS_ONLY"}])
    batch_put(ddb, name, [
        {"pk": s("u"), "sk": s("a"), "score": n(30), "note": s("oa")},
        {"pk": s("u"), "sk": s("b"), "score": n(10), "note": s("ob")},
        {"pk": s("u"), "sk": s("c"), "score": n(20), "note": s("oc")},
        {"pk": s("u"), "sk": s("d"), "note": s("od")},   # not in the LSI
        {"pk": s("v"), "sk": s("a"), "score": n(1)},
    ])
    return name


def test_lsi_query_orders_by_its_sort_key_and_allows_consistent_reads(ddb, scored):
    params = {"TableName": scored, "IndexName": "byScore", "KeyConditionExpression": "pk = :p",
              "ExpressionAttributeValues": {":p": s("u")}}
    answer = ddb.query(**params, ConsistentRead=True)
    assert [i["sk"]["S"] for i in answer["Items"]] == ["b", "c", "a"]
    # KEYS_ONLY: table keys and the index key, unless the table's attributes are asked for.
    assert answer["Items"][0] == {"pk": s("u"), "sk": s("b"), "score": n(10)}
    full = ddb.query(**params, Select="ALL_ATTRIBUTES")["Items"]
    assert full[0] == {"pk": s("u"), "sk": s("b"), "score": n(10), "note": s("ob")}
    assert ddb.query(**params, ProjectionExpression="note")["Items"] == [
        {"note": s("ob")}, {"note": s("oc")}, {"note": s("oa")}]
    ranged = ddb.query(**{**params, "KeyConditionExpression": "pk = :p AND score >= :m",
                          "ExpressionAttributeValues": {":p": s("u"), ":m": n(20)}}, Limit=1)
    assert [i["sk"]["S"] for i in ranged["Items"]] == ["c"]
    assert ranged["LastEvaluatedKey"] == {"pk": s("u"), "sk": s("c"), "score": n(20)}


# --- Scan ------------------------------------------------------------------------------------------

@pytest.fixture
def hundred(ddb):
    name = create_table(ddb, hash_key=("id", "N"))
    batch_put(ddb, name, [{"id": n(i), "group": s("odd" if i % 2 else "even"), "blob": s("x" * 10)}
                          for i in range(100)])
    return name


def test_scan_returns_every_item_once_across_pages(ddb, hundred):
    whole = ddb.scan(TableName=hundred)
    assert whole["Count"] == whole["ScannedCount"] == 100 and "LastEvaluatedKey" not in whole
    paged = scan_all(ddb, hundred, Limit=7)
    ids = [int(i["id"]["N"]) for i in paged]
    assert sorted(ids) == list(range(100)) and len(ids) == 100
    first = ddb.scan(TableName=hundred, Limit=7)
    assert first["Count"] == 7 and set(first["LastEvaluatedKey"]) == {"id"}
    paginated = [i for page in ddb.get_paginator("scan").paginate(TableName=hundred, PaginationConfig={"PageSize": 30})
                 for i in page["Items"]]
    assert len(paginated) == 100


def test_scan_filter_and_select_count(ddb, hundred):
    filtered = ddb.scan(TableName=hundred, FilterExpression="#g = :g AND id < :max",
                        ExpressionAttributeNames={"#g": "group"}, ExpressionAttributeValues={":g": s("odd"), ":max": n(20)})
    assert sorted(int(i["id"]["N"]) for i in filtered["Items"]) == list(range(1, 20, 2))
    assert (filtered["Count"], filtered["ScannedCount"]) == (10, 100)
    counted = ddb.scan(TableName=hundred, Select="COUNT", FilterExpression="#g = :g",
                       ExpressionAttributeNames={"#g": "group"}, ExpressionAttributeValues={":g": s("even")})
    assert "Items" not in counted and (counted["Count"], counted["ScannedCount"]) == (50, 100)
    limited = ddb.scan(TableName=hundred, Limit=10, FilterExpression="#g = :g",
                       ExpressionAttributeNames={"#g": "group"}, ExpressionAttributeValues={":g": s("even")})
    assert limited["ScannedCount"] == 10 and limited["Count"] <= 10 and "LastEvaluatedKey" in limited
    projected = ddb.scan(TableName=hundred, ProjectionExpression="id", Limit=3)["Items"]
    assert all(set(item) == {"id"} for item in projected)


def test_parallel_scan_segments_cover_every_item_exactly_once(ddb, hundred):
    for total in (1, 3, 4):
        seen = []
        for segment in range(total):
            seen += [int(i["id"]["N"]) for i in scan_all(ddb, hundred, Segment=segment, TotalSegments=total, Limit=9)]
        assert sorted(seen) == list(range(100)), f"TotalSegments={total}"
    counts = [ddb.scan(TableName=hundred, Segment=i, TotalSegments=4, Select="COUNT")["Count"] for i in range(4)]
    assert sum(counts) == 100


def test_invalid_segments_are_refused(ddb, hundred):
    code, message = error_of(ddb.scan, TableName=hundred, Segment=4, TotalSegments=4)
    assert (code, message) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4")
    code, message = error_of(ddb.scan, TableName=hundred, Segment=1)
    assert (code, message) == (
        "ValidationException",
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is present")
    code, message = error_of(ddb.scan, TableName=hundred, TotalSegments=2)
    assert (code, message) == (
        "ValidationException",
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is present")
    code, message = error_of(ddb.scan, TableName=table_name("missing"))
    assert code == "ResourceNotFoundException" and message.startswith("Requested resource not found")


# --- read capacity ----------------------------------------------------------------------------------

def test_query_and_scan_capacity_sum_item_sizes_before_rounding(ddb):
    name = create_table(ddb, range_key=("sk", "N"))
    # Each item is about 1 KB ("pk"+"c", "sk"+a small number, "d"+1000 bytes): ten are about 10 KB.
    batch_put(ddb, name, [{"pk": s("c"), "sk": n(i), "d": s("x" * 1000)} for i in range(10)])
    base = {"TableName": name, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": s("c")},
            "ReturnConsumedCapacity": "TOTAL"}
    strong = ddb.query(**base, ConsistentRead=True)["ConsumedCapacity"]
    assert (strong["TableName"], strong["CapacityUnits"]) == (name, 3.0)
    assert ddb.query(**base)["ConsumedCapacity"]["CapacityUnits"] == 1.5
    # Three items (about 3 KB) round up to a single 4 KB unit, not three.
    assert ddb.query(**base, ConsistentRead=True, Limit=3)["ConsumedCapacity"]["CapacityUnits"] == 1.0
    # A filter does not lower the cost: the items are read all the same.
    filtered = ddb.query(**base, ConsistentRead=True, FilterExpression="attribute_exists(nope)")
    assert filtered["Count"] == 0 and filtered["ConsumedCapacity"]["CapacityUnits"] == 3.0
    assert ddb.scan(TableName=name, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)[
        "ConsumedCapacity"]["CapacityUnits"] == 3.0
    assert ddb.scan(TableName=name, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 1.5
