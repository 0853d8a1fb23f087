"""SQS's 1 MiB message limit (AWS since 2025) and the query protocol's error texts, through
Debian's boto3 (query protocol)."""

import pytest
from botocore.exceptions import ClientError

from conftest import md5_hex, unique

MIB = 1024 * 1024


def test_default_maximum_message_size_is_one_mib(sqs, queue):
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["MaximumMessageSize"])["Attributes"]
    assert attrs["MaximumMessageSize"] == str(MIB)


def test_one_mib_message_round_trips_and_one_byte_more_is_refused(sqs, queue):
    body = "q" * MIB
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == body
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody=body + "q")
    assert err.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert err.value.response["Error"]["Message"] == (
        "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.")


@pytest.mark.parametrize("value,ok", [("1024", True), ("1048576", True), ("1023", False), ("1048577", False)])
def test_maximum_message_size_bounds(sqs, value, ok):
    name = unique("size")
    if ok:
        url = sqs.create_queue(QueueName=name, Attributes={"MaximumMessageSize": value})["QueueUrl"]
        got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"]
        assert got["MaximumMessageSize"] == value
    else:
        with pytest.raises(ClientError) as err:
            sqs.create_queue(QueueName=name, Attributes={"MaximumMessageSize": value})
        assert err.value.response["Error"]["Code"] == "InvalidAttributeValue"


def test_batch_total_over_one_mib_is_batch_request_too_long(sqs, queue):
    entries = [{"Id": "a", "MessageBody": "x" * (MIB // 2)}, {"Id": "b", "MessageBody": "y" * (MIB // 2 + 1)}]
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.BatchRequestTooLong"
    ok = sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "a", "MessageBody": "x" * (MIB // 2)},
                                                         {"Id": "b", "MessageBody": "y" * (MIB // 2)}])
    assert len(ok["Successful"]) == 2


def test_missing_queue_on_the_query_protocol_names_the_wsdl_version(sqs):
    with pytest.raises(ClientError) as err:
        sqs.get_queue_url(QueueName=unique("none"))
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert err.value.response["Error"]["Message"] == "The specified queue does not exist for this wsdl version."
