"""Lambda with today's S3: function code from S3Bucket/S3Key, and S3 event notifications that
invoke a function through the core's delivery once the function's policy lets S3 do so."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique
from lambda_helpers import ROLE, create_function, invoke, log_messages, make_zip


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


@pytest.fixture
def s3(nimbus):
    return make_client(nimbus.endpoint, service="s3")


@pytest.fixture
def logs(nimbus):
    return make_client(nimbus.endpoint, service="logs")


def test_code_comes_from_an_s3_object_and_a_missing_one_is_refused(lam, s3):
    bucket = unique("code")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="builds/fn.zip",
                  Body=make_zip({"index.py": "def handler(e, c):\n    return {'from': 's3'}\n"}))
    name = unique("s3code")
    lam.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="index.handler",
                        Code={"S3Bucket": bucket, "S3Key": "builds/fn.zip"})
    assert invoke(lam, name, {})[1] == {"from": "s3"}
    with pytest.raises(ClientError) as err:
        lam.create_function(FunctionName=unique("nocode"), Runtime="python3.11", Role=ROLE, Handler="index.handler",
                            Code={"S3Bucket": bucket, "S3Key": "missing.zip"})
    assert err.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert err.value.response["Error"]["Message"].startswith(
        "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message:")


def test_object_created_events_invoke_a_function_that_allows_s3(lam, s3, logs):
    bucket = unique("events")
    s3.create_bucket(Bucket=bucket)
    name = unique("onupload")
    arn = create_function(lam, name, {"index.mjs": """
export const handler = async (event) => {
  for (const record of event.Records) console.log('object', record.eventName, record.s3.object.key, record.s3.object.size);
};"""})["FunctionArn"]
    configuration = {"LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
                                                       "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}}]}
    # Without a permission for S3, the configuration cannot be validated (as on AWS).
    with pytest.raises(ClientError) as err:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)
    assert err.value.response["Error"]["Code"] == "InvalidArgument"
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=configuration)
    s3.put_object(Bucket=bucket, Key="in/data.csv", Body=b"a,b\n1,2\n")
    s3.put_object(Bucket=bucket, Key="other/skip.csv", Body=b"x")
    found = log_messages(logs, f"/aws/lambda/{name}", "object ObjectCreated:Put in/data.csv 8")
    assert len(found) == 1
    assert not log_messages(logs, f"/aws/lambda/{name}", "skip.csv", timeout=1)
