"""Lambda reserved concurrency (AWS's floor of 100 unreserved executions, 0 throttles every
invoke, GetAccountSettings' UnreservedConcurrentExecutions) and asynchronous-invocation configs
per qualifier through Debian's boto3, with AWS's errors."""

from __future__ import annotations

import datetime

import pytest

from conftest import unique
from lambda_control_helpers import error_of, function_arn, invoke_json, lambda_client, make_function

FLOOR = ("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
         "below its minimum value of [100].")


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def test_put_get_delete_function_concurrency(lam):
    name = unique("fn")
    make_function(lam, name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    assert lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=7)["ReservedConcurrentExecutions"] == 7
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 7
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 7}
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 993
    response = lam.delete_function_concurrency(FunctionName=name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 1000


def test_unreserved_concurrency_must_stay_at_least_100(lam):
    first, second = unique("fn"), unique("fn")
    make_function(lam, first)
    make_function(lam, second)
    code, message, status = error_of(lam.put_function_concurrency, FunctionName=first, ReservedConcurrentExecutions=901)
    assert (code, message, status) == ("InvalidParameterValueException", FLOOR, 400)
    lam.put_function_concurrency(FunctionName=first, ReservedConcurrentExecutions=900)
    code, message, _ = error_of(lam.put_function_concurrency, FunctionName=second, ReservedConcurrentExecutions=1)
    assert (code, message) == ("InvalidParameterValueException", FLOOR)
    # Changing the same function's reservation does not count its old value.
    lam.put_function_concurrency(FunctionName=first, ReservedConcurrentExecutions=850)
    lam.put_function_concurrency(FunctionName=second, ReservedConcurrentExecutions=50)
    assert lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"] == 100


def test_concurrency_errors(nimbus, lam):
    code, message, status = error_of(lam.put_function_concurrency, FunctionName="missing", ReservedConcurrentExecutions=1)
    assert (code, message, status) == ("ResourceNotFoundException", f"Function not found: {function_arn('missing')}", 404)
    name = unique("fn")
    make_function(lam, name)
    code, message, _ = error_of(lam.put_function_concurrency, FunctionName=f"{name}:1", ReservedConcurrentExecutions=1)
    assert code == "InvalidParameterValueException"
    assert message.startswith("This operation is permitted on Lambda functions only.")
    raw = lambda_client(nimbus, validate=False)
    code, message, status = error_of(raw.put_function_concurrency, FunctionName=name, ReservedConcurrentExecutions=-1)
    assert (code, status) == ("ValidationException", 400)


def test_reserved_zero_throttles_every_invoke(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(lam.exceptions.TooManyRequestsException) as caught:
        lam.invoke(FunctionName=name, Payload=b"{}")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert caught.value.response["Error"]["Message"] == "Rate Exceeded."
    assert caught.value.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    lam.delete_function_concurrency(FunctionName=name)
    assert invoke_json(lam, name)[0]["StatusCode"] == 200


def test_put_get_update_delete_event_invoke_config(lam):
    name = unique("fn")
    make_function(lam, name)
    queue = "arn:aws:sqs:us-east-1:000000000000:dlq"
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    put = lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1,
                                               DestinationConfig={"OnFailure": {"Destination": queue}})
    assert put["FunctionArn"] == function_arn(name, "$LATEST")
    assert put["MaximumRetryAttempts"] == 1 and "MaximumEventAgeInSeconds" not in put
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": queue}}
    assert put["LastModified"] > before
    updated = lam.update_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=120)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 120)
    assert updated["DestinationConfig"]["OnFailure"] == {"Destination": queue}
    got = lam.get_function_event_invoke_config(FunctionName=name)
    assert got["MaximumEventAgeInSeconds"] == 120
    # Put replaces the whole config.
    replaced = lam.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=60)
    assert "MaximumRetryAttempts" not in replaced and replaced["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    assert lam.delete_function_event_invoke_config(FunctionName=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, message, status = error_of(lam.get_function_event_invoke_config, FunctionName=name)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert message == f"The function {function_arn(name, '$LATEST')} doesn't have an EventInvokeConfig"


def test_event_invoke_configs_per_qualifier_and_list(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    lam.put_function_event_invoke_config(FunctionName=name, Qualifier="1", MaximumRetryAttempts=1)
    lam.put_function_event_invoke_config(FunctionName=function_arn(name, "live"), MaximumRetryAttempts=2)
    assert lam.get_function_event_invoke_config(FunctionName=name, Qualifier="live")["FunctionArn"] == function_arn(name, "live")
    listed = lam.list_function_event_invoke_configs(FunctionName=name)["FunctionEventInvokeConfigs"]
    assert sorted((c["FunctionArn"], c["MaximumRetryAttempts"]) for c in listed) == sorted([
        (function_arn(name, "$LATEST"), 0), (function_arn(name, "1"), 1), (function_arn(name, "live"), 2)])
    page = lam.list_function_event_invoke_configs(FunctionName=name, MaxItems=2)
    assert len(page["FunctionEventInvokeConfigs"]) == 2 and page["NextMarker"]
    code, message, _ = error_of(lam.put_function_event_invoke_config, FunctionName=name, Qualifier="nope",
                                MaximumRetryAttempts=1)
    assert (code, message) == ("ResourceNotFoundException", "The function doesn't exist.")


def test_event_invoke_config_errors(nimbus, lam):
    name = unique("fn")
    make_function(lam, name)
    code, message, status = error_of(lam.put_function_event_invoke_config, FunctionName=name)
    assert (code, message, status) == ("InvalidParameterValueException",
                                       "You must specify at least one of error handling or destination setting.", 400)
    raw = lambda_client(nimbus, validate=False)
    code, message, status = error_of(raw.put_function_event_invoke_config, FunctionName=name, MaximumRetryAttempts=3)
    assert (code, status) == ("ValidationException", 400)
    code, message, status = error_of(raw.put_function_event_invoke_config, FunctionName=name, MaximumEventAgeInSeconds=59)
    assert (code, status) == ("ValidationException", 400)
    code, _, _ = error_of(raw.put_function_event_invoke_config, FunctionName=name, MaximumEventAgeInSeconds=21601)
    assert code == "ValidationException"
    code, message, _ = error_of(lam.put_function_event_invoke_config, FunctionName=name,
                                DestinationConfig={"OnSuccess": {"Destination": function_arn(name)}})
    assert (code, message) == ("InvalidParameterValueException", "You can't specify the function as a destination for itself.")
    bad = "arn:aws:dynamodb:us-east-1:000000000000:table/t"
    code, message, _ = error_of(lam.put_function_event_invoke_config, FunctionName=name,
                                DestinationConfig={"OnFailure": {"Destination": bad}})
    assert (code, message) == ("InvalidParameterValueException",
                               f"The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination={bad})) is invalid.")
    code, message, _ = error_of(lam.update_function_event_invoke_config, FunctionName=name, MaximumRetryAttempts=1)
    assert (code, message) == ("ResourceNotFoundException", f"The function {function_arn(name, '$LATEST')} doesn't have an EventInvokeConfig")
    code, message, _ = error_of(lam.list_function_event_invoke_configs, FunctionName="missing")
    assert (code, message) == ("ResourceNotFoundException", "The function doesn't exist.")
