"""DynamoDB's single-item operations through Debian's boto3: PutItem / GetItem / UpdateItem / DeleteItem,
attribute types and exact decimal numbers, key validation, the 400 KB item limit, condition expressions,
every ReturnValues, update expressions (arithmetic, if_not_exists, list_append, ADD / DELETE on sets,
nested paths), projections, the legacy parameters, and ReturnConsumedCapacity. The
ReturnValuesOnConditionCheckFailure cases go over raw JSON (botocore 1.29 predates the parameter)."""

from __future__ import annotations

import pytest

from dynamodb_helpers import create_table, ddb_client, error_of, n, raw, raw_error, s, table_name


@pytest.fixture
def ddb(nimbus):
    return ddb_client(nimbus.endpoint)


@pytest.fixture
def table(ddb):
    return create_table(ddb)


def get(ddb, name, key, **kwargs):
    return ddb.get_item(TableName=name, Key=key, **kwargs).get("Item")


# --- attribute types ------------------------------------------------------------------------------

def test_every_attribute_type_round_trips(ddb, table):
    item = {
        "pk": s("types"),
        "str": s("héllo ✓ 😀"),
        "empty": s(""),
        "num": n("42"),
        "bin": {"B": b"\x00\x01\xfe\xff"},
        "emptybin": {"B": b""},
        "yes": {"BOOL": True},
        "no": {"BOOL": False},
        "nothing": {"NULL": True},
        "list": {"L": [s("a"), n("1"), {"L": []}, {"M": {}}, {"NULL": True}]},
        "map": {"M": {"nested": {"M": {"deep": s("x"), "e": s("")}}, "n": n("-3.25")}},
        "ss": {"SS": ["b", "a", ""]},
        "ns": {"NS": ["1", "2.5", "-7"]},
        "bs": {"BS": [b"x", b"\x00"]},
    }
    ddb.put_item(TableName=table, Item=item)
    got = get(ddb, table, {"pk": s("types")})
    for set_attr, type_ in [("ss", "SS"), ("ns", "NS"), ("bs", "BS")]:
        assert sorted(got.pop(set_attr)[type_]) == sorted(item.pop(set_attr)[type_])
    assert got == item
    # A strongly consistent read answers the same item.
    assert "nothing" in get(ddb, table, {"pk": s("types")}, ConsistentRead=True)


def test_a_missing_item_answers_no_item(ddb, table):
    answer = ddb.get_item(TableName=table, Key={"pk": s("absent")})
    assert "Item" not in answer


NUMBERS = [
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("-12345678901234567890123456789012345678", "-12345678901234567890123456789012345678"),
    ("0.12345678901234567890123456789012345678", "0.12345678901234567890123456789012345678"),
    ("12345678901234567890123456789012345678000", "12345678901234567890123456789012345678000"),
    ("1.50", "1.5"),
    ("1.0", "1"),
    ("0010", "10"),
    ("100", "100"),
    ("-0.00010", "-0.0001"),
    ("0.0", "0"),
    ("3.14159265358979323846264338327950288", "3.14159265358979323846264338327950288"),
]


def test_numbers_are_exact_decimals_in_canonical_form(ddb, table):
    item = {"pk": s("numbers")}
    for i, (sent, _) in enumerate(NUMBERS):
        item[f"n{i}"] = n(sent)
    item["set"] = {"NS": ["1.50", "2.0", "0.5"]}
    ddb.put_item(TableName=table, Item=item)
    got = get(ddb, table, {"pk": s("numbers")})
    for i, (sent, expected) in enumerate(NUMBERS):
        assert got[f"n{i}"] == n(expected), f"{sent} came back as {got[f'n{i}']}"
    assert sorted(got["set"]["NS"], key=float) == ["0.5", "1.5", "2"]


def test_arithmetic_on_38_digit_numbers_is_exact(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("big"), "v": n("99999999999999999999999999999999999990")})
    answer = ddb.update_item(TableName=table, Key={"pk": s("big")}, UpdateExpression="SET v = v + :d",
                             ExpressionAttributeValues={":d": n("9")}, ReturnValues="UPDATED_NEW")
    assert answer["Attributes"] == {"v": n("99999999999999999999999999999999999999")}
    answer = ddb.update_item(TableName=table, Key={"pk": s("big")}, UpdateExpression="ADD f :d",
                             ExpressionAttributeValues={":d": n("0.1")}, ReturnValues="UPDATED_NEW")
    ddb.update_item(TableName=table, Key={"pk": s("big")}, UpdateExpression="ADD f :d",
                    ExpressionAttributeValues={":d": n("0.2")})
    assert get(ddb, table, {"pk": s("big")})["f"] == n("0.3")  # not 0.30000000000000004


@pytest.mark.parametrize("value,fragment", [
    ("123456789012345678901234567890123456789", "Attempting to store more than 38 significant digits in a Number"),
    ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("abc", "The parameter cannot be converted to a numeric value"),
], ids=["39-digits", "overflow", "underflow", "not-a-number"])
def test_unrepresentable_numbers_are_refused(ddb, table, value, fragment):
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("x"), "v": n(value)})
    assert code == "ValidationException"
    assert fragment in message, message
    assert get(ddb, table, {"pk": s("x")}) is None


def test_empty_and_duplicate_sets_are_refused(ddb, table):
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("x"), "v": {"SS": []}})
    assert code == "ValidationException"
    # DynamoDB's text is "... An string set  may not be empty" (sic); the stable part is checked.
    assert "may not be empty" in message, message
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("x"), "v": {"SS": ["a", "a"]}})
    assert code == "ValidationException"
    assert "contains duplicates" in message, message


def test_binary_and_number_keys(ddb):
    by_binary = create_table(ddb, hash_key=("id", "B"))
    ddb.put_item(TableName=by_binary, Item={"id": {"B": b"\x00\xffkey"}, "v": s("bin")})
    assert get(ddb, by_binary, {"id": {"B": b"\x00\xffkey"}})["v"] == s("bin")
    by_number = create_table(ddb, hash_key=("id", "N"))
    ddb.put_item(TableName=by_number, Item={"id": n("1.50"), "v": s("num")})
    # 1.5 and 1.50 are the same number, so the same key.
    assert get(ddb, by_number, {"id": n("1.5")}) == {"id": n("1.5"), "v": s("num")}


# --- key validation ---------------------------------------------------------------------------------

def test_wrong_missing_or_extra_key_elements_do_not_match_the_schema(ddb):
    name = create_table(ddb, range_key=("sk", "N"))
    expected = ("ValidationException", "The provided key element does not match the schema")
    assert error_of(ddb.get_item, TableName=name, Key={"pk": n("1"), "sk": n("1")}) == expected
    assert error_of(ddb.get_item, TableName=name, Key={"pk": s("a")}) == expected
    assert error_of(ddb.get_item, TableName=name, Key={"pk": s("a"), "sk": n("1"), "x": s("y")}) == expected
    assert error_of(ddb.delete_item, TableName=name, Key={"pk": s("a"), "sk": s("1")}) == expected
    assert error_of(ddb.update_item, TableName=name, Key={"sk": n("1")}, UpdateExpression="SET a = :a",
                    ExpressionAttributeValues={":a": s("b")}) == expected


def test_put_item_key_errors_name_the_key(ddb):
    name = create_table(ddb, range_key=("sk", "N"))
    assert error_of(ddb.put_item, TableName=name, Item={"pk": s("a"), "other": s("x")}) == (
        "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item")
    assert error_of(ddb.put_item, TableName=name, Item={"sk": n("1")}) == (
        "ValidationException", "One or more parameter values were invalid: Missing the key pk in the item")
    assert error_of(ddb.put_item, TableName=name, Item={"pk": n("5"), "sk": n("1")}) == (
        "ValidationException", "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N")
    # The text since empty strings became legal outside keys (2020); its opening words ("One or more parameter
    # values are not valid." / "... were invalid:") are quoted both ways, so the stable part is checked.
    for call, kwargs in [(ddb.put_item, {"Item": {"pk": s(""), "sk": n("1")}}),
                         (ddb.get_item, {"Key": {"pk": s(""), "sk": n("1")}}),
                         (ddb.delete_item, {"Key": {"pk": s(""), "sk": n("1")}})]:
        code, message = error_of(call, TableName=name, **kwargs)
        assert code == "ValidationException"
        assert "The AttributeValue for a key attribute cannot contain an empty string value. Key: pk" in message, message


def test_index_keys_must_have_the_declared_type(ddb):
    name = create_table(ddb, gsis=[{"name": "byG", "hash": ("g", "S")}])
    assert error_of(ddb.put_item, TableName=name, Item={"pk": s("a"), "g": n("1")}) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byG")
    code, message = error_of(ddb.put_item, TableName=name, Item={"pk": s("a"), "g": s("")})
    assert code == "ValidationException"
    assert "cannot contain an empty string value" in message and "byG" in message, message
    code, message = error_of(ddb.update_item, TableName=name, Key={"pk": s("a")}, UpdateExpression="SET g = :v",
                             ExpressionAttributeValues={":v": n("1")})
    assert code == "ValidationException"
    assert "Type mismatch for Index Key g Expected: S Actual: N IndexName: byG" in message, message
    # Without the index attribute, the item is simply not in the index.
    ddb.put_item(TableName=name, Item={"pk": s("a"), "other": n("1")})


def test_unknown_tables_are_resource_not_found_on_item_operations(ddb):
    missing = table_name("missing")
    for call, kwargs in [
        (ddb.put_item, {"Item": {"pk": s("a")}}),
        (ddb.get_item, {"Key": {"pk": s("a")}}),
        (ddb.delete_item, {"Key": {"pk": s("a")}}),
        (ddb.update_item, {"Key": {"pk": s("a")}, "UpdateExpression": "SET v = :v",
                           "ExpressionAttributeValues": {":v": s("x")}}),
    ]:
        code, message = error_of(call, TableName=missing, **kwargs)
        assert code == "ResourceNotFoundException"
        # "Requested resource not found", newer endpoints append ": Table: <name> not found".
        assert message.startswith("Requested resource not found"), message


# --- item size ---------------------------------------------------------------------------------------

def test_items_up_to_400_kb_are_stored_and_larger_ones_refused(ddb, table):
    # Size = attribute names + values in UTF-8: "pk" + "a" = 3 bytes, "d" = 1 byte + the string.
    limit = 400 * 1024
    ddb.put_item(TableName=table, Item={"pk": s("a"), "d": s("x" * (limit - 4))})
    assert len(get(ddb, table, {"pk": s("a")})["d"]["S"]) == limit - 4
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("b"), "d": s("x" * (limit - 3))})
    assert (code, message) == ("ValidationException", "Item size has exceeded the maximum allowed size")
    assert get(ddb, table, {"pk": s("b")}) is None
    # Multi-byte characters count as their UTF-8 bytes.
    code, _ = error_of(ddb.put_item, TableName=table, Item={"pk": s("c"), "d": s("é" * (limit // 2))})
    assert code == "ValidationException"


def test_an_update_that_would_grow_the_item_past_400_kb_is_refused(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("a"), "d": s("x" * (300 * 1024))})
    code, message = error_of(ddb.update_item, TableName=table, Key={"pk": s("a")}, UpdateExpression="SET e = :e",
                             ExpressionAttributeValues={":e": s("y" * (150 * 1024))})
    assert (code, message) == ("ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert "e" not in get(ddb, table, {"pk": s("a")})


# --- conditions -------------------------------------------------------------------------------------

def test_attribute_not_exists_makes_a_put_create_only(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n("1")}, ConditionExpression="attribute_not_exists(pk)")
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("a"), "v": n("2")},
                             ConditionExpression="attribute_not_exists(pk)")
    assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, table, {"pk": s("a")})["v"] == n("1")


CONDITIONS = [
    # (expression, names, values, holds on the stored item)
    ("attribute_exists(#s)", {"#s": "status"}, {}, True),
    ("attribute_not_exists(nope)", {}, {}, True),
    ("attribute_exists(nope)", {}, {}, False),
    ("#s = :v", {"#s": "status"}, {":v": s("open")}, True),
    ("#s <> :v", {"#s": "status"}, {":v": s("open")}, False),
    ("qty > :v", {}, {":v": n("4")}, True),
    ("qty >= :v", {}, {":v": n("5")}, True),
    ("qty < :v", {}, {":v": n("5")}, False),
    ("qty <= :v", {}, {":v": n("5.0")}, True),
    ("qty BETWEEN :a AND :b", {}, {":a": n("1"), ":b": n("5")}, True),
    ("qty IN (:a, :b)", {}, {":a": n("1"), ":b": n("2")}, False),
    ("qty = :v", {}, {":v": s("5")}, False),  # a string is never equal to a number
    ("begins_with(title, :p)", {}, {":p": s("Hel")}, True),
    ("contains(title, :p)", {}, {":p": s("lo W")}, True),
    ("contains(tags, :t)", {}, {":t": s("red")}, True),
    ("contains(tags, :t)", {}, {":t": s("green")}, False),
    ("contains(nums, :n)", {}, {":n": n("2")}, True),
    ("size(title) = :n", {}, {":n": n("11")}, True),
    ("size(tags) = :n", {}, {":n": n("2")}, True),
    ("size(info.arr) > :n", {}, {":n": n("2")}, True),
    ("attribute_type(qty, :t)", {}, {":t": s("N")}, True),
    ("attribute_type(qty, :t)", {}, {":t": s("S")}, False),
    ("info.arr[1] = :v", {}, {":v": n("20")}, True),
    ("info.#m.deep = :v", {"#m": "map"}, {":v": {"BOOL": True}}, True),
    ("NOT (qty = :a) AND (#s = :o OR qty = :b)", {"#s": "status"}, {":a": n("1"), ":o": s("x"), ":b": n("5")}, True),
    ("qty > :a AND qty < :a", {}, {":a": n("5")}, False),
    ("title > :v", {}, {":v": s("Hello")}, True),  # strings compare by UTF-8 bytes
]


@pytest.mark.parametrize("expression,names,values,holds", CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_condition_expression_operators_and_functions(ddb, table, expression, names, values, holds):
    item = {"pk": s("c"), "status": s("open"), "qty": n("5"), "title": s("Hello World"),
            "tags": {"SS": ["red", "blue"]}, "nums": {"NS": ["1", "2"]}, "nothing": {"NULL": True},
            "info": {"M": {"arr": {"L": [n("10"), n("20"), n("30")]}, "map": {"M": {"deep": {"BOOL": True}}}}}}
    ddb.put_item(TableName=table, Item=item)
    kwargs = {"ConditionExpression": expression}
    if names:
        kwargs["ExpressionAttributeNames"] = names
    if values:
        kwargs["ExpressionAttributeValues"] = values
    if holds:
        ddb.update_item(TableName=table, Key={"pk": s("c")}, UpdateExpression="SET marked = :true",
                        ExpressionAttributeValues={**values, ":true": {"BOOL": True}},
                        **{k: v for k, v in kwargs.items() if k != "ExpressionAttributeValues"})
        assert get(ddb, table, {"pk": s("c")})["marked"] == {"BOOL": True}
    else:
        code, message = error_of(ddb.delete_item, TableName=table, Key={"pk": s("c")}, **kwargs)
        assert (code, message) == ("ConditionalCheckFailedException", "The conditional request failed")
        assert get(ddb, table, {"pk": s("c")}) is not None


def test_condition_on_a_missing_item_sees_no_attributes(ddb, table):
    code, _ = error_of(ddb.update_item, TableName=table, Key={"pk": s("ghost")}, UpdateExpression="SET v = :v",
                       ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":v": n("1")})
    assert code == "ConditionalCheckFailedException"
    assert get(ddb, table, {"pk": s("ghost")}) is None
    ddb.delete_item(TableName=table, Key={"pk": s("ghost")}, ConditionExpression="attribute_not_exists(pk)")
    code, _ = error_of(ddb.delete_item, TableName=table, Key={"pk": s("ghost")}, ConditionExpression="v = :v",
                       ExpressionAttributeValues={":v": n("1")})
    assert code == "ConditionalCheckFailedException"


EXPRESSION_ERRORS = [
    ("unused-value", dict(ConditionExpression="attribute_exists(pk)",
                          ExpressionAttributeValues={":unused": s("x")}),
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
    ("unused-name", dict(ConditionExpression="attribute_exists(pk)", ExpressionAttributeNames={"#unused": "x"}),
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    ("undefined-value", dict(ConditionExpression="v = :missing"),
     "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
     "attribute value: :missing"),
    ("undefined-name", dict(ConditionExpression="attribute_exists(#missing)"),
     "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
     "attribute name: #missing"),
    ("reserved-word", dict(ConditionExpression="attribute_exists(name)"),
     "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    ("syntax-error", dict(ConditionExpression="v = = :v", ExpressionAttributeValues={":v": s("x")}),
     "Invalid ConditionExpression: Syntax error; token:"),
    ("empty-expression", dict(ConditionExpression=""),
     "Invalid ConditionExpression: The expression can not be empty;"),
    ("unknown-function", dict(ConditionExpression="no_such_fn(v)"),
     "Invalid ConditionExpression: Invalid function name; function: no_such_fn"),
    ("values-without-expression", dict(ExpressionAttributeValues={":v": s("x")}),
     "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
    ("names-without-expression", dict(ExpressionAttributeNames={"#n": "x"}),
     "ExpressionAttributeNames can only be specified when using expressions"),
]


@pytest.mark.parametrize("kwargs,fragment", [e[1:] for e in EXPRESSION_ERRORS], ids=[e[0] for e in EXPRESSION_ERRORS])
def test_malformed_expressions_are_refused_with_awss_texts(ddb, table, kwargs, fragment):
    code, message = error_of(ddb.put_item, TableName=table, Item={"pk": s("e")}, **kwargs)
    assert code == "ValidationException"
    assert message.startswith(fragment), message
    assert get(ddb, table, {"pk": s("e")}) is None


def test_return_values_on_condition_check_failure_carries_the_item(nimbus, ddb, table):
    """ReturnValuesOnConditionCheckFailure=ALL_OLD (post-dates botocore 1.29: raw JSON) puts the item that
    failed the condition in the error, on PutItem, UpdateItem and DeleteItem."""
    stored = {"pk": s("r"), "v": n("1"), "tags": {"SS": ["a"]}}
    ddb.put_item(TableName=table, Item=stored)
    requests = {
        "PutItem": {"Item": {"pk": s("r"), "v": n("2")}, "ConditionExpression": "attribute_not_exists(pk)"},
        "UpdateItem": {"Key": {"pk": s("r")}, "UpdateExpression": "SET v = :two", "ConditionExpression": "v = :zero",
                       "ExpressionAttributeValues": {":two": n("2"), ":zero": n("0")}},
        "DeleteItem": {"Key": {"pk": s("r")}, "ConditionExpression": "attribute_not_exists(v)"},
    }
    for operation, body in requests.items():
        response = raw(nimbus.endpoint, operation,
                       {"TableName": table, "ReturnValuesOnConditionCheckFailure": "ALL_OLD", **body})
        assert response.status_code == 400, (operation, response.text)
        assert raw_error(response) == ("ConditionalCheckFailedException", "The conditional request failed")
        assert response.json()["Item"] == {"pk": s("r"), "v": n("1"), "tags": {"SS": ["a"]}}, operation
        plain = raw(nimbus.endpoint, operation, {"TableName": table, **body})
        assert plain.status_code == 400
        assert "Item" not in plain.json(), operation
    assert get(ddb, table, {"pk": s("r")})["v"] == n("1")


# --- ReturnValues ------------------------------------------------------------------------------------

def test_put_and_delete_return_values(ddb, table):
    first = ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n("1")}, ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n("2")}, ReturnValues="ALL_OLD")
    assert second["Attributes"] == {"pk": s("a"), "v": n("1")}
    assert "Attributes" not in ddb.put_item(TableName=table, Item={"pk": s("a"), "v": n("3")}, ReturnValues="NONE")
    for bad in ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"]:
        # PutItem and DeleteItem know only NONE and ALL_OLD; DynamoDB's answer (also DynamoDB Local's) is
        # "Return values set to invalid value".
        assert error_of(ddb.put_item, TableName=table, Item={"pk": s("a")}, ReturnValues=bad) == (
            "ValidationException", "Return values set to invalid value")
        assert error_of(ddb.delete_item, TableName=table, Key={"pk": s("a")}, ReturnValues=bad) == (
            "ValidationException", "Return values set to invalid value")
    deleted = ddb.delete_item(TableName=table, Key={"pk": s("a")}, ReturnValues="ALL_OLD")
    assert deleted["Attributes"] == {"pk": s("a"), "v": n("3")}
    assert "Attributes" not in ddb.delete_item(TableName=table, Key={"pk": s("a")}, ReturnValues="ALL_OLD")


@pytest.mark.parametrize("return_values,expected", [
    ("NONE", None),
    ("ALL_OLD", {"pk": s("u"), "a": n("1"), "b": n("2"), "c": n("3"), "m": {"M": {"x": n("1"), "y": n("2")}}}),
    ("UPDATED_OLD", {"a": n("1"), "c": n("3"), "m": {"M": {"x": n("1")}}}),
    ("ALL_NEW", {"pk": s("u"), "a": n("10"), "b": n("2"), "d": n("4"), "m": {"M": {"x": n("9"), "y": n("2")}}}),
    ("UPDATED_NEW", {"a": n("10"), "d": n("4"), "m": {"M": {"x": n("9")}}}),
])
def test_update_item_return_values(ddb, table, return_values, expected):
    ddb.put_item(TableName=table, Item={"pk": s("u"), "a": n("1"), "b": n("2"), "c": n("3"),
                                        "m": {"M": {"x": n("1"), "y": n("2")}}})
    answer = ddb.update_item(TableName=table, Key={"pk": s("u")}, UpdateExpression="SET a = :a, d = :d, m.x = :x REMOVE c",
                             ExpressionAttributeValues={":a": n("10"), ":d": n("4"), ":x": n("9")},
                             ReturnValues=return_values)
    assert answer.get("Attributes") == expected


def test_update_item_creates_the_item_it_does_not_find(ddb, table):
    answer = ddb.update_item(TableName=table, Key={"pk": s("new")}, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": s("x")}, ReturnValues="ALL_NEW")
    assert answer["Attributes"] == {"pk": s("new"), "v": s("x")}
    assert get(ddb, table, {"pk": s("new")}) == {"pk": s("new"), "v": s("x")}
    answer = ddb.update_item(TableName=table, Key={"pk": s("other")}, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": s("y")}, ReturnValues="ALL_OLD")
    assert "Attributes" not in answer


# --- update expressions ------------------------------------------------------------------------------

def update(ddb, name, key, expression, values=None, names=None, **kwargs):
    params = {"TableName": name, "Key": key, "UpdateExpression": expression, "ReturnValues": "ALL_NEW", **kwargs}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(**params)["Attributes"]


def test_set_arithmetic_if_not_exists_and_list_append(ddb, table):
    key = {"pk": s("u")}
    ddb.put_item(TableName=table, Item={"pk": s("u"), "n": n("5"), "l": {"L": [n("1"), n("2")]}})
    assert update(ddb, table, key, "SET n = n + :one", {":one": n("1")})["n"] == n("6")
    assert update(ddb, table, key, "SET n = n - :two", {":two": n("2.5")})["n"] == n("3.5")
    assert update(ddb, table, key, "SET c = if_not_exists(c, :zero) + :one", {":zero": n("0"), ":one": n("1")})["c"] == n("1")
    assert update(ddb, table, key, "SET c = if_not_exists(c, :zero) + :one", {":zero": n("0"), ":one": n("1")})["c"] == n("2")
    assert update(ddb, table, key, "SET n = if_not_exists(n, :v)", {":v": n("100")})["n"] == n("3.5")
    assert update(ddb, table, key, "SET l = list_append(l, :more)", {":more": {"L": [n("3")]}})["l"] == {
        "L": [n("1"), n("2"), n("3")]}
    assert update(ddb, table, key, "SET l = list_append(:front, l)", {":front": {"L": [n("0")]}})["l"] == {
        "L": [n("0"), n("1"), n("2"), n("3")]}
    assert update(ddb, table, key, "SET fresh = list_append(if_not_exists(fresh, :empty), :v)",
                  {":empty": {"L": []}, ":v": {"L": [s("a")]}})["fresh"] == {"L": [s("a")]}
    # Several actions in one expression, with names.
    item = update(ddb, table, key, "SET #a = :a, #b = n REMOVE c, fresh", {":a": s("A")}, {"#a": "alpha", "#b": "beta"})
    assert item["alpha"] == s("A") and item["beta"] == n("3.5") and "c" not in item and "fresh" not in item


def test_add_and_delete_on_numbers_and_sets(ddb, table):
    key = {"pk": s("sets")}
    ddb.put_item(TableName=table, Item={"pk": s("sets"), "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}})
    assert update(ddb, table, key, "ADD cnt :five", {":five": n("5")})["cnt"] == n("5")
    assert update(ddb, table, key, "ADD cnt :m", {":m": n("-7")})["cnt"] == n("-2")
    item = update(ddb, table, key, "ADD ss :cd, ns :n", {":cd": {"SS": ["c", "d", "a"]}, ":n": {"NS": ["3"]}})
    assert sorted(item["ss"]["SS"]) == ["a", "b", "c", "d"]
    assert sorted(item["ns"]["NS"]) == ["1", "2", "3"]
    item = update(ddb, table, key, "ADD newset :v", {":v": {"SS": ["x"]}})
    assert item["newset"] == {"SS": ["x"]}
    item = update(ddb, table, key, "DELETE ss :ab", {":ab": {"SS": ["a", "b", "zz"]}})
    assert sorted(item["ss"]["SS"]) == ["c", "d"]
    # Deleting every element removes the attribute: DynamoDB has no empty sets.
    item = update(ddb, table, key, "DELETE ss :all", {":all": {"SS": ["c", "d"]}})
    assert "ss" not in item
    code, message = error_of(ddb.update_item, TableName=table, Key=key, UpdateExpression="ADD ns :v",
                             ExpressionAttributeValues={":v": {"SS": ["x"]}})
    assert (code, message) == ("ValidationException", "An operand in the update expression has an incorrect data type")


def test_nested_paths_list_indexes_and_remove(ddb, table):
    key = {"pk": s("nest")}
    ddb.put_item(TableName=table, Item={"pk": s("nest"), "a": {"M": {"b": {"L": [
        {"M": {"c": n("1")}}, {"M": {"c": n("2")}}]}}}, "l": {"L": [s("x"), s("y"), s("z")]}})
    item = update(ddb, table, key, "SET a.b[1].c = :v", {":v": n("20")})
    assert item["a"]["M"]["b"]["L"][1] == {"M": {"c": n("20")}}
    item = update(ddb, table, key, "SET a.b[0].d = :v", {":v": s("new")})
    assert item["a"]["M"]["b"]["L"][0] == {"M": {"c": n("1"), "d": s("new")}}
    item = update(ddb, table, key, "REMOVE l[0]")
    assert item["l"] == {"L": [s("y"), s("z")]}
    # Setting past the end of a list appends.
    item = update(ddb, table, key, "SET l[10] = :v", {":v": s("end")})
    assert item["l"] == {"L": [s("y"), s("z"), s("end")]}
    item = update(ddb, table, key, "SET #k.#dot = :v", {":v": n("1")}, {"#k": "a", "#dot": "with.dot"})
    assert item["a"]["M"]["with.dot"] == n("1")
    item = update(ddb, table, key, "REMOVE a.b[0], a.#dot", names={"#dot": "with.dot"})
    assert item["a"]["M"] == {"b": {"L": [{"M": {"c": n("20")}}]}}


UPDATE_ERRORS = [
    ("missing-parent", "SET nope.child = :v", {":v": n("1")}, None,
     "The document path provided in the update expression is invalid for update"),
    ("index-on-a-map", "SET m[0] = :v", {":v": n("1")}, None,
     "The document path provided in the update expression is invalid for update"),
    ("add-to-a-string", "ADD str :v", {":v": n("1")}, None,
     "An operand in the update expression has an incorrect data type"),
    ("arithmetic-on-a-string", "SET str = str + :v", {":v": n("1")}, None,
     "An operand in the update expression has an incorrect data type"),
    ("list-append-to-a-string", "SET str = list_append(str, :l)", {":l": {"L": [n("1")]}}, None,
     "An operand in the update expression has an incorrect data type"),
    ("missing-operand", "SET v = nothere + :v", {":v": n("1")}, None,
     "The provided expression refers to an attribute that does not exist in the item"),
    ("key-attribute", "SET pk = :v", {":v": s("other")}, None,
     "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
    ("overlapping-paths", "SET m = :v, m.x = :v", {":v": n("1")}, None,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [m], path two: [m, x]"),
    ("same-path-twice", "SET v = :v REMOVE v", {":v": n("1")}, None,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
     "paths; path one: [v], path two: [v]"),
    ("reserved-word", "SET name = :v", {":v": n("1")}, None,
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    ("syntax-error", "SET = :v", {":v": n("1")}, None, "Invalid UpdateExpression: Syntax error; token:"),
    ("section-twice", "SET a = :v SET b = :v", {":v": n("1")}, None,
     'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
    ("unused-value", "SET a = :v", {":v": n("1"), ":w": n("2")}, None,
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ("undefined-name", "SET #a = :v", {":v": n("1")}, None,
     "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
     "attribute name: #a"),
]


@pytest.mark.parametrize("expression,values,names,fragment", [e[1:] for e in UPDATE_ERRORS],
                         ids=[e[0] for e in UPDATE_ERRORS])
def test_invalid_updates_are_refused_and_change_nothing(ddb, table, expression, values, names, fragment):
    stored = {"pk": s("bad"), "str": s("text"), "m": {"M": {"x": n("1")}}}
    ddb.put_item(TableName=table, Item=stored)
    params = {"TableName": table, "Key": {"pk": s("bad")}, "UpdateExpression": expression,
              "ExpressionAttributeValues": values}
    if names:
        params["ExpressionAttributeNames"] = names
    code, message = error_of(ddb.update_item, **params)
    assert code == "ValidationException"
    assert message.startswith(fragment), message
    assert get(ddb, table, {"pk": s("bad")}) == stored


# --- projections and legacy parameters -----------------------------------------------------------------

def test_projection_expression_selects_top_level_and_nested_paths(ddb, table):
    ddb.put_item(TableName=table, Item={
        "pk": s("p"), "name": s("n"), "other": s("o"), "l": {"L": [n("1"), n("2"), n("3")]},
        "m": {"M": {"x": {"M": {"y": {"L": [{"M": {"c": n("1"), "d": n("2")}}, {"M": {"c": n("3")}}]}}}, "z": n("9")}}})
    got = get(ddb, table, {"pk": s("p")}, ProjectionExpression="#n, l[1], m.x.y[0].c, absent",
              ExpressionAttributeNames={"#n": "name"})
    assert got == {"name": s("n"), "l": {"L": [n("2")]}, "m": {"M": {"x": {"M": {"y": {"L": [{"M": {"c": n("1")}}]}}}}}}
    assert get(ddb, table, {"pk": s("p")}, ProjectionExpression="nothing_here") == {}
    code, message = error_of(ddb.get_item, TableName=table, Key={"pk": s("p")}, ProjectionExpression="m, m.z")
    assert code == "ValidationException"
    assert message.startswith("Invalid ProjectionExpression: Two document paths overlap with each other"), message
    code, message = error_of(ddb.get_item, TableName=table, Key={"pk": s("p")}, ProjectionExpression="name")
    assert (code, message) == ("ValidationException",
                               "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name")


def test_legacy_expected_attributes_to_get_and_attribute_updates(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("old"), "v": n("1"), "w": s("x")},
                 Expected={"pk": {"Exists": False}})
    code, _ = error_of(ddb.put_item, TableName=table, Item={"pk": s("old")}, Expected={"pk": {"Exists": False}})
    assert code == "ConditionalCheckFailedException"
    ddb.put_item(TableName=table, Item={"pk": s("old"), "v": n("2"), "w": s("x")},
                 Expected={"v": {"Value": n("1")}})
    code, _ = error_of(ddb.put_item, TableName=table, Item={"pk": s("old")},
                       Expected={"v": {"ComparisonOperator": "GT", "AttributeValueList": [n("5")]}})
    assert code == "ConditionalCheckFailedException"
    assert ddb.get_item(TableName=table, Key={"pk": s("old")}, AttributesToGet=["v"])["Item"] == {"v": n("2")}

    answer = ddb.update_item(TableName=table, Key={"pk": s("old")}, ReturnValues="ALL_NEW", AttributeUpdates={
        "v": {"Action": "ADD", "Value": n("3")},
        "tags": {"Action": "ADD", "Value": {"SS": ["t"]}},
        "w": {"Action": "DELETE"},
        "z": {"Action": "PUT", "Value": s("zz")},
    })
    assert answer["Attributes"] == {"pk": s("old"), "v": n("5"), "tags": {"SS": ["t"]}, "z": s("zz")}

    code, message = error_of(ddb.get_item, TableName=table, Key={"pk": s("old")}, AttributesToGet=["v"],
                             ProjectionExpression="v")
    assert (code, message) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")


# --- consumed capacity --------------------------------------------------------------------------------

def units(answer) -> float:
    return answer["ConsumedCapacity"]["CapacityUnits"]


def test_write_capacity_is_one_unit_per_started_kilobyte(ddb, table):
    # "pk" + "a" (3 bytes) + "d" (1 byte) + the string: exactly 1024 bytes, then 1025.
    answer = ddb.put_item(TableName=table, Item={"pk": s("a"), "d": s("x" * 1020)}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["TableName"] == table
    assert units(answer) == 1.0
    assert units(ddb.put_item(TableName=table, Item={"pk": s("b"), "d": s("x" * 1021)},
                              ReturnConsumedCapacity="TOTAL")) == 2.0
    assert units(ddb.put_item(TableName=table, Item={"pk": s("c"), "d": s("x" * 3000)},
                              ReturnConsumedCapacity="TOTAL")) == 3.0
    # Replacing an item costs the larger of the old and the new item.
    assert units(ddb.put_item(TableName=table, Item={"pk": s("c")}, ReturnConsumedCapacity="TOTAL")) == 3.0
    assert units(ddb.put_item(TableName=table, Item={"pk": s("c")}, ReturnConsumedCapacity="TOTAL")) == 1.0
    # Deleting an item costs its size; deleting nothing still costs one unit.
    assert units(ddb.delete_item(TableName=table, Key={"pk": s("b")}, ReturnConsumedCapacity="TOTAL")) == 2.0
    assert units(ddb.delete_item(TableName=table, Key={"pk": s("b")}, ReturnConsumedCapacity="TOTAL")) == 1.0
    # Updates cost the larger of the item before and after.
    assert units(ddb.update_item(TableName=table, Key={"pk": s("a")}, UpdateExpression="SET e = :e",
                                 ExpressionAttributeValues={":e": s("y" * 1500)}, ReturnConsumedCapacity="TOTAL")) == 3.0
    assert units(ddb.update_item(TableName=table, Key={"pk": s("a")}, UpdateExpression="REMOVE e, d",
                                 ReturnConsumedCapacity="TOTAL")) == 3.0
    assert "ConsumedCapacity" not in ddb.put_item(TableName=table, Item={"pk": s("a")})
    assert "ConsumedCapacity" not in ddb.put_item(TableName=table, Item={"pk": s("a")}, ReturnConsumedCapacity="NONE")


def test_read_capacity_is_one_unit_per_started_4_kb_and_half_for_eventual_reads(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": s("small"), "d": s("x")})
    ddb.put_item(TableName=table, Item={"pk": s("big"), "d": s("x" * 5000)})
    # 4096 bytes exactly is one unit: "pk" + "k1" (4 bytes) + "d" (1 byte) + 4091 bytes; one more byte is two.
    ddb.put_item(TableName=table, Item={"pk": s("k1"), "d": s("x" * 4091)})
    ddb.put_item(TableName=table, Item={"pk": s("k2"), "d": s("x" * 4092)})

    def read(key, consistent):
        return units(ddb.get_item(TableName=table, Key={"pk": s(key)}, ConsistentRead=consistent,
                                  ReturnConsumedCapacity="TOTAL"))

    assert (read("small", True), read("small", False)) == (1.0, 0.5)
    assert (read("big", True), read("big", False)) == (2.0, 1.0)
    assert (read("k1", True), read("k2", True)) == (1.0, 2.0)
    assert (read("k1", False), read("k2", False)) == (0.5, 1.0)
    # Reading an item that is not there still costs a read.
    assert (read("absent", True), read("absent", False)) == (1.0, 0.5)


def test_indexes_capacity_counts_the_table_and_each_index_write(ddb):
    name = create_table(ddb, gsis=[{"name": "byG", "hash": ("g", "S")}])
    answer = ddb.put_item(TableName=name, Item={"pk": s("a"), "g": s("one")}, ReturnConsumedCapacity="INDEXES")
    consumed = answer["ConsumedCapacity"]
    assert consumed["TableName"] == name
    assert consumed["CapacityUnits"] == 2.0
    assert consumed["Table"]["CapacityUnits"] == 1.0
    assert consumed["GlobalSecondaryIndexes"]["byG"]["CapacityUnits"] == 1.0
    # Changing the index key rewrites the index entry: a delete and a put.
    answer = ddb.update_item(TableName=name, Key={"pk": s("a")}, UpdateExpression="SET g = :g",
                             ExpressionAttributeValues={":g": s("two")}, ReturnConsumedCapacity="INDEXES")
    consumed = answer["ConsumedCapacity"]
    assert consumed["Table"]["CapacityUnits"] == 1.0
    assert consumed["GlobalSecondaryIndexes"]["byG"]["CapacityUnits"] == 2.0
    assert consumed["CapacityUnits"] == 3.0
    # TOTAL gives the sum without the breakdown.
    answer = ddb.put_item(TableName=name, Item={"pk": s("b"), "g": s("x")}, ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 2.0
    assert "Table" not in answer["ConsumedCapacity"] and "GlobalSecondaryIndexes" not in answer["ConsumedCapacity"]


def test_item_collection_metrics_are_answered_for_tables_with_local_indexes(ddb):
    with_lsi = create_table(ddb, range_key=("sk", "S"),
                            lsis=[{"name": "by-rank", "hash": ("pk", "S"), "range": ("rank", "N"), "projection": "ALL"}])
    answer = ddb.put_item(TableName=with_lsi, Item={"pk": s("c"), "sk": s("1"), "rank": n(3)},
                          ReturnItemCollectionMetrics="SIZE")
    assert answer["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": s("c")}, "SizeEstimateRangeGB": [0.0, 1.0]}
    answer = ddb.delete_item(TableName=with_lsi, Key={"pk": s("c"), "sk": s("1")}, ReturnItemCollectionMetrics="SIZE")
    assert answer["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": s("c")}
    # Without a local index there is no item collection to report.
    plain = create_table(ddb)
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=plain, Item={"pk": s("c")}, ReturnItemCollectionMetrics="SIZE")


def test_batch_and_transaction_writes_answer_collection_metrics_per_table(ddb):
    with_lsi = create_table(ddb, range_key=("sk", "S"),
                            lsis=[{"name": "by-rank", "hash": ("pk", "S"), "range": ("rank", "N"), "projection": "ALL"}])
    plain = create_table(ddb)
    answer = ddb.batch_write_item(RequestItems={
        with_lsi: [{"PutRequest": {"Item": {"pk": s("a"), "sk": s("1"), "rank": n(1)}}},
                   {"PutRequest": {"Item": {"pk": s("b"), "sk": s("1"), "rank": n(2)}}}],
        plain: [{"PutRequest": {"Item": {"pk": s("a")}}}]}, ReturnItemCollectionMetrics="SIZE")
    metrics = answer["ItemCollectionMetrics"]
    assert list(metrics) == [with_lsi], "only tables with local indexes have item collections"
    assert sorted(m["ItemCollectionKey"]["pk"]["S"] for m in metrics[with_lsi]) == ["a", "b"]
    assert all(m["SizeEstimateRangeGB"] == [0.0, 1.0] for m in metrics[with_lsi])
    answer = ddb.transact_write_items(TransactItems=[
        {"Delete": {"TableName": with_lsi, "Key": {"pk": s("a"), "sk": s("1")}}},
        {"Put": {"TableName": with_lsi, "Item": {"pk": s("c"), "sk": s("1"), "rank": n(3)}}},
        {"ConditionCheck": {"TableName": plain, "Key": {"pk": s("a")}, "ConditionExpression": "attribute_exists(pk)"}}],
        ReturnItemCollectionMetrics="SIZE")
    assert [m["ItemCollectionKey"] for m in answer["ItemCollectionMetrics"][with_lsi]] == [{"pk": s("a")}, {"pk": s("c")}]
    assert "ItemCollectionMetrics" not in ddb.batch_write_item(
        RequestItems={with_lsi: [{"PutRequest": {"Item": {"pk": s("d"), "sk": s("1")}}}]})
