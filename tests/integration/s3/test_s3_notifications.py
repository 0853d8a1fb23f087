"""Bucket notifications to SQS: the s3:TestEvent on configuration, then ObjectCreated/ObjectRemoved
records filtered by prefix and suffix, read back from the queue with the SQS client."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client
from s3_support import *  # noqa: F401,F403


@pytest.fixture
def sqs(nimbus):
    return make_client(nimbus.endpoint)


def new_queue(sqs):
    url = sqs.create_queue(QueueName=new_bucket_name("events"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive(sqs, url, want, timeout=10.0):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in msgs:
            got.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got


def records(messages):
    return [r for m in messages for r in m.get("Records", [])]


def configure(s3, bucket, arn, events, rules=None, config_id="to-queue"):
    cfg = {"Id": config_id, "QueueArn": arn, "Events": events}
    if rules:
        cfg["Filter"] = {"Key": {"FilterRules": rules}}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [cfg]})


def test_configuration_round_trip_and_test_event(s3, sqs, bucket):
    url, arn = new_queue(sqs)
    assert s3.get_bucket_notification_configuration(Bucket=bucket).get("QueueConfigurations", []) == []
    configure(s3, bucket, arn, ["s3:ObjectCreated:*"], [{"Name": "prefix", "Value": "in/"}])
    got = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert got[0]["QueueArn"] == arn and got[0]["Events"] == ["s3:ObjectCreated:*"]
    assert got[0]["Id"] == "to-queue"
    rules = got[0]["Filter"]["Key"]["FilterRules"]
    assert [(r["Name"].lower(), r["Value"]) for r in rules] == [("prefix", "in/")]
    test_event = receive(sqs, url, 1)
    assert len(test_event) == 1
    assert test_event[0]["Event"] == "s3:TestEvent"
    assert test_event[0]["Service"] == "Amazon S3"
    assert test_event[0]["Bucket"] == bucket
    assert test_event[0]["Time"] and test_event[0]["RequestId"]


def test_object_created_and_removed_records_with_prefix_and_suffix_filter(s3, sqs, bucket):
    url, arn = new_queue(sqs)
    configure(s3, bucket, arn, ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
              [{"Name": "prefix", "Value": "images/"}, {"Name": "suffix", "Value": ".jpg"}])
    assert receive(sqs, url, 1)[0]["Event"] == "s3:TestEvent"

    body = b"jpeg bytes"
    s3.put_object(Bucket=bucket, Key="images/cat.jpg", Body=body)
    s3.put_object(Bucket=bucket, Key="images/cat.png", Body=b"no")  # wrong suffix
    s3.put_object(Bucket=bucket, Key="docs/cat.jpg", Body=b"no")    # wrong prefix
    s3.delete_object(Bucket=bucket, Key="images/cat.jpg")
    got = records(receive(sqs, url, 2))
    time.sleep(0.5)
    got += records(receive(sqs, url, 1, timeout=1.5))  # nothing else may arrive
    assert [r["eventName"] for r in got] == ["ObjectCreated:Put", "ObjectRemoved:Delete"]
    created, removed = got
    assert created["eventSource"] == "aws:s3"
    assert created["eventVersion"].startswith("2.")
    assert created["awsRegion"] == "us-east-1"
    assert created["eventTime"]
    assert created["s3"]["bucket"]["name"] == bucket
    assert created["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert created["s3"]["configurationId"] == "to-queue"
    assert created["s3"]["object"]["key"] == "images/cat.jpg"
    assert created["s3"]["object"]["size"] == len(body)
    assert created["s3"]["object"]["eTag"] == md5_hex(body)
    assert created["s3"]["object"]["sequencer"]
    assert removed["s3"]["object"]["key"] == "images/cat.jpg"
    assert removed["s3"]["object"]["sequencer"] > created["s3"]["object"]["sequencer"]


def test_event_type_filter_copy_multipart_and_delete_marker(s3, sqs, bucket):
    url, arn = new_queue(sqs)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    configure(s3, bucket, arn, ["s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
                                "s3:ObjectRemoved:DeleteMarkerCreated"])
    receive(sqs, url, 1)  # test event
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")  # Put is not subscribed
    s3.copy_object(Bucket=bucket, Key="copied", CopySource={"Bucket": bucket, "Key": "src"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    s3.delete_object(Bucket=bucket, Key="src")
    got = records(receive(sqs, url, 3))
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in got] == [
        ("ObjectCreated:Copy", "copied"), ("ObjectCreated:CompleteMultipartUpload", "mp"),
        ("ObjectRemoved:DeleteMarkerCreated", "src")]
    assert got[0]["s3"]["object"]["versionId"]


def test_keys_in_records_are_url_encoded(s3, sqs, bucket):
    url, arn = new_queue(sqs)
    configure(s3, bucket, arn, ["s3:ObjectCreated:Put"])
    receive(sqs, url, 1)
    s3.put_object(Bucket=bucket, Key="dir/a b+c.txt", Body=b"x")
    got = records(receive(sqs, url, 1))
    assert got[0]["s3"]["object"]["key"] == "dir/a+b%2Bc.txt"


def test_notification_to_missing_queue_is_invalid_argument(s3, bucket):
    with pytest.raises(ClientError) as err:
        configure(s3, bucket, "arn:aws:sqs:us-east-1:000000000000:no-such-queue", ["s3:ObjectCreated:*"])
    assert error_code(err.value) == "InvalidArgument"
    assert http_status(err.value) == 400


def test_overlapping_filters_for_the_same_event_are_rejected(s3, sqs, bucket):
    _, arn = new_queue(sqs)
    cfg = {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
           "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "a/"}]}}}
    with pytest.raises(ClientError) as err:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "QueueConfigurations": [dict(cfg, Id="one"), dict(cfg, Id="two")]})
    assert error_code(err.value) == "InvalidArgument"


def test_empty_configuration_turns_notifications_off(s3, sqs, bucket):
    url, arn = new_queue(sqs)
    configure(s3, bucket, arn, ["s3:ObjectCreated:*"])
    receive(sqs, url, 1)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    s3.put_object(Bucket=bucket, Key="quiet", Body=b"x")
    assert records(receive(sqs, url, 1, timeout=2)) == []
