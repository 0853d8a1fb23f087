"""Lambda function URL configs through Debian's boto3: Create/Get/Update/Delete/List per
qualifier ($LATEST or an alias), the URL's form, and AWS's errors."""

from __future__ import annotations

import re

import pytest

from conftest import unique
from lambda_control_helpers import error_of, function_arn, lambda_client, make_function

URL = re.compile(r"^https://[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws/$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def test_create_get_update_delete_url_config(lam):
    name = unique("fn")
    make_function(lam, name)
    created = lam.create_function_url_config(FunctionName=name, AuthType="NONE",
                                             Cors={"AllowOrigins": ["https://example.com"], "MaxAge": 60})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert URL.match(created["FunctionUrl"]), created["FunctionUrl"]
    assert created["FunctionArn"] == function_arn(name)
    assert created["AuthType"] == "NONE"  # (Debian's botocore predates InvokeMode: the Node.js suite checks it)
    assert created["Cors"] == {"AllowOrigins": ["https://example.com"], "MaxAge": 60}
    assert ISO.match(created["CreationTime"])
    got = lam.get_function_url_config(FunctionName=name)
    assert got["FunctionUrl"] == created["FunctionUrl"] and ISO.match(got["LastModifiedTime"])
    updated = lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert updated["AuthType"] == "AWS_IAM"
    assert updated["Cors"] == created["Cors"] and updated["FunctionUrl"] == created["FunctionUrl"]
    assert lam.delete_function_url_config(FunctionName=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, message, status = error_of(lam.get_function_url_config, FunctionName=name)
    assert (code, message, status) == ("ResourceNotFoundException", "The resource you requested does not exist.", 404)


def test_url_configs_per_alias_and_list(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    latest = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    live = lam.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="AWS_IAM")
    assert live["FunctionArn"] == function_arn(name, "live") and live["FunctionUrl"] != latest["FunctionUrl"]
    listed = lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == sorted([function_arn(name), function_arn(name, "live")])
    page = lam.list_function_url_configs(FunctionName=name, MaxItems=1)
    assert len(page["FunctionUrlConfigs"]) == 1 and page["NextMarker"]
    # Deleting the alias removes its URL.
    lam.delete_alias(FunctionName=name, Name="live")
    assert [c["FunctionArn"] for c in lam.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]] == [function_arn(name)]


def test_url_config_errors(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    code, message, status = error_of(lam.create_function_url_config, FunctionName=name, AuthType="NONE")
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == (f"Failed to create function url config for [functionArn = {function_arn(name)}]. "
                       "Error message:  FunctionUrlConfig exists for this Lambda function")
    code, message, status = error_of(lam.create_function_url_config, FunctionName="missing", AuthType="NONE")
    assert (code, message, status) == ("ResourceNotFoundException", "Function does not exist", 404)
    code, message, _ = error_of(lam.create_function_url_config, FunctionName=name, Qualifier="ghost", AuthType="NONE")
    assert (code, message) == ("ResourceNotFoundException", "Function does not exist")
    code, message, status = error_of(lam.create_function_url_config, FunctionName=name, Qualifier="$LATEST", AuthType="NONE")
    assert (code, status) == ("ValidationException", 400)
    code, message, status = error_of(lam.get_function_url_config, FunctionName=name, Qualifier="1")
    assert (code, status) == ("ValidationException", 400)
    assert "Value '1' at 'qualifier' failed to satisfy constraint" in message
    code, _, status = error_of(lam.delete_function_url_config, FunctionName="missing")
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, message, _ = error_of(lam.list_function_url_configs, FunctionName="missing")
    assert (code, message) == ("ResourceNotFoundException", "Function does not exist")
