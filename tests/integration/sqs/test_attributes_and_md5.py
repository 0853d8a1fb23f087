"""Queue attributes, message attributes (selection by All / names / prefix.*), system attributes, MD5s.

boto3 1.26 does not check SQS MD5s itself, so every MD5 here is recomputed by the test
(conftest.md5_of_message_attributes follows SQS's documented algorithm).
"""

import time

import pytest
from botocore.exceptions import ClientError

from conftest import DEFAULT_ACCOUNT, error_code, md5_hex, md5_of_message_attributes, unique

ATTRS = {
    "order.id": {"DataType": "String", "StringValue": "o-123"},
    "order.total": {"DataType": "Number", "StringValue": "42.50"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff"},
    "custom": {"DataType": "String.json", "StringValue": '{"a":1}'},
    "amount": {"DataType": "Number.float", "StringValue": "-1e3"},
}


def test_default_queue_attributes(sqs, queue):
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    name = queue.rsplit("/", 1)[1]
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:{name}"
    assert attrs["VisibilityTimeout"] == "30"
    assert attrs["MessageRetentionPeriod"] == "345600"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["MaximumMessageSize"] in ("262144", "1048576")
    for counter in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                    "ApproximateNumberOfMessagesDelayed"):
        assert attrs[counter] == "0"
    now = time.time()
    for stamp in ("CreatedTimestamp", "LastModifiedTimestamp"):
        assert abs(int(attrs[stamp]) - now) < 24 * 3600  # seconds, not milliseconds
    assert "FifoQueue" not in attrs


def test_selected_queue_attributes_only(sqs, queue):
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["VisibilityTimeout", "QueueArn"])["Attributes"]
    assert set(attrs) == {"VisibilityTimeout", "QueueArn"}


def test_unknown_queue_attribute_name_is_invalid_attribute_name(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["NoSuchAttribute"])
    assert error_code(err.value) == "InvalidAttributeName"


def test_set_queue_attributes_updates_and_bumps_last_modified(sqs, queue, nimbus):
    before = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["LastModifiedTimestamp"])["Attributes"]
    nimbus.advance_clock(5)
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "120", "DelaySeconds": "3",
                                                         "ReceiveMessageWaitTimeSeconds": "1"})
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "120"
    assert attrs["DelaySeconds"] == "3"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "1"
    assert int(attrs["LastModifiedTimestamp"]) >= int(before["LastModifiedTimestamp"]) + 4


@pytest.mark.parametrize("name,value", [("VisibilityTimeout", "43201"), ("DelaySeconds", "901"),
                                        ("MaximumMessageSize", "1023"), ("MessageRetentionPeriod", "59"),
                                        ("ReceiveMessageWaitTimeSeconds", "21"), ("VisibilityTimeout", "abc")])
def test_out_of_range_attribute_value_is_rejected(sqs, queue, name, value):
    with pytest.raises(ClientError) as err:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={name: value})
    assert error_code(err.value) in ("InvalidAttributeValue", "InvalidParameterValue")


def test_setting_unknown_attribute_is_invalid_attribute_name(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Bogus": "1"})
    assert error_code(err.value) == "InvalidAttributeName"


def test_message_counters_follow_message_states(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="visible")
    sqs.send_message(QueueUrl=queue, MessageBody="visible2")
    sqs.send_message(QueueUrl=queue, MessageBody="delayed", DelaySeconds=300)
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "1"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "1"


def test_send_returns_md5_of_message_attributes(sqs, queue):
    resp = sqs.send_message(QueueUrl=queue, MessageBody="with attrs", MessageAttributes=ATTRS)
    assert resp["MD5OfMessageBody"] == md5_hex("with attrs")
    assert resp["MD5OfMessageAttributes"] == md5_of_message_attributes(ATTRS)


def test_receive_all_message_attributes_with_md5(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=ATTRS)
    msg = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"][0]
    assert msg["MessageAttributes"] == ATTRS
    assert msg["MD5OfMessageAttributes"] == md5_of_message_attributes(ATTRS)
    assert msg["MD5OfBody"] == md5_hex("b")


def test_receive_named_message_attributes_only(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=ATTRS)
    msg = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["blob", "missing"])["Messages"][0]
    assert msg["MessageAttributes"] == {"blob": ATTRS["blob"]}
    # the MD5 covers the attributes returned (SDKs that verify it, e.g. the Java SDK, hash what they got)
    assert msg["MD5OfMessageAttributes"] == md5_of_message_attributes({"blob": ATTRS["blob"]})


def test_receive_message_attributes_by_prefix(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=ATTRS)
    msg = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["order.*"])["Messages"][0]
    selected = {"order.id": ATTRS["order.id"], "order.total": ATTRS["order.total"]}
    assert msg["MessageAttributes"] == selected
    assert msg["MD5OfMessageAttributes"] == md5_of_message_attributes(selected)


def test_no_message_attributes_unless_requested(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=ATTRS)
    msg = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    assert "MessageAttributes" not in msg


def test_message_without_attributes_has_no_attribute_md5(sqs, queue):
    resp = sqs.send_message(QueueUrl=queue, MessageBody="plain")
    assert "MD5OfMessageAttributes" not in resp
    msg = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"][0]
    assert "MD5OfMessageAttributes" not in msg
    assert "MessageAttributes" not in msg


def test_more_than_ten_message_attributes_is_rejected(sqs, queue):
    attrs = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes=attrs)
    assert error_code(err.value) == "InvalidParameterValue"


@pytest.mark.parametrize("attr", [
    {"DataType": "Number", "StringValue": "not-a-number"},
    {"DataType": "Whatever", "StringValue": "x"},
    {"DataType": "String", "StringValue": ""},
])
def test_invalid_message_attribute_is_rejected(sqs, queue, attr):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody="b", MessageAttributes={"bad": attr})
    assert error_code(err.value) == "InvalidParameterValue"


def test_message_attributes_count_towards_maximum_size(sqs):
    url = sqs.create_queue(QueueName=unique(), Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=url, MessageBody="a" * 1000,
                         MessageAttributes={"k": {"DataType": "String", "StringValue": "v" * 100}})
    assert error_code(err.value) == "InvalidParameterValue"


def test_system_attributes_on_receive(sqs, queue):
    before_ms = int(time.time() * 1000) - 5000
    sqs.send_message(QueueUrl=queue, MessageBody="sys")
    msg = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"][0]
    attrs = msg["Attributes"]
    assert attrs["ApproximateReceiveCount"] == "1"
    assert int(attrs["SentTimestamp"]) >= before_ms
    assert int(attrs["ApproximateFirstReceiveTimestamp"]) >= int(attrs["SentTimestamp"])
    assert attrs["SenderId"]


def test_selected_system_attributes_only(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="sys")
    msg = sqs.receive_message(QueueUrl=queue, AttributeNames=["SentTimestamp"])["Messages"][0]
    assert set(msg["Attributes"]) == {"SentTimestamp"}


def test_aws_trace_header_system_attribute_round_trips(sqs, queue):
    trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    resp = sqs.send_message(QueueUrl=queue, MessageBody="traced", MessageSystemAttributes={
        "AWSTraceHeader": {"DataType": "String", "StringValue": trace}})
    assert resp.get("MD5OfMessageSystemAttributes")
    msg = sqs.receive_message(QueueUrl=queue, AttributeNames=["AWSTraceHeader"])["Messages"][0]
    assert msg["Attributes"]["AWSTraceHeader"] == trace

