"""Requests for AWS services nimbus does not serve: the real clients get 501 NotImplemented in the
service's own protocol (rest-json API Gateway, json Secrets Manager / Kinesis, query IAM), with a message
naming the service, while S3 and SQS keep working on the same endpoint. A case whose service nimbus
has come to serve is skipped."""

import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import AWS_CLI, cli_env, make_client

pytestmark = pytest.mark.slow

# (CLI command, boto3 client + call, the name the message must carry)
CALLS = [
    (["batch", "describe-job-queues"], ("batch", "describe_job_queues"), "(batch)"),
    (["secretsmanager", "list-secrets"], ("secretsmanager", "list_secrets"), "(secretsmanager)"),
    (["kinesis", "list-streams"], ("kinesis", "list_streams"), "(kinesis)"),
    (["iam", "list-users"], ("iam", "list_users"), "(iam)"),
]
IDS = [call[0][0] for call in CALLS]


def served_services(nimbus) -> list[str]:
    return sorted(nimbus.health()["services"])


def skip_if_served(nimbus, service):
    if service in served_services(nimbus):
        pytest.skip(f"nimbus serves {service} now")


@pytest.mark.parametrize("cli_args,boto_call,named", CALLS, ids=IDS)
def test_boto3_gets_not_implemented_naming_the_service(nimbus, cli_args, boto_call, named):
    service, method = boto_call
    skip_if_served(nimbus, service)
    client = make_client(nimbus.endpoint, service=service)
    with pytest.raises(ClientError) as raised:
        getattr(client, method)()
    error = raised.value.response["Error"]
    assert error["Code"] == "NotImplemented"
    assert named in error["Message"]
    assert error["Message"].endswith("; served: " + ", ".join(served_services(nimbus)))
    assert {"s3", "sqs"} <= set(served_services(nimbus))
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


@pytest.mark.parametrize("cli_args,boto_call,named", CALLS, ids=IDS)
def test_aws_cli_reports_not_implemented_naming_the_service(nimbus, cli_args, boto_call, named):
    if not Path(AWS_CLI).exists():
        pytest.skip(f"AWS CLI not found at {AWS_CLI}")
    skip_if_served(nimbus, boto_call[0])
    proc = subprocess.run([AWS_CLI, "--endpoint-url", nimbus.endpoint, *cli_args],
                          env=cli_env(), capture_output=True, text=True, timeout=90)
    assert proc.returncode != 0
    # "An error occurred (NotImplemented) when calling the ListFunctions operation: nimbus does not ..."
    assert "(NotImplemented)" in proc.stderr, proc.stderr
    assert named in proc.stderr, proc.stderr


def test_rest_json_wire_format_of_an_unserved_service(nimbus):
    import requests

    response = requests.post(nimbus.endpoint + "/v1/describejobqueues", json={},
                             headers={"Host": "batch.us-east-1.amazonaws.com"}, timeout=10)
    assert response.status_code == 501
    assert response.headers["x-amzn-ErrorType"] == "NotImplemented"
    assert response.json()["message"].startswith("nimbus does not serve the ")
    assert "(batch)" in response.json()["message"]


def s3_client(endpoint):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3", region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def test_s3_and_sqs_still_work_beside_them(nimbus):
    import requests

    s3 = s3_client(nimbus.endpoint)
    s3.create_bucket(Bucket="still-served")
    s3.put_object(Bucket="still-served", Key="k", Body=b"v")
    assert s3.get_object(Bucket="still-served", Key="k")["Body"].read() == b"v"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "still-served", "Key": "k"})
    assert "X-Amz-Credential=test%2F" in url and "%2Fs3%2Faws4_request" in url
    assert requests.get(url, timeout=10).content == b"v"

    sqs = make_client(nimbus.endpoint)
    queue = sqs.create_queue(QueueName="still-served")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "hello"


def test_a_bucket_named_like_a_service_is_still_a_bucket(nimbus):
    import requests

    s3 = s3_client(nimbus.endpoint)
    s3.create_bucket(Bucket="lambda")
    s3.put_object(Bucket="lambda", Key="k", Body=b"in a bucket")
    for host in (f"lambda.localhost:{nimbus.port}", f"lambda.s3.localhost.localstack.cloud:{nimbus.port}"):
        response = requests.get(f"http://127.0.0.1:{nimbus.port}/k", headers={"Host": host}, timeout=10)
        assert (response.status_code, response.content) == (200, b"in a bucket"), host


def test_s3_and_sqs_through_the_cli_still_work(aws_cli):
    aws_cli("s3", "mb", "s3://still-served-cli")
    assert "still-served-cli" in aws_cli("s3", "ls").stdout
    url = aws_cli("sqs", "create-queue", "--queue-name", "still-served-cli").json["QueueUrl"]
    assert url.endswith("/000000000000/still-served-cli")
