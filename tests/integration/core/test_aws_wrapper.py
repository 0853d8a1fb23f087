"""scripts/aws, the awslocal-style wrapper: runs the AWS CLI against nimbus from a clean
environment (no AWS_* variables, an empty HOME) and keeps whatever the user did set."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import AWS_CLI, REPO

pytestmark = pytest.mark.slow

WRAPPER = REPO / "scripts" / "aws"


@pytest.fixture
def run_wrapper(nimbus, tmp_path):
    if not Path(AWS_CLI).exists():
        pytest.skip(f"AWS CLI not found at {AWS_CLI}")
    home = tmp_path / "home"
    home.mkdir()

    def run(*args, **env):
        clean = {"PATH": f"{Path(AWS_CLI).parent}:/usr/bin:/bin", "HOME": str(home), "AWS_PAGER": "",
                 "NIMBUS_PORT": str(nimbus.port)}
        clean.update(env)
        proc = subprocess.run([str(WRAPPER), *args], env=clean, capture_output=True, text=True, timeout=90)
        assert proc.returncode == 0, f"scripts/aws {' '.join(args)} -> {proc.returncode}: {proc.stderr}"
        return json.loads(proc.stdout) if proc.stdout.strip() else None
    return run


def test_creates_a_queue_with_no_aws_configuration(run_wrapper, sqs):
    url = run_wrapper("sqs", "create-queue", "--queue-name", "wrapped")["QueueUrl"]
    assert url.endswith("/000000000000/wrapped")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == "arn:aws:sqs:us-east-1:000000000000:wrapped"


def test_keeps_the_users_region_and_account(run_wrapper):
    url = run_wrapper("sqs", "create-queue", "--queue-name", "mine",
                      AWS_ACCESS_KEY_ID="123456789012", AWS_SECRET_ACCESS_KEY="x",
                      AWS_DEFAULT_REGION="eu-west-1")["QueueUrl"]
    assert url.endswith("/123456789012/mine")
    attributes = run_wrapper("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "QueueArn",
                             AWS_ACCESS_KEY_ID="123456789012", AWS_SECRET_ACCESS_KEY="x",
                             AWS_DEFAULT_REGION="eu-west-1")
    assert attributes["Attributes"]["QueueArn"] == "arn:aws:sqs:eu-west-1:123456789012:mine"


def test_endpoint_from_nimbus_endpoint(run_wrapper, nimbus):
    run_wrapper("sqs", "create-queue", "--queue-name", "by-endpoint",
                NIMBUS_PORT="1", NIMBUS_ENDPOINT=f"http://127.0.0.1:{nimbus.port}")
    listed = run_wrapper("sqs", "list-queues", NIMBUS_HOST="127.0.0.1")
    assert any(url.endswith("/by-endpoint") for url in listed["QueueUrls"])
