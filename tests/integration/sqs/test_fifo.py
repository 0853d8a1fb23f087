"""FIFO queues: ordering per MessageGroupId, group blocking while in flight, deduplication."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, unique


def make_fifo(sqs, **attributes):
    attrs = {"FifoQueue": "true", **{k: str(v) for k, v in attributes.items()}}
    return sqs.create_queue(QueueName=unique("f") + ".fifo", Attributes=attrs)["QueueUrl"]


def send(sqs, url, body, group="g", dedup=None, **kwargs):
    return sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group,
                            MessageDeduplicationId=dedup or body, **kwargs)


def test_fifo_queue_attributes(sqs):
    url = make_fifo(sqs, ContentBasedDeduplication="true")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "true"


def test_send_without_message_group_id_is_missing_parameter(sqs, fifo_queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageDeduplicationId="d")
    assert error_code(err.value) == "MissingParameter"


def test_send_without_dedup_id_or_content_dedup_is_invalid(sqs, fifo_queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=fifo_queue, MessageBody="x", MessageGroupId="g")
    assert error_code(err.value) == "InvalidParameterValue"


def test_per_message_delay_is_rejected_on_fifo(sqs, fifo_queue):
    with pytest.raises(ClientError) as err:
        send(sqs, fifo_queue, "x", DelaySeconds=5)
    assert error_code(err.value) == "InvalidParameterValue"


def test_messages_in_a_group_arrive_in_send_order_with_increasing_sequence_numbers(sqs, fifo_queue):
    seqs = [int(send(sqs, fifo_queue, f"m{i}")["SequenceNumber"]) for i in range(10)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 10
    msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in msgs] == [f"m{i}" for i in range(10)]
    assert [int(m["Attributes"]["SequenceNumber"]) for m in msgs] == seqs
    assert all(m["Attributes"]["MessageGroupId"] == "g" for m in msgs)
    assert msgs[3]["Attributes"]["MessageDeduplicationId"] == "m3"


def test_order_is_kept_per_group_when_groups_interleave(sqs, fifo_queue):
    for i in range(6):
        send(sqs, fifo_queue, f"a{i}", group="A")
        send(sqs, fifo_queue, f"b{i}", group="B")
    seen = {"A": [], "B": []}
    for _ in range(10):
        msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10,
                                   AttributeNames=["MessageGroupId"]).get("Messages", [])
        for m in msgs:
            seen[m["Attributes"]["MessageGroupId"]].append(m["Body"])
        sqs.delete_message_batch(QueueUrl=fifo_queue, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]) if msgs else None
        if len(seen["A"]) + len(seen["B"]) == 12:
            break
    assert seen["A"] == [f"a{i}" for i in range(6)]
    assert seen["B"] == [f"b{i}" for i in range(6)]


def test_group_is_blocked_while_a_message_of_it_is_in_flight(sqs, fifo_queue):
    send(sqs, fifo_queue, "a1", group="A")
    send(sqs, fifo_queue, "a2", group="A")
    send(sqs, fifo_queue, "b1", group="B")
    send(sqs, fifo_queue, "b2", group="B")
    first = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=1,
                                AttributeNames=["MessageGroupId"])["Messages"][0]
    group = first["Attributes"]["MessageGroupId"]
    assert first["Body"] == f"{group.lower()}1"
    other = "B" if group == "A" else "A"
    more = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10,
                               AttributeNames=["MessageGroupId"]).get("Messages", [])
    assert more and all(m["Attributes"]["MessageGroupId"] == other for m in more)
    assert [m["Body"] for m in more] == [f"{other.lower()}1", f"{other.lower()}2"][:len(more)]
    third = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10,
                                AttributeNames=["MessageGroupId"]).get("Messages", [])
    assert all(m["Attributes"]["MessageGroupId"] != group for m in third)
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=first["ReceiptHandle"])
    nxt = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10,
                              AttributeNames=["MessageGroupId"])["Messages"]
    assert nxt[0]["Body"] == f"{group.lower()}2"


def test_expired_head_of_group_is_redelivered_before_later_messages(sqs, fifo_queue, nimbus):
    for i in range(3):
        send(sqs, fifo_queue, f"m{i}")
    first = sqs.receive_message(QueueUrl=fifo_queue, VisibilityTimeout=10)["Messages"][0]
    assert first["Body"] == "m0"
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue)
    nimbus.advance_clock(11)
    again = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in again] == ["m0", "m1", "m2"]


def test_duplicate_dedup_id_within_window_is_accepted_but_not_enqueued(sqs, fifo_queue):
    send(sqs, fifo_queue, "one", dedup="same")
    send(sqs, fifo_queue, "two", dedup="same")  # accepted (no error) but not enqueued
    msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["one"]


def test_dedup_holds_even_after_the_message_is_deleted(sqs, fifo_queue):
    send(sqs, fifo_queue, "one", dedup="d1")
    msg = sqs.receive_message(QueueUrl=fifo_queue)["Messages"][0]
    sqs.delete_message(QueueUrl=fifo_queue, ReceiptHandle=msg["ReceiptHandle"])
    send(sqs, fifo_queue, "one", dedup="d1")
    assert "Messages" not in sqs.receive_message(QueueUrl=fifo_queue)


def test_dedup_window_ends_after_five_minutes(sqs, fifo_queue, nimbus):
    send(sqs, fifo_queue, "one", dedup="d")
    nimbus.advance_clock(301)
    send(sqs, fifo_queue, "one-again", dedup="d")  # the window has passed: enqueued this time
    msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["one", "one-again"]


def test_content_based_dedup_uses_body_hash(sqs, nimbus):
    url = make_fifo(sqs, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["same body", "other body"]


def test_explicit_dedup_id_overrides_content_based_dedup(sqs):
    url = make_fifo(sqs, ContentBasedDeduplication="true")
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g", MessageDeduplicationId="x1")
    sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g", MessageDeduplicationId="x2")
    assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 2


def test_fifo_batch_send_keeps_entry_order(sqs, fifo_queue):
    entries = [{"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g", "MessageDeduplicationId": f"d{i}"}
               for i in range(10)]
    resp = sqs.send_message_batch(QueueUrl=fifo_queue, Entries=entries)
    assert len(resp["Successful"]) == 10
    seqs = {s["Id"]: int(s["SequenceNumber"]) for s in resp["Successful"]}
    assert [seqs[f"e{i}"] for i in range(10)] == sorted(seqs.values())
    msgs = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == [f"m{i}" for i in range(10)]


def test_receive_request_attempt_id_retry_returns_the_same_messages(sqs, fifo_queue):
    for i in range(3):
        send(sqs, fifo_queue, f"m{i}")
    first = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    retry = sqs.receive_message(QueueUrl=fifo_queue, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    assert [m["MessageId"] for m in retry["Messages"]] == [m["MessageId"] for m in first["Messages"]]


def test_fifo_throughput_settings_are_stored(sqs):
    url = make_fifo(sqs, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DeduplicationScope", "FifoThroughputLimit"])
    assert attrs["Attributes"] == {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}


def test_message_group_dedup_scope_dedups_per_group(sqs):
    url = make_fifo(sqs, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="A", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="B", MessageDeduplicationId="d")
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="A", MessageDeduplicationId="d")
    got = []
    for _ in range(3):
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        got += msgs
        for m in msgs:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(got) == 2


def test_fifo_queue_rejects_changing_fifo_attribute(sqs, fifo_queue):
    with pytest.raises(ClientError) as err:
        sqs.set_queue_attributes(QueueUrl=fifo_queue, Attributes={"FifoQueue": "false"})
    assert error_code(err.value) == "InvalidAttributeValue"
    assert err.value.response["Error"]["Message"] == (
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.")
    # Telling a FIFO queue it is one changes nothing and succeeds, as on AWS.
    sqs.set_queue_attributes(QueueUrl=fifo_queue, Attributes={"FifoQueue": "true"})
    attributes = sqs.get_queue_attributes(QueueUrl=fifo_queue, AttributeNames=["FifoQueue"])["Attributes"]
    assert attributes["FifoQueue"] == "true"
