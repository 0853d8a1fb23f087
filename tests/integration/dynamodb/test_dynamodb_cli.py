"""Debian's AWS CLI v2 (`/usr/bin/aws dynamodb ...`) against nimbus: tables, waiters, items, queries and
scans with the CLI's own pagination, batches, transactions, TTL, tags, and the exit code 254 with the
service's error on stderr."""

from __future__ import annotations

import json

import pytest

from dynamodb_helpers import table_name

pytestmark = pytest.mark.slow


def create(aws_cli, name, *extra):
    answer = aws_cli("dynamodb", "create-table", "--table-name", name,
                     "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
                     "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
                     "--billing-mode", "PAY_PER_REQUEST", *extra).json
    aws_cli("dynamodb", "wait", "table-exists", "--table-name", name)
    return answer


def test_cli_table_lifecycle(aws_cli):
    name = table_name("cli")
    created = create(aws_cli, name, "--tags", "Key=team,Value=cli")["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    arn = created["TableArn"]
    assert arn == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    table = aws_cli("dynamodb", "describe-table", "--table-name", name).json["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["KeySchema"][1] == {"AttributeName": "sk", "KeyType": "RANGE"}
    assert name in aws_cli("dynamodb", "list-tables").json["TableNames"]

    assert aws_cli("dynamodb", "list-tags-of-resource", "--resource-arn", arn).json["Tags"] == [
        {"Key": "team", "Value": "cli"}]
    aws_cli("dynamodb", "tag-resource", "--resource-arn", arn, "--tags", "Key=env,Value=test")
    aws_cli("dynamodb", "untag-resource", "--resource-arn", arn, "--tag-keys", "team")
    assert aws_cli("dynamodb", "list-tags-of-resource", "--resource-arn", arn).json["Tags"] == [
        {"Key": "env", "Value": "test"}]

    ttl = aws_cli("dynamodb", "update-time-to-live", "--table-name", name,
                  "--time-to-live-specification", "Enabled=true,AttributeName=expires").json
    assert ttl["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    described = aws_cli("dynamodb", "describe-time-to-live", "--table-name", name).json["TimeToLiveDescription"]
    assert described["AttributeName"] == "expires"

    limits = aws_cli("dynamodb", "describe-limits").json
    assert limits["TableMaxReadCapacityUnits"] == 40000

    deleted = aws_cli("dynamodb", "delete-table", "--table-name", name).json["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    aws_cli("dynamodb", "wait", "table-not-exists", "--table-name", name)
    missing = aws_cli("dynamodb", "describe-table", "--table-name", name, check=False)
    assert missing.returncode == 254
    assert "ResourceNotFoundException" in missing.stderr
    assert f"Requested resource not found: Table: {name} not found" in missing.stderr


def test_cli_items_queries_and_paginated_scans(aws_cli):
    name = table_name("cli")
    create(aws_cli, name)
    for i in range(1, 8):
        aws_cli("dynamodb", "put-item", "--table-name", name, "--item",
                json.dumps({"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": f"v{i}"}, "big": {"N": "1.50"}}))
    got = aws_cli("dynamodb", "get-item", "--table-name", name, "--consistent-read",
                  "--key", json.dumps({"pk": {"S": "p"}, "sk": {"N": "3"}})).json
    assert got["Item"] == {"pk": {"S": "p"}, "sk": {"N": "3"}, "v": {"S": "v3"}, "big": {"N": "1.5"}}
    assert aws_cli("dynamodb", "get-item", "--table-name", name,
                   "--key", json.dumps({"pk": {"S": "p"}, "sk": {"N": "99"}})).json in (None, {})

    queried = aws_cli("dynamodb", "query", "--table-name", name,
                      "--key-condition-expression", "pk = :p AND sk BETWEEN :a AND :b",
                      "--expression-attribute-values", json.dumps({":p": {"S": "p"}, ":a": {"N": "2"}, ":b": {"N": "4"}}),
                      "--no-scan-index-forward").json
    assert [i["sk"]["N"] for i in queried["Items"]] == ["4", "3", "2"] and queried["Count"] == 3

    # The CLI follows LastEvaluatedKey itself: small pages, one merged answer.
    scanned = aws_cli("dynamodb", "scan", "--table-name", name, "--page-size", "2").json
    assert scanned["Count"] == 7 and len(scanned["Items"]) == 7
    first = aws_cli("dynamodb", "scan", "--table-name", name, "--max-items", "3").json
    assert len(first["Items"]) == 3 and first["NextToken"]
    rest = aws_cli("dynamodb", "scan", "--table-name", name, "--starting-token", first["NextToken"]).json
    assert len(rest["Items"]) == 4
    assert {i["sk"]["N"] for i in first["Items"] + rest["Items"]} == {str(i) for i in range(1, 8)}
    filtered = aws_cli("dynamodb", "scan", "--table-name", name, "--filter-expression", "sk > :n",
                       "--expression-attribute-values", '{":n": {"N": "5"}}', "--select", "COUNT").json
    assert filtered["Count"] == 2 and filtered["ScannedCount"] == 7

    updated = aws_cli("dynamodb", "update-item", "--table-name", name,
                      "--key", json.dumps({"pk": {"S": "p"}, "sk": {"N": "1"}}),
                      "--update-expression", "SET #v = :v ADD hits :one",
                      "--expression-attribute-names", '{"#v": "v"}',
                      "--expression-attribute-values", '{":v": {"S": "changed"}, ":one": {"N": "1"}}',
                      "--return-values", "UPDATED_NEW").json
    assert updated["Attributes"] == {"v": {"S": "changed"}, "hits": {"N": "1"}}

    failed = aws_cli("dynamodb", "delete-item", "--table-name", name,
                     "--key", json.dumps({"pk": {"S": "p"}, "sk": {"N": "1"}}),
                     "--condition-expression", "attribute_not_exists(v)", check=False)
    assert failed.returncode == 254
    assert "ConditionalCheckFailedException" in failed.stderr and "The conditional request failed" in failed.stderr
    aws_cli("dynamodb", "delete-item", "--table-name", name, "--key", json.dumps({"pk": {"S": "p"}, "sk": {"N": "1"}}))
    bad_key = aws_cli("dynamodb", "get-item", "--table-name", name, "--key", '{"pk": {"S": "p"}}', check=False)
    assert bad_key.returncode == 254
    assert "ValidationException" in bad_key.stderr
    assert "The provided key element does not match the schema" in bad_key.stderr


def test_cli_batches_and_transactions(aws_cli):
    name = table_name("cli")
    create(aws_cli, name)
    requests = {name: [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": str(i)}}}} for i in range(5)]}
    written = aws_cli("dynamodb", "batch-write-item", "--request-items", json.dumps(requests)).json
    assert written["UnprocessedItems"] == {}
    got = aws_cli("dynamodb", "batch-get-item", "--request-items", json.dumps(
        {name: {"Keys": [{"pk": {"S": "b"}, "sk": {"N": str(i)}} for i in (0, 4)]}})).json
    assert sorted(i["sk"]["N"] for i in got["Responses"][name]) == ["0", "4"]

    aws_cli("dynamodb", "transact-write-items", "--transact-items", json.dumps([
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}}}},
        {"Delete": {"TableName": name, "Key": {"pk": {"S": "b"}, "sk": {"N": "0"}}}},
    ]))
    cancelled = aws_cli("dynamodb", "transact-write-items", "--transact-items", json.dumps([
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ]), check=False)
    assert cancelled.returncode == 254
    assert "TransactionCanceledException" in cancelled.stderr
    assert "[None, ConditionalCheckFailed]" in cancelled.stderr
    fetched = aws_cli("dynamodb", "transact-get-items", "--transact-items", json.dumps([
        {"Get": {"TableName": name, "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}}}},
        {"Get": {"TableName": name, "Key": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
    ])).json
    assert fetched["Responses"][0]["Item"]["pk"] == {"S": "t"}
    assert "Item" not in fetched["Responses"][1]
    count = aws_cli("dynamodb", "scan", "--table-name", name, "--select", "COUNT").json["Count"]
    assert count == 5


def test_cli_reports_unknown_tables(aws_cli):
    result = aws_cli("dynamodb", "get-item", "--table-name", table_name("missing"), "--key", '{"pk": {"S": "x"}}',
                     check=False)
    assert result.returncode == 254
    assert "(ResourceNotFoundException)" in result.stderr and "Requested resource not found" in result.stderr
