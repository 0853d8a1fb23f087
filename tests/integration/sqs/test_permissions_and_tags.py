"""Queue tags (TagQueue / UntagQueue / ListQueueTags) and AddPermission / RemovePermission -> Policy."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import DEFAULT_ACCOUNT, error_code


def policy_of(sqs, url):
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    return json.loads(attrs["Policy"]) if attrs.get("Policy") else None


def test_new_queue_has_no_tags(sqs, queue):
    assert sqs.list_queue_tags(QueueUrl=queue).get("Tags", {}) == {}


def test_tag_list_and_untag(sqs, queue):
    sqs.tag_queue(QueueUrl=queue, Tags={"team": "infra", "cost-center": "42", "empty": ""})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"team": "infra", "cost-center": "42", "empty": ""}
    sqs.tag_queue(QueueUrl=queue, Tags={"team": "platform"})
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"]["team"] == "platform"
    sqs.untag_queue(QueueUrl=queue, TagKeys=["team", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=queue)["Tags"] == {"cost-center": "42", "empty": ""}


def test_more_than_50_tags_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.tag_queue(QueueUrl=queue, Tags={f"k{i}": "v" for i in range(51)})
    assert error_code(err.value) == "InvalidParameterValue"


def test_tags_on_missing_queue_are_non_existent_queue(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    for call in (lambda: sqs.list_queue_tags(QueueUrl=queue),
                 lambda: sqs.tag_queue(QueueUrl=queue, Tags={"a": "b"}),
                 lambda: sqs.untag_queue(QueueUrl=queue, TagKeys=["a"])):
        with pytest.raises(ClientError) as err:
            call()
        assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"


def test_add_permission_writes_policy_statement(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="allow-send", AWSAccountIds=["111111111111"],
                       Actions=["SendMessage"])
    policy = policy_of(sqs, queue)
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Sid"] == "allow-send"
    assert statement["Effect"] == "Allow"
    principal = statement["Principal"]["AWS"]
    assert principal in ("arn:aws:iam::111111111111:root", ["arn:aws:iam::111111111111:root"])
    action = statement["Action"]
    assert action in ("SQS:SendMessage", ["SQS:SendMessage"])
    assert statement["Resource"] == arn


def test_add_permission_with_several_accounts_and_actions(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="multi", AWSAccountIds=["111111111111", "222222222222"],
                       Actions=["ReceiveMessage", "DeleteMessage"])
    [statement] = policy_of(sqs, queue)["Statement"]
    assert sorted(statement["Principal"]["AWS"]) == ["arn:aws:iam::111111111111:root",
                                                     "arn:aws:iam::222222222222:root"]
    assert sorted(statement["Action"]) == ["SQS:DeleteMessage", "SQS:ReceiveMessage"]


def test_second_label_adds_a_second_statement(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="one", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=queue, Label="two", AWSAccountIds=["222222222222"], Actions=["*"])
    assert sorted(s["Sid"] for s in policy_of(sqs, queue)["Statement"]) == ["one", "two"]


def test_duplicate_label_is_rejected(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="dup", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    with pytest.raises(ClientError) as err:
        sqs.add_permission(QueueUrl=queue, Label="dup", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    assert error_code(err.value) == "InvalidParameterValue"


def test_remove_permission_removes_statement(sqs, queue):
    sqs.add_permission(QueueUrl=queue, Label="one", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=queue, Label="two", AWSAccountIds=["111111111111"], Actions=["ReceiveMessage"])
    sqs.remove_permission(QueueUrl=queue, Label="one")
    assert [s["Sid"] for s in policy_of(sqs, queue)["Statement"]] == ["two"]
    sqs.remove_permission(QueueUrl=queue, Label="two")
    policy = policy_of(sqs, queue)
    assert policy is None or policy.get("Statement") == []


def test_remove_unknown_label_is_rejected(sqs, queue):
    with pytest.raises(ClientError) as err:
        sqs.remove_permission(QueueUrl=queue, Label="never-added")
    assert error_code(err.value) == "InvalidParameterValue"


def test_policy_can_be_set_directly(sqs, queue):
    arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:{queue.rsplit('/', 1)[1]}"
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "direct", "Effect": "Allow", "Principal": "*",
                                                       "Action": "sqs:SendMessage", "Resource": arn}]}
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"Policy": json.dumps(policy)})
    assert policy_of(sqs, queue) == policy


def test_permission_on_missing_queue_is_non_existent_queue(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.add_permission(QueueUrl=queue, Label="x", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
