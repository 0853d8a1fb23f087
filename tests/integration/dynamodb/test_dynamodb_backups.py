"""On-demand backups through Debian's boto3: a backup is a real copy taken at its moment, restored
into a new table with its indexes; AWS's errors for unknown backups and existing targets."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import make_client
from dynamodb_helpers import table_name


@pytest.fixture
def ddb(nimbus):
    return make_client(nimbus.endpoint, service="dynamodb")


def make_table(ddb) -> str:
    name = table_name("bk")
    ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    return name


def test_a_restored_table_has_the_items_of_the_backup_moment_and_its_indexes(ddb):
    source = make_table(ddb)
    for i in range(5):
        ddb.put_item(TableName=source, Item={"pk": {"S": f"k{i}"}, "g": {"S": "x"}, "n": {"N": str(i)}})
    details = ddb.create_backup(TableName=source, BackupName="nightly")["BackupDetails"]
    assert details["BackupStatus"] == "AVAILABLE" and details["BackupType"] == "USER"
    assert details["BackupArn"].startswith(f"arn:aws:dynamodb:us-east-1:000000000000:table/{source}/backup/")
    ddb.put_item(TableName=source, Item={"pk": {"S": "later"}, "g": {"S": "x"}})
    ddb.delete_item(TableName=source, Key={"pk": {"S": "k0"}})

    described = ddb.describe_backup(BackupArn=details["BackupArn"])["BackupDescription"]
    assert described["SourceTableDetails"]["TableName"] == source
    assert described["SourceTableDetails"]["ItemCount"] == 5
    assert described["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"][0]["IndexName"] == "by-g"
    assert [b["BackupArn"] for b in ddb.list_backups(TableName=source)["BackupSummaries"]] == [details["BackupArn"]]

    target = table_name("restored")
    restored = ddb.restore_table_from_backup(TargetTableName=target, BackupArn=details["BackupArn"])["TableDescription"]
    assert restored["TableName"] == target and restored["RestoreSummary"]["SourceBackupArn"] == details["BackupArn"]
    ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    items = sorted(i["pk"]["S"] for i in ddb.scan(TableName=target)["Items"])
    assert items == [f"k{i}" for i in range(5)]
    by_index = ddb.query(TableName=target, IndexName="by-g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "x"}})
    assert by_index["Count"] == 5
    table = ddb.describe_table(TableName=target)["Table"]
    assert table["ItemCount"] == 5 and table["RestoreSummary"]["RestoreInProgress"] is False
    # The source is untouched by the restore.
    assert ddb.scan(TableName=source, Select="COUNT")["Count"] == 5


def test_backup_errors_are_awss(ddb):
    source = make_table(ddb)
    missing = table_name("missing")
    with pytest.raises(ClientError) as error:
        ddb.create_backup(TableName=missing, BackupName="nope")
    assert error.value.response["Error"] == {"Code": "TableNotFoundException", "Message": f"Table not found: {missing}"}
    arn = ddb.create_backup(TableName=source, BackupName="once")["BackupDetails"]["BackupArn"]
    with pytest.raises(ClientError) as error:
        ddb.restore_table_from_backup(TargetTableName=source, BackupArn=arn)
    assert error.value.response["Error"]["Code"] == "TableAlreadyExistsException"
    assert ddb.delete_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "DELETED"
    for call in (lambda: ddb.describe_backup(BackupArn=arn), lambda: ddb.delete_backup(BackupArn=arn),
                 lambda: ddb.restore_table_from_backup(TargetTableName=table_name("t"), BackupArn=arn)):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"] == {"Code": "BackupNotFoundException", "Message": f"Backup not found: {arn}"}
