"""Dead-letter queues via RedrivePolicy, ListDeadLetterSourceQueues, and move tasks over the query protocol.

Debian's boto3/CLI predate StartMessageMoveTask & co., so those go through raw signed query requests
here and through @aws-sdk/client-sqs (JSON) in move_tasks.test.mjs.
"""

import json
import time
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, raw_query, unique


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def make_pair(sqs, max_receive_count=2, fifo=False):
    suffix = ".fifo" if fifo else ""
    attrs = {"FifoQueue": "true"} if fifo else {}
    dlq = sqs.create_queue(QueueName=unique("dlq") + suffix, Attributes=attrs)["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": str(max_receive_count)})
    src = sqs.create_queue(QueueName=unique("src") + suffix,
                           Attributes={**attrs, "RedrivePolicy": policy, "VisibilityTimeout": "10"})["QueueUrl"]
    return src, dlq


def test_redrive_policy_is_stored_as_json(sqs):
    src, dlq = make_pair(sqs, 3)
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])
                        ["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"] == arn_of(sqs, dlq)
    assert int(policy["maxReceiveCount"]) == 3


def test_message_moves_to_dlq_after_max_receive_count(sqs, nimbus):
    src, dlq = make_pair(sqs, 2)
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert sqs.receive_message(QueueUrl=src)["Messages"][0]["Body"] == "poison"
        nimbus.advance_clock(11)
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in moved] == ["poison"]
    assert moved[0]["MessageId"] == sent["MessageId"]
    attrs = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_message_deleted_before_max_receive_count_never_reaches_dlq(sqs, nimbus):
    src, dlq = make_pair(sqs, 2)
    sqs.send_message(QueueUrl=src, MessageBody="fine")
    msg = sqs.receive_message(QueueUrl=src)["Messages"][0]
    sqs.delete_message(QueueUrl=src, ReceiptHandle=msg["ReceiptHandle"])
    nimbus.advance_clock(11)
    assert "Messages" not in sqs.receive_message(QueueUrl=dlq)


def test_fifo_source_redrives_to_fifo_dlq(sqs, nimbus):
    src, dlq = make_pair(sqs, 1, fifo=True)
    sqs.send_message(QueueUrl=src, MessageBody="f", MessageGroupId="g", MessageDeduplicationId="d")
    sqs.receive_message(QueueUrl=src)
    nimbus.advance_clock(11)
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    moved = sqs.receive_message(QueueUrl=dlq, AttributeNames=["MessageGroupId"])["Messages"][0]
    assert moved["Body"] == "f"
    assert moved["Attributes"]["MessageGroupId"] == "g"


def test_fifo_source_with_standard_dlq_is_rejected(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": "2"})
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=unique("src") + ".fifo", Attributes={"FifoQueue": "true", "RedrivePolicy": policy})
    assert error_code(err.value) in ("InvalidParameterValue", "InvalidParameterCombination")


def test_redrive_policy_to_missing_queue_is_rejected(sqs, queue):
    policy = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:nope", "maxReceiveCount": "2"})
    with pytest.raises(ClientError) as err:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": policy})
    assert error_code(err.value) in ("InvalidParameterValue", "AWS.SimpleQueueService.NonExistentQueue")


def test_redrive_policy_with_bad_json_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": "{not json"})
    assert error_code(err.value) in ("InvalidParameterValue", "InvalidAttributeValue")


def test_removing_redrive_policy_with_empty_string(sqs, nimbus):
    src, dlq = make_pair(sqs, 1)
    sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": ""})
    attrs = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["All"])["Attributes"]
    assert "RedrivePolicy" not in attrs
    sqs.send_message(QueueUrl=src, MessageBody="stay")
    sqs.receive_message(QueueUrl=src)
    nimbus.advance_clock(11)
    assert sqs.receive_message(QueueUrl=src)["Messages"][0]["Body"] == "stay"


def test_list_dead_letter_source_queues_lists_sources(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": "5"})
    sources = {sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})["QueueUrl"]
               for _ in range(3)}
    sqs.create_queue(QueueName=unique("unrelated"))
    assert set(sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]) == sources


def test_list_dead_letter_source_queues_paginates(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": "5"})
    sources = {sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})["QueueUrl"]
               for _ in range(5)}
    seen, token = [], None
    for _ in range(10):
        kwargs = {"QueueUrl": dlq, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = sqs.list_dead_letter_source_queues(**kwargs)
        assert len(page["queueUrls"]) <= 2
        seen += page["queueUrls"]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted(sources)


def test_list_dead_letter_source_queues_of_missing_queue_is_non_existent(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.list_dead_letter_source_queues(QueueUrl=queue)
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"


def test_redrive_allow_policy_is_stored(sqs, queue):
    allow = json.dumps({"redrivePermission": "denyAll"})
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedriveAllowPolicy": allow})
    stored = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["RedriveAllowPolicy"])["Attributes"]
    assert json.loads(stored["RedriveAllowPolicy"]) == {"redrivePermission": "denyAll"}


# --- move tasks over the query protocol (raw, signed) ------------------------------------------

def _xml_text(resp, tag):
    root = ET.fromstring(resp.content)
    return [e.text for e in root.iter() if e.tag.split("}")[-1] == tag]


def test_move_task_over_query_protocol_moves_dlq_messages_back_to_source(sqs, nimbus):
    src, dlq = make_pair(sqs, 1)
    for i in range(3):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    received = 0
    for _ in range(10):
        received += len(sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10).get("Messages", []))
        if received == 3:
            break
    assert received == 3
    nimbus.advance_clock(11)
    assert "Messages" not in sqs.receive_message(QueueUrl=src)  # this receive moves them to the DLQ
    dlq_arn = arn_of(sqs, dlq)
    resp = raw_query(nimbus.endpoint, {"Action": "StartMessageMoveTask", "Version": "2012-11-05",
                                       "SourceArn": dlq_arn})
    assert resp.status_code == 200, resp.text
    assert _xml_text(resp, "TaskHandle")[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        listed = raw_query(nimbus.endpoint, {"Action": "ListMessageMoveTasks", "Version": "2012-11-05",
                                             "SourceArn": dlq_arn})
        assert listed.status_code == 200, listed.text
        if _xml_text(listed, "Status") == ["COMPLETED"]:
            break
        time.sleep(0.2)
    assert _xml_text(listed, "Status") == ["COMPLETED"]
    assert _xml_text(listed, "ApproximateNumberOfMessagesMoved") == ["3"]
    bodies = []
    for _ in range(5):
        bodies += [m["Body"] for m in sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10).get("Messages", [])]
    assert sorted(bodies) == ["m0", "m1", "m2"]


def test_cancelled_move_task_is_cancelling_then_cancelled(sqs, nimbus):
    src, dlq = make_pair(sqs, 1)
    for i in range(5):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    for _ in range(5):
        sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)
    nimbus.advance_clock(11)
    sqs.receive_message(QueueUrl=src)  # moves them to the DLQ
    dlq_arn = arn_of(sqs, dlq)
    started = raw_query(nimbus.endpoint, {"Action": "StartMessageMoveTask", "Version": "2012-11-05",
                                          "SourceArn": dlq_arn, "MaxNumberOfMessagesPerSecond": "1"})
    assert started.status_code == 200, started.text
    handle = _xml_text(started, "TaskHandle")[0]
    cancelled = raw_query(nimbus.endpoint, {"Action": "CancelMessageMoveTask", "Version": "2012-11-05",
                                            "TaskHandle": handle})
    assert cancelled.status_code == 200, cancelled.text
    assert int(_xml_text(cancelled, "ApproximateNumberOfMessagesMoved")[0]) < 5
    statuses = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and statuses[-1:] != ["CANCELLED"]:
        listed = raw_query(nimbus.endpoint, {"Action": "ListMessageMoveTasks", "Version": "2012-11-05",
                                             "SourceArn": dlq_arn})
        statuses += _xml_text(listed, "Status")
        assert _xml_text(listed, "TaskHandle") == []  # only RUNNING tasks list their handle
        assert _xml_text(listed, "ApproximateNumberOfMessagesToMove") == ["5"]
        time.sleep(0.02)
    assert statuses[-1] == "CANCELLED"
    assert set(statuses) <= {"CANCELLING", "CANCELLED"}
    again = raw_query(nimbus.endpoint, {"Action": "CancelMessageMoveTask", "Version": "2012-11-05",
                                        "TaskHandle": handle})
    assert again.status_code == 400
