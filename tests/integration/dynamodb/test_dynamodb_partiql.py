"""PartiQL through Debian's boto3: ExecuteStatement (SELECT as GetItem/Query/Scan with paging,
INSERT, UPDATE, DELETE), BatchExecuteStatement with per-statement errors, ExecuteTransaction all
or nothing; AWS's errors for malformed statements, duplicate keys and missing key equalities."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import make_client
from dynamodb_helpers import table_name


@pytest.fixture
def ddb(nimbus):
    return make_client(nimbus.endpoint, service="dynamodb")


@pytest.fixture
def orders(ddb):
    name = table_name("pq")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "order", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "order", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST")
    return name


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def test_insert_select_update_delete_round_trip(ddb, orders):
    for n in range(1, 6):
        ddb.execute_statement(Statement=f'INSERT INTO "{orders}" VALUE {{\'customer\': ?, \'order\': ?, \'total\': ?}}',
                              Parameters=[{"S": "ann"}, {"N": str(n)}, {"N": str(n * 10)}])
    items = ddb.execute_statement(Statement=f'SELECT * FROM "{orders}" WHERE customer = ? AND "order" >= 3',
                                  Parameters=[{"S": "ann"}])["Items"]
    assert [i["order"]["N"] for i in items] == ["3", "4", "5"]
    filtered = ddb.execute_statement(Statement=f'SELECT "order", total FROM "{orders}" WHERE customer = \'ann\' AND total > 25')
    assert filtered["Items"] == [{"order": {"N": "3"}, "total": {"N": "30"}}, {"order": {"N": "4"}, "total": {"N": "40"}},
                                 {"order": {"N": "5"}, "total": {"N": "50"}}]
    ddb.execute_statement(Statement=f'UPDATE "{orders}" SET total = total + 1 SET note = \'rush\' '
                                    f'WHERE customer = \'ann\' AND "order" = 2')
    item = ddb.get_item(TableName=orders, Key={"customer": {"S": "ann"}, "order": {"N": "2"}})["Item"]
    assert item["total"] == {"N": "21"} and item["note"] == {"S": "rush"}
    ddb.execute_statement(Statement=f'DELETE FROM "{orders}" WHERE customer = \'ann\' AND "order" = 1')
    everything = ddb.execute_statement(Statement=f'SELECT * FROM "{orders}"')["Items"]
    assert sorted(int(i["order"]["N"]) for i in everything) == [2, 3, 4, 5]


def test_select_pages_with_limit_and_next_token(ddb, orders):
    for n in range(7):
        ddb.put_item(TableName=orders, Item={"customer": {"S": "bo"}, "order": {"N": str(n)}})
    seen, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = ddb.execute_statement(Statement=f'SELECT * FROM "{orders}" WHERE customer = \'bo\'', Limit=3, **kwargs)
        seen += [int(i["order"]["N"]) for i in page["Items"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == list(range(7))


def test_write_errors_are_awss(ddb, orders):
    statement = f'INSERT INTO "{orders}" VALUE {{\'customer\': \'cy\', \'order\': 1}}'
    ddb.execute_statement(Statement=statement)
    assert error_of(ddb.execute_statement, Statement=statement) == (
        "DuplicateItemException", "Duplicate primary key exists in table")
    code, message = error_of(ddb.execute_statement, Statement=f'UPDATE "{orders}" SET x = 1 WHERE customer = \'cy\'')
    assert (code, message) == ("ValidationException",
                               "Where clause does not contain a mandatory equality on all key attributes")
    code, _ = error_of(ddb.execute_statement,
                       Statement=f'UPDATE "{orders}" SET x = 1 WHERE customer = \'nobody\' AND "order" = 1')
    assert code == "ConditionalCheckFailedException"
    code, message = error_of(ddb.execute_statement, Statement="SELEKT * FROM nowhere")
    assert code == "ValidationException" and message.startswith("Statement wasn't well formed, can't be processed")
    assert error_of(ddb.execute_statement, Statement=f'SELECT * FROM "{orders}" WHERE customer = ?') == (
        "ValidationException", "Number of parameters in request and statement don't match.")
    code, _ = error_of(ddb.execute_statement, Statement=f'SELECT * FROM "{table_name("missing")}"')
    assert code == "ResourceNotFoundException"


def test_batch_statements_answer_each_one(ddb, orders):
    ddb.put_item(TableName=orders, Item={"customer": {"S": "di"}, "order": {"N": "1"}, "v": {"S": "one"}})
    responses = ddb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT * FROM "{orders}" WHERE customer = \'di\' AND "order" = 1'},
        {"Statement": f'INSERT INTO "{orders}" VALUE {{\'customer\': \'di\', \'order\': 1}}'},
        {"Statement": f'INSERT INTO "{orders}" VALUE {{\'customer\': \'di\', \'order\': 2}}'},
        {"Statement": f'SELECT * FROM "{orders}" WHERE customer = \'di\' AND "order" = 9'},
    ])["Responses"]
    assert responses[0]["Item"]["v"] == {"S": "one"} and responses[0]["TableName"] == orders
    assert responses[1]["Error"]["Code"] == "DuplicateItem"
    assert "Error" not in responses[2]
    assert "Item" not in responses[3] and "Error" not in responses[3]
    assert ddb.get_item(TableName=orders, Key={"customer": {"S": "di"}, "order": {"N": "2"}}).get("Item")


def test_transactions_are_all_or_nothing(ddb, orders):
    ddb.put_item(TableName=orders, Item={"customer": {"S": "ed"}, "order": {"N": "1"}})
    with pytest.raises(ClientError) as raised:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": f'INSERT INTO "{orders}" VALUE {{\'customer\': \'ed\', \'order\': 2}}'},
            {"Statement": f'INSERT INTO "{orders}" VALUE {{\'customer\': \'ed\', \'order\': 1}}'},
        ])
    error = raised.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in error["CancellationReasons"]] == ["None", "DuplicateItem"]
    assert "Item" not in ddb.get_item(TableName=orders, Key={"customer": {"S": "ed"}, "order": {"N": "2"}})
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f'INSERT INTO "{orders}" VALUE {{\'customer\': \'ed\', \'order\': 2}}'},
        {"Statement": f'UPDATE "{orders}" SET seen = true WHERE customer = \'ed\' AND "order" = 1'},
    ])
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": f'SELECT * FROM "{orders}" WHERE customer = \'ed\' AND "order" = 1'},
        {"Statement": f'SELECT * FROM "{orders}" WHERE customer = \'ed\' AND "order" = 2'},
    ])["Responses"]
    assert read[0]["Item"]["seen"] == {"BOOL": True} and read[1]["Item"]["order"] == {"N": "2"}
