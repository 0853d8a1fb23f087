"""Standard-queue messages: send, receive, delete, delays, retention, size and content rules."""

import re
import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, md5_hex, unique

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def receive_all(sqs, url, expected, attempts=10, **kwargs):
    got = []
    for _ in range(attempts):
        got += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs).get("Messages", [])
        if len(got) >= expected:
            break
    return got


def test_send_receive_delete_round_trip(sqs, queue):
    sent = sqs.send_message(QueueUrl=queue, MessageBody="hello nimbus")
    assert UUID_RE.match(sent["MessageId"])
    assert sent["MD5OfMessageBody"] == md5_hex("hello nimbus")
    msgs = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert len(msgs) == 1
    msg = msgs[0]
    assert msg["MessageId"] == sent["MessageId"]
    assert msg["Body"] == "hello nimbus"
    assert msg["MD5OfBody"] == md5_hex("hello nimbus")
    assert msg["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_unicode_and_xml_special_characters_survive(sqs, queue):
    body = 'grüße <tag attr="1"> & \'quotes\' 日本語 🚀 \t\n\r end'
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    msg = sqs.receive_message(QueueUrl=queue)["Messages"][0]
    assert msg["Body"] == body
    assert msg["MD5OfBody"] == md5_hex(body)


def test_receive_on_empty_queue_returns_no_messages_immediately(sqs, queue):
    start = time.monotonic()
    resp = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=0)
    assert "Messages" not in resp or resp["Messages"] == []
    assert time.monotonic() - start < 1.0


def test_receive_returns_at_most_max_number_of_messages(sqs, queue):
    for i in range(15):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    first = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert 1 <= len(first) <= 10
    rest = receive_all(sqs, queue, 15 - len(first))
    bodies = {m["Body"] for m in first + rest}
    assert bodies == {f"m{i}" for i in range(15)}


def test_receive_without_max_returns_one_message(sqs, queue):
    for i in range(3):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    assert len(sqs.receive_message(QueueUrl=queue)["Messages"]) == 1


@pytest.mark.parametrize("count", [0, 11])
def test_max_number_of_messages_out_of_range_is_rejected(sqs, queue, count):
    with pytest.raises(ClientError) as err:
        sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=count)
    assert error_code(err.value) == "InvalidParameterValue"


def test_deleted_message_is_not_delivered_again(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="once")
    msg = sqs.receive_message(QueueUrl=queue, VisibilityTimeout=5)["Messages"][0]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"])
    nimbus.advance_clock(10)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delete_with_garbage_receipt_handle_is_receipt_handle_is_invalid(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle="not-a-real-handle")
    assert error_code(err.value) == "ReceiptHandleIsInvalid"


def test_deleting_twice_with_same_handle_succeeds(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    handle = sqs.receive_message(QueueUrl=queue)["Messages"][0]["ReceiptHandle"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=handle)


def test_message_delay_hides_message_until_it_elapses(sqs, queue, nimbus):
    sqs.send_message(QueueUrl=queue, MessageBody="later", DelaySeconds=120)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert attrs["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    nimbus.advance_clock(121)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "later"


def test_queue_delay_seconds_applies_to_messages_without_their_own(sqs, nimbus):
    url = sqs.create_queue(QueueName=unique(), Attributes={"DelaySeconds": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="queue-delayed")
    sqs.send_message(QueueUrl=url, MessageBody="immediate", DelaySeconds=0)
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["immediate"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
    nimbus.advance_clock(61)
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "queue-delayed"


def test_delay_over_900_seconds_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody="x", DelaySeconds=901)
    assert error_code(err.value) == "InvalidParameterValue"


def test_message_expires_after_retention_period(sqs, nimbus):
    url = sqs.create_queue(QueueName=unique(), Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="short-lived")
    nimbus.advance_clock(30)
    sqs.send_message(QueueUrl=url, MessageBody="younger")
    nimbus.advance_clock(31)
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["younger"]


def test_in_flight_message_also_expires_after_retention(sqs, nimbus):
    url = sqs.create_queue(QueueName=unique(), Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)
    nimbus.advance_clock(700)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_maximum_message_size_is_enforced_in_bytes(sqs):
    url = sqs.create_queue(QueueName=unique(), Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a" * 1024)
    sqs.send_message(QueueUrl=url, MessageBody="é" * 512)  # 1024 bytes in UTF-8
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=url, MessageBody="a" * 1025)
    assert error_code(err.value) == "InvalidParameterValue"
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=url, MessageBody="é" * 513)


def test_default_maximum_message_size_accepts_the_limit_and_rejects_one_more_byte(sqs, queue):
    limit = int(sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["MaximumMessageSize"])
                ["Attributes"]["MaximumMessageSize"])
    assert limit in (262144, 1048576)
    body = "b" * limit
    sent = sqs.send_message(QueueUrl=queue, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5_hex(body)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == body
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody=body + "b")
    assert error_code(err.value) == "InvalidParameterValue"


@pytest.mark.parametrize("bad", ["\u0000", "bell\u0007", "\ufffe", "\uffff"])
def test_characters_outside_the_allowed_set_are_invalid_message_contents(sqs, queue, bad):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=queue, MessageBody=f"x{bad}y")
    assert error_code(err.value) == "InvalidMessageContents"


def test_change_visibility_to_zero_makes_message_receivable_again(sqs, queue):
    sqs.send_message(QueueUrl=queue, MessageBody="again")
    msg = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert msg["Attributes"]["ApproximateReceiveCount"] == "1"
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=queue, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert again["MessageId"] == msg["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again["ReceiptHandle"] != msg["ReceiptHandle"]


def test_many_messages_are_all_delivered_exactly_once_when_deleted(sqs, queue):
    bodies = {f"body-{i}" for i in range(50)}
    for body in bodies:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    seen = []
    for _ in range(30):
        msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
        for m in msgs:
            seen.append(m["Body"])
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        if len(seen) >= 50:
            break
    assert sorted(seen) == sorted(bodies)
