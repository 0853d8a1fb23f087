"""Batch operations: at most 10 entries, distinct valid ids, total size, per-entry failures."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, md5_hex, raw_query


def received(sqs, url, n):
    msgs = []
    for _ in range(10):
        msgs += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if len(msgs) >= n:
            break
    return msgs


def test_send_batch_of_ten_reports_each_entry(sqs, queue):
    entries = [{"Id": f"id-{i}", "MessageBody": f"body {i}"} for i in range(10)]
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
    assert resp.get("Failed", []) == []
    by_id = {s["Id"]: s for s in resp["Successful"]}
    assert set(by_id) == {f"id-{i}" for i in range(10)}
    for i in range(10):
        assert by_id[f"id-{i}"]["MD5OfMessageBody"] == md5_hex(f"body {i}")
        assert by_id[f"id-{i}"]["MessageId"]
    assert len({s["MessageId"] for s in resp["Successful"]}) == 10
    assert sorted(m["Body"] for m in received(sqs, queue, 10)) == sorted(f"body {i}" for i in range(10))


def test_send_batch_entry_delay_and_attributes(sqs, queue, nimbus):
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "now", "MessageBody": "now", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
        {"Id": "later", "MessageBody": "later", "DelaySeconds": 60},
    ])
    assert len(resp["Successful"]) == 2
    assert "MD5OfMessageAttributes" in {s["Id"]: s for s in resp["Successful"]}["now"]
    msgs = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in msgs] == ["now"]
    assert msgs[0]["MessageAttributes"]["k"]["StringValue"] == "v"
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=msgs[0]["ReceiptHandle"])
    nimbus.advance_clock(61)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "later"


def test_eleven_entries_is_too_many_entries_in_batch_request(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
    assert error_code(err.value) == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_duplicate_entry_ids_are_batch_entry_ids_not_distinct(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "same", "MessageBody": "a"},
                                                       {"Id": "same", "MessageBody": "b"}])
    assert error_code(err.value) == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


def test_empty_batch_is_empty_batch_request(sqs, queue, nimbus):
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[])
    assert error_code(err.value) in ("AWS.SimpleQueueService.EmptyBatchRequest", "MissingParameter")
    # without any entry parameters at all, as older clients send it
    resp = raw_query(nimbus.endpoint, {"Action": "SendMessageBatch", "Version": "2012-11-05", "QueueUrl": queue})
    assert resp.status_code == 400
    assert "EmptyBatchRequest" in resp.text or "MissingParameter" in resp.text


@pytest.mark.parametrize("bad_id", ["has space", "dot.ted", "x" * 81, "bang!"])
def test_invalid_entry_id_is_invalid_batch_entry_id(sqs, queue, bad_id):
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": bad_id, "MessageBody": "x"}])
    assert error_code(err.value) == "AWS.SimpleQueueService.InvalidBatchEntryId"


def test_batch_over_total_size_limit_is_batch_request_too_long(sqs, queue):
    # Each entry fits any queue's MaximumMessageSize (>= 256 KiB); together they pass the 1 MiB batch limit
    # (AWS: the sum of all bodies and attributes in a batch is capped at 1,048,576 bytes).
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": f"e{i}", "MessageBody": "a" * 220_000}
                                                       for i in range(5)])
    assert error_code(err.value) == "AWS.SimpleQueueService.BatchRequestTooLong"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_send_batch_reports_invalid_entry_as_failed_and_sends_the_rest(sqs, queue):
    resp = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "good1", "MessageBody": "fine"},
        {"Id": "bad", "MessageBody": "nul \u0000 inside"},
        {"Id": "good2", "MessageBody": "also fine"},
    ])
    assert sorted(s["Id"] for s in resp["Successful"]) == ["good1", "good2"]
    assert [f["Id"] for f in resp["Failed"]] == ["bad"]
    assert resp["Failed"][0]["SenderFault"] is True
    assert resp["Failed"][0]["Code"]
    assert sorted(m["Body"] for m in received(sqs, queue, 2)) == ["also fine", "fine"]


def test_delete_batch_deletes_and_reports_bad_handles_per_entry(sqs, queue, nimbus):
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
    msgs = received(sqs, queue, 5)
    assert len(msgs) == 5
    entries = [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)]
    entries.append({"Id": "bogus", "ReceiptHandle": "garbage-handle"})
    resp = sqs.delete_message_batch(QueueUrl=queue, Entries=entries)
    assert sorted(s["Id"] for s in resp["Successful"]) == [f"d{i}" for i in range(5)]
    assert len(resp["Failed"]) == 1
    failed = resp["Failed"][0]
    assert failed["Id"] == "bogus"
    assert failed["Code"] == "ReceiptHandleIsInvalid"
    assert failed["SenderFault"] is True
    nimbus.advance_clock(31)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_delete_batch_with_eleven_entries_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.delete_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "ReceiptHandle": "h"} for i in range(11)])
    assert error_code(err.value) == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


def test_delete_batch_duplicate_ids_are_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.delete_message_batch(QueueUrl=queue, Entries=[{"Id": "x", "ReceiptHandle": "h1"},
                                                         {"Id": "x", "ReceiptHandle": "h2"}])
    assert error_code(err.value) == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"


def test_change_visibility_batch_changes_each_and_reports_failures(sqs, queue, nimbus):
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])
    msgs = received(sqs, queue, 3)
    entries = [{"Id": f"c{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0 if i == 0 else 300}
               for i, m in enumerate(msgs)]
    entries.append({"Id": "bogus", "ReceiptHandle": "garbage-handle", "VisibilityTimeout": 0})
    resp = sqs.change_message_visibility_batch(QueueUrl=queue, Entries=entries)
    assert sorted(s["Id"] for s in resp["Successful"]) == ["c0", "c1", "c2"]
    assert [(f["Id"], f["Code"]) for f in resp["Failed"]] == [("bogus", "ReceiptHandleIsInvalid")]
    visible = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in visible] == [msgs[0]["Body"]]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=visible[0]["ReceiptHandle"])
    nimbus.advance_clock(60)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)


def test_change_visibility_batch_with_eleven_entries_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.change_message_visibility_batch(
            QueueUrl=queue, Entries=[{"Id": str(i), "ReceiptHandle": "h", "VisibilityTimeout": 1} for i in range(11)])
    assert error_code(err.value) == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"


def test_batch_on_missing_queue_is_non_existent_queue(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
