"""Debian's AWS CLI v2 (query protocol) drives every SQS command it knows against nimbus."""

import json

import pytest

pytestmark = pytest.mark.slow


def test_cli_full_queue_lifecycle(aws_cli, nimbus):
    url = aws_cli("sqs", "create-queue", "--queue-name", "cli-q",
                  "--attributes", "VisibilityTimeout=40", "--tags", "team=cli").json["QueueUrl"]
    assert url == f"http://localhost:{nimbus.port}/000000000000/cli-q"
    assert aws_cli("sqs", "get-queue-url", "--queue-name", "cli-q").json["QueueUrl"] == url
    assert aws_cli("sqs", "list-queues", "--queue-name-prefix", "cli").json["QueueUrls"] == [url]

    attrs = aws_cli("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All").json
    assert attrs["Attributes"]["VisibilityTimeout"] == "40"
    aws_cli("sqs", "set-queue-attributes", "--queue-url", url, "--attributes", "DelaySeconds=0,VisibilityTimeout=50")
    attrs = aws_cli("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "VisibilityTimeout").json
    assert attrs["Attributes"] == {"VisibilityTimeout": "50"}

    assert aws_cli("sqs", "list-queue-tags", "--queue-url", url).json["Tags"] == {"team": "cli"}
    aws_cli("sqs", "tag-queue", "--queue-url", url, "--tags", "env=test")
    aws_cli("sqs", "untag-queue", "--queue-url", url, "--tag-keys", "team")
    assert aws_cli("sqs", "list-queue-tags", "--queue-url", url).json["Tags"] == {"env": "test"}

    aws_cli("sqs", "add-permission", "--queue-url", url, "--label", "cli-perm",
            "--aws-account-ids", "111111111111", "--actions", "SendMessage")
    policy = aws_cli("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "Policy").json
    assert json.loads(policy["Attributes"]["Policy"])["Statement"][0]["Sid"] == "cli-perm"
    aws_cli("sqs", "remove-permission", "--queue-url", url, "--label", "cli-perm")

    aws_cli("sqs", "delete-queue", "--queue-url", url)
    assert aws_cli("sqs", "list-queues").json in (None, {}, {"QueueUrls": []})


def test_cli_messages_and_batches(aws_cli):
    url = aws_cli("sqs", "create-queue", "--queue-name", "cli-m").json["QueueUrl"]
    sent = aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", "hello from cli",
                   "--message-attributes", '{"k":{"DataType":"String","StringValue":"v"}}').json
    assert sent["MessageId"] and sent["MD5OfMessageBody"] and sent["MD5OfMessageAttributes"]
    batch = aws_cli("sqs", "send-message-batch", "--queue-url", url, "--entries",
                    json.dumps([{"Id": f"e{i}", "MessageBody": f"batch {i}"} for i in range(3)])).json
    assert len(batch["Successful"]) == 3

    got = []
    for _ in range(10):
        resp = aws_cli("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10",
                       "--message-attribute-names", "All", "--attribute-names", "All").json or {}
        got += resp.get("Messages", [])
        if len(got) >= 4:
            break
    assert sorted(m["Body"] for m in got) == ["batch 0", "batch 1", "batch 2", "hello from cli"]
    hello = next(m for m in got if m["Body"] == "hello from cli")
    assert hello["MessageAttributes"]["k"]["StringValue"] == "v"

    aws_cli("sqs", "change-message-visibility", "--queue-url", url, "--receipt-handle", hello["ReceiptHandle"],
            "--visibility-timeout", "100")
    others = [m for m in got if m is not hello]
    cv = aws_cli("sqs", "change-message-visibility-batch", "--queue-url", url, "--entries", json.dumps(
        [{"Id": f"c{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 100} for i, m in enumerate(others)]
    )).json
    assert len(cv["Successful"]) == 3
    aws_cli("sqs", "delete-message", "--queue-url", url, "--receipt-handle", hello["ReceiptHandle"])
    deleted = aws_cli("sqs", "delete-message-batch", "--queue-url", url, "--entries", json.dumps(
        [{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(others)])).json
    assert len(deleted["Successful"]) == 3
    attrs = aws_cli("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All").json["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"

    aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", "to purge")
    aws_cli("sqs", "purge-queue", "--queue-url", url)
    purged = aws_cli("sqs", "receive-message", "--queue-url", url).json or {}
    assert not purged.get("Messages")


def test_cli_dead_letter_source_queues(aws_cli):
    dlq = aws_cli("sqs", "create-queue", "--queue-name", "cli-dlq").json["QueueUrl"]
    arn = aws_cli("sqs", "get-queue-attributes", "--queue-url", dlq, "--attribute-names", "QueueArn"
                  ).json["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "3"})
    src = aws_cli("sqs", "create-queue", "--queue-name", "cli-src", "--attributes",
                  json.dumps({"RedrivePolicy": policy})).json["QueueUrl"]
    assert aws_cli("sqs", "list-dead-letter-source-queues", "--queue-url", dlq).json["queueUrls"] == [src]


def test_cli_fifo_send_and_receive(aws_cli):
    url = aws_cli("sqs", "create-queue", "--queue-name", "cli.fifo", "--attributes",
                  "FifoQueue=true,ContentBasedDeduplication=true").json["QueueUrl"]
    for i in range(3):
        aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", f"f{i}", "--message-group-id", "g")
    msgs = aws_cli("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10").json["Messages"]
    assert [m["Body"] for m in msgs] == ["f0", "f1", "f2"]


def test_cli_missing_queue_fails_with_aws_error_code(aws_cli):
    result = aws_cli("sqs", "get-queue-url", "--queue-name", "no-such-queue", check=False)
    assert result.returncode == 254
    assert "AWS.SimpleQueueService.NonExistentQueue" in result.stderr


def test_cli_region_isolation(aws_cli):
    aws_cli("sqs", "create-queue", "--queue-name", "cli-eu", region="eu-west-1")
    listed = aws_cli("sqs", "list-queues", region="us-east-1").json or {}
    assert not any(u.endswith("/cli-eu") for u in listed.get("QueueUrls", []))
    listed = aws_cli("sqs", "list-queues", region="eu-west-1").json
    assert any(u.endswith("/cli-eu") for u in listed["QueueUrls"])
