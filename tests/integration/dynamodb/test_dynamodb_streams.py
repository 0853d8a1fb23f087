"""DynamoDB Streams and TTL through Debian's boto3: a record per item change in the change's own
batch, every view type, the four iterator types, closed shards, TTL deletions on nimbus's clock
recorded as the service's, and records surviving kill -9."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client
from dynamodb_helpers import table_name


def clients(server):
    return make_client(server.endpoint, service="dynamodb"), make_client(server.endpoint, service="dynamodbstreams")


def stream_table(ddb, view_type: str, name: str | None = None) -> tuple[str, str]:
    name = name or table_name("st")
    answer = ddb.create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return name, answer["TableDescription"]["LatestStreamArn"]


def shard_of(streams, arn: str) -> str:
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def read_all(streams, arn: str, iterator_type: str = "TRIM_HORIZON", **kwargs) -> tuple[list, dict]:
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_of(streams, arn),
                                          ShardIteratorType=iterator_type, **kwargs)["ShardIterator"]
    answer = streams.get_records(ShardIterator=iterator)
    return answer["Records"], answer


def test_every_change_gets_a_record_in_order_with_both_images(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "NEW_AND_OLD_IMAGES")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    ddb.update_item(TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET v = :two",
                    ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    records, _ = read_all(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert "OldImage" not in insert and insert["NewImage"] == {"pk": {"S": "a"}, "v": {"N": "1"}}
    assert modify["OldImage"]["v"] == {"N": "1"} and modify["NewImage"]["v"] == {"N": "2"}
    assert remove["OldImage"]["v"] == {"N": "2"} and "NewImage" not in remove
    assert all(r["dynamodb"]["Keys"] == {"pk": {"S": "a"}} for r in records)
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence) and len(set(sequence)) == 3
    for r in records:
        assert r["eventSource"] == "aws:dynamodb" and r["eventVersion"] == "1.1" and r["awsRegion"] == "us-east-1"
        assert r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES" and r["dynamodb"]["SizeBytes"] > 0
        assert "userIdentity" not in r


def test_keys_only_view_has_no_images_and_an_unchanged_put_has_no_record(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "KEYS_ONLY")
    item = {"pk": {"S": "k"}, "v": {"S": "same"}}
    ddb.put_item(TableName=name, Item=item)
    ddb.put_item(TableName=name, Item=item)  # nothing changed: no record, as on AWS
    records, _ = read_all(streams, arn)
    assert len(records) == 1
    assert set(records[0]["dynamodb"]) >= {"Keys", "SequenceNumber"} and "NewImage" not in records[0]["dynamodb"]


def test_latest_and_sequence_number_iterators(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "NEW_IMAGE")
    for key in ("a", "b", "c"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}})
    records, _ = read_all(streams, arn)
    second = records[1]["dynamodb"]["SequenceNumber"]
    at, _ = read_all(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    after, _ = read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in at] == ["b", "c"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in after] == ["c"]
    latest, answer = read_all(streams, arn, "LATEST")
    assert latest == []
    ddb.put_item(TableName=name, Item={"pk": {"S": "d"}})
    following = streams.get_records(ShardIterator=answer["NextShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in following] == ["d"]


def test_limit_pages_through_the_shard(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "KEYS_ONLY")
    for i in range(7):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}})
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_of(streams, arn),
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    seen = []
    for _ in range(4):
        answer = streams.get_records(ShardIterator=iterator, Limit=3)
        seen += [r["dynamodb"]["Keys"]["pk"]["S"] for r in answer["Records"]]
        iterator = answer["NextShardIterator"]
    assert seen == [f"k{i}" for i in range(7)]


def test_disabling_the_stream_closes_its_shard(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}})  # no stream any more: no record
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in description["Shards"][0]["SequenceNumberRange"]
    records, answer = read_all(streams, arn)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["a"]
    assert "NextShardIterator" not in answer
    listed = streams.list_streams(TableName=name)["Streams"]
    assert [s["StreamArn"] for s in listed] == [arn]


def test_unknown_stream_and_shard_are_resource_not_found(nimbus):
    ddb, streams = clients(nimbus)
    name, arn = stream_table(ddb, "KEYS_ONLY")
    with pytest.raises(ClientError) as error:
        streams.describe_stream(StreamArn=arn.replace(name, name + "-nope"))
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        streams.get_shard_iterator(StreamArn=arn, ShardId="shardId-00000000000000000000-00000000",
                                   ShardIteratorType="TRIM_HORIZON")
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_ttl_deletes_expired_items_on_the_clock_with_a_service_record(server_factory):
    server = server_factory()  # its own clock: moving it must not move the shared server's
    ddb, streams = clients(server)
    name, arn = stream_table(ddb, "OLD_IMAGE")
    now = int(time.time())
    ddb.put_item(TableName=name, Item={"pk": {"S": "soon"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"}, "expires": {"N": str(now + 30 * 86400)}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "never"}, "expires": {"S": "not a number"}})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    server.advance_clock(2 * 3600)
    deadline = time.time() + 10
    while time.time() < deadline:
        keys = sorted(i["pk"]["S"] for i in ddb.scan(TableName=name)["Items"])
        if keys == ["later", "never"]:
            break
        time.sleep(0.2)
    assert keys == ["later", "never"]
    records, _ = read_all(streams, arn)
    removal = [r for r in records if r["eventName"] == "REMOVE"]
    assert len(removal) == 1
    assert removal[0]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert removal[0]["dynamodb"]["OldImage"]["pk"] == {"S": "soon"}


def test_items_indexes_and_stream_records_survive_kill_9(server_factory):
    server = server_factory()
    ddb, streams = clients(server)
    name = table_name("dur")
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    for i in range(30):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "g": {"S": "odd" if i % 2 else "even"}})
    server.kill()
    server.start()
    ddb, streams = clients(server)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 30
    query = ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                      ExpressionAttributeValues={":g": {"S": "odd"}})
    assert query["Count"] == 15
    records, _ = read_all(streams, table["LatestStreamArn"])
    assert len(records) == 30
    ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": "100"}})
    records, _ = read_all(streams, table["LatestStreamArn"])
    assert int(records[-1]["dynamodb"]["SequenceNumber"]) == int(records[-2]["dynamodb"]["SequenceNumber"]) + 1
