"""Debian's AWS CLI v2 (`/usr/bin/aws dynamodb ...`) against nimbus: tables, waiters, items, queries and
scans with the CLI's own pagination, batches, transactions, tags, and the exit code 254 with the
service's error on stderr. Each CLI start costs about a second, so the calls are few and each checks much."""

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


def key(pk, sk):
    return json.dumps({"pk": {"S": pk}, "sk": {"N": str(sk)}})


def test_cli_table_lifecycle_with_waiters_and_tags(aws_cli):
    name = table_name("cli")
    created = create(aws_cli, name, "--tags", "Key=team,Value=cli")["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    arn = created["TableArn"]
    assert arn == f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}"
    table = aws_cli("dynamodb", "describe-table", "--table-name", name).json["Table"]
    assert table["TableStatus"] == "ACTIVE" and table["KeySchema"][1] == {"AttributeName": "sk", "KeyType": "RANGE"}
    assert aws_cli("dynamodb", "list-tags-of-resource", "--resource-arn", arn).json["Tags"] == [
        {"Key": "team", "Value": "cli"}]
    deleted = aws_cli("dynamodb", "delete-table", "--table-name", name).json["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    aws_cli("dynamodb", "wait", "table-not-exists", "--table-name", name)
    missing = aws_cli("dynamodb", "describe-table", "--table-name", name, check=False)
    assert missing.returncode == 254
    assert "(ResourceNotFoundException)" in missing.stderr
    assert f"Requested resource not found: Table: {name} not found" in missing.stderr


def test_cli_items_queries_scans_batches_and_transactions(aws_cli):
    name = table_name("cli")
    create(aws_cli, name)
    aws_cli("dynamodb", "put-item", "--table-name", name, "--item",
            json.dumps({"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "v1"}, "price": {"N": "1.50"}}))
    written = aws_cli("dynamodb", "batch-write-item", "--request-items", json.dumps({name: [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": f"v{i}"}}}} for i in range(2, 8)]})).json
    assert written["UnprocessedItems"] == {}
    got = aws_cli("dynamodb", "get-item", "--table-name", name, "--consistent-read", "--key", key("p", 1)).json
    assert got["Item"] == {"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "v1"}, "price": {"N": "1.5"}}

    queried = aws_cli("dynamodb", "query", "--table-name", name,
                      "--key-condition-expression", "pk = :p AND sk BETWEEN :a AND :b",
                      "--expression-attribute-values", json.dumps({":p": {"S": "p"}, ":a": {"N": "2"}, ":b": {"N": "4"}}),
                      "--no-scan-index-forward").json
    assert [i["sk"]["N"] for i in queried["Items"]] == ["4", "3", "2"] and queried["Count"] == 3

    # The CLI follows LastEvaluatedKey itself: pages of 2, one merged answer with summed counts.
    scanned = aws_cli("dynamodb", "scan", "--table-name", name, "--page-size", "2").json
    assert scanned["Count"] == 7 and len(scanned["Items"]) == 7
    assert {i["sk"]["N"] for i in scanned["Items"]} == {str(i) for i in range(1, 8)}

    updated = aws_cli("dynamodb", "update-item", "--table-name", name, "--key", key("p", 1),
                      "--update-expression", "SET #v = :v ADD hits :one", "--expression-attribute-names", '{"#v": "v"}',
                      "--expression-attribute-values", '{":v": {"S": "changed"}, ":one": {"N": "1"}}',
                      "--return-values", "UPDATED_NEW").json
    assert updated["Attributes"] == {"v": {"S": "changed"}, "hits": {"N": "1"}}
    failed = aws_cli("dynamodb", "delete-item", "--table-name", name, "--key", key("p", 1),
                     "--condition-expression", "attribute_not_exists(v)", check=False)
    assert failed.returncode == 254
    assert "(ConditionalCheckFailedException)" in failed.stderr and "The conditional request failed" in failed.stderr

    cancelled = aws_cli("dynamodb", "transact-write-items", "--transact-items", json.dumps([
        {"Put": {"TableName": name, "Item": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ]), check=False)
    assert cancelled.returncode == 254
    assert "(TransactionCanceledException)" in cancelled.stderr
    assert "[None, ConditionalCheckFailed]" in cancelled.stderr
    fetched = aws_cli("dynamodb", "transact-get-items", "--transact-items", json.dumps([
        {"Get": {"TableName": name, "Key": {"pk": {"S": "p"}, "sk": {"N": "1"}}}},
        {"Get": {"TableName": name, "Key": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
    ])).json
    assert fetched["Responses"][0]["Item"]["hits"] == {"N": "1"}
    assert "Item" not in fetched["Responses"][1]


def test_cli_reports_validation_errors_and_unknown_tables(aws_cli):
    result = aws_cli("dynamodb", "get-item", "--table-name", table_name("missing"), "--key", '{"pk": {"S": "x"}}',
                     check=False)
    assert result.returncode == 254
    assert "(ResourceNotFoundException)" in result.stderr and "Requested resource not found" in result.stderr
