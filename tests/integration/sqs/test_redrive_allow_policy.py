"""RedriveAllowPolicy on a dead-letter queue: validation, and which source queues may name it."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, http_status, unique


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def redrive_to(dlq_arn, max_receive_count=3):
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})


def dlq_with(sqs, allow_policy, fifo=False):
    attrs = {"RedriveAllowPolicy": json.dumps(allow_policy)}
    if fifo:
        attrs["FifoQueue"] = "true"
    url = sqs.create_queue(QueueName=unique("dlq") + (".fifo" if fifo else ""), Attributes=attrs)["QueueUrl"]
    return url, arn_of(sqs, url)


def test_deny_all_rejects_set_queue_attributes_and_create_queue(sqs, queue):
    _, dlq_arn = dlq_with(sqs, {"redrivePermission": "denyAll"})
    policy = redrive_to(dlq_arn)
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": policy})
    assert error_code(e.value) == "InvalidParameterValue"
    assert http_status(e.value) == 400
    assert e.value.response["Error"]["Message"] == (
        f"Value {policy} for parameter RedrivePolicy is invalid. "
        "Reason: Dead letter queue does not allow this source queue.")
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})
    assert error_code(e.value) == "InvalidParameterValue"
    assert "RedrivePolicy" not in sqs.get_queue_attributes(
        QueueUrl=queue, AttributeNames=["All"])["Attributes"]


def test_by_queue_allows_only_listed_source_queues(sqs):
    allowed_name, denied = unique("allowed"), sqs.create_queue(QueueName=unique("denied"))["QueueUrl"]
    allowed_arn = f"arn:aws:sqs:us-east-1:000000000000:{allowed_name}"
    _, dlq_arn = dlq_with(sqs, {"redrivePermission": "byQueue", "sourceQueueArns": [allowed_arn]})
    allowed = sqs.create_queue(QueueName=allowed_name, Attributes={"RedrivePolicy": redrive_to(dlq_arn)})["QueueUrl"]
    stored = sqs.get_queue_attributes(QueueUrl=allowed, AttributeNames=["RedrivePolicy"])["Attributes"]
    assert json.loads(stored["RedrivePolicy"])["deadLetterTargetArn"] == dlq_arn
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=denied, Attributes={"RedrivePolicy": redrive_to(dlq_arn)})
    assert error_code(e.value) == "InvalidParameterValue"


def test_allow_all_allows_any_source_queue(sqs, queue):
    _, dlq_arn = dlq_with(sqs, {"redrivePermission": "allowAll"})
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": redrive_to(dlq_arn)})


@pytest.mark.parametrize("policy", [
    "not json",
    json.dumps({"redrivePermission": "sometimes"}),
    json.dumps({"redrivePermission": "byQueue"}),
    json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": []}),
    json.dumps({"redrivePermission": "byQueue",
                "sourceQueueArns": [f"arn:aws:sqs:us-east-1:000000000000:q{i}" for i in range(11)]}),
    json.dumps({"redrivePermission": "denyAll", "sourceQueueArns": ["arn:aws:sqs:us-east-1:000000000000:q"]}),
])
def test_malformed_redrive_allow_policy_is_invalid_parameter_value(sqs, queue, policy):
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedriveAllowPolicy": policy})
    assert error_code(e.value) == "InvalidParameterValue"


def test_ten_source_queue_arns_are_accepted(sqs, queue):
    arns = [f"arn:aws:sqs:us-east-1:000000000000:q{i}" for i in range(10)]
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": arns})})


@pytest.mark.parametrize("count", [0, 1001])
def test_max_receive_count_out_of_range_is_rejected(sqs, queue, count):
    _, dlq_arn = dlq_with(sqs, {"redrivePermission": "allowAll"})
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": redrive_to(dlq_arn, count)})
    assert error_code(e.value) == "InvalidParameterValue"


def test_standard_source_with_fifo_dlq_is_rejected(sqs, queue):
    _, dlq_arn = dlq_with(sqs, {"redrivePermission": "allowAll"}, fifo=True)
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes={"RedrivePolicy": redrive_to(dlq_arn)})
    assert error_code(e.value) == "InvalidParameterValue"
