"""Helpers for the Lambda control-plane suites (versions, aliases, permissions, configs, tags,
layers, URLs): a boto3 Lambda client, zips built in memory, and functions created from them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from botocore.exceptions import ClientError

from conftest import make_client

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
ACCOUNT = "000000000000"
REGION = "us-east-1"

NODE_ECHO = "exports.handler = async (event) => ({ version: process.env.AWS_LAMBDA_FUNCTION_VERSION, event });\n"


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, content)
    return buffer.getvalue()


def lambda_client(nimbus, region: str = REGION, access_key: str = "test", validate: bool = True):
    """A Debian boto3 Lambda client; validate=False lets values the model refuses reach nimbus."""
    import boto3
    from botocore.config import Config

    if validate:
        return make_client(nimbus.endpoint, region=region, access_key=access_key, service="lambda")
    return boto3.session.Session().client(
        "lambda", region_name=region, endpoint_url=nimbus.endpoint, aws_access_key_id=access_key,
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False))


def function_arn(name: str, qualifier: str | None = None, region: str = REGION, account: str = ACCOUNT) -> str:
    arn = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def make_function(client, name: str, code: str = NODE_ECHO, runtime: str = "nodejs20.x",
                  handler: str = "index.handler", files: dict | None = None, **extra) -> dict:
    filename = "index.js" if runtime.startswith("nodejs") else "index.py"
    return client.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                                  Code={"ZipFile": zip_bytes(files or {filename: code})}, **extra)


def invoke_json(client, name: str, payload=None, **extra) -> tuple[dict, object]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}).encode(), **extra)
    raw = response["Payload"].read()
    return response, json.loads(raw) if raw else None


def error_of(call, *args, **kwargs) -> tuple[str, str, int]:
    """(code, message, HTTP status) of the ClientError `call` raises."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"]["HTTPStatusCode"]
