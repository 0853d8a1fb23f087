"""Lambda versions and aliases through Debian's boto3: PublishVersion and its preconditions,
ListVersionsByFunction pages, aliases with RoutingConfig (Invoke of a weighted alias runs both
versions and reports ExecutedVersion), ListAliases by version, and AWS's errors for each."""

from __future__ import annotations

import pytest

from conftest import unique
from lambda_control_helpers import NODE_ECHO, error_of, function_arn, invoke_json, lambda_client, make_function, zip_bytes


@pytest.fixture
def lam(nimbus):
    return lambda_client(nimbus)


def test_publish_version_copies_latest_and_returns_201(lam):
    name = unique("fn")
    make_function(lam, name, Description="base")
    response = lam.publish_version(FunctionName=name, Description="first release")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["Version"] == "1"
    assert response["FunctionArn"] == function_arn(name, "1")
    assert response["Description"] == "first release"
    config = lam.get_function_configuration(FunctionName=name, Qualifier="1")
    assert config["Version"] == "1"
    assert config["CodeSha256"] == lam.get_function_configuration(FunctionName=name)["CodeSha256"]


def test_publish_unchanged_function_returns_the_latest_version(lam):
    name = unique("fn")
    make_function(lam, name)
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.update_function_configuration(FunctionName=name, Timeout=10)
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    lam.update_function_code(FunctionName=name, ZipFile=zip_bytes({"index.js": NODE_ECHO + "// v3\n"}))
    assert lam.publish_version(FunctionName=name)["Version"] == "3"
    assert lam.publish_version(FunctionName=name)["Version"] == "3"


def test_publish_version_with_wrong_code_sha256_is_invalid_parameter(lam):
    name = unique("fn")
    sha = make_function(lam, name)["CodeSha256"]
    code, message, status = error_of(lam.publish_version, FunctionName=name, CodeSha256="abc")
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message == (f"CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST ({sha}). "
                       "Please try again with the CodeSHA256 in $LATEST.")
    assert lam.publish_version(FunctionName=name, CodeSha256=sha)["Version"] == "1"


def test_publish_version_with_stale_revision_id_is_precondition_failed(lam):
    name = unique("fn")
    revision = make_function(lam, name)["RevisionId"]
    lam.update_function_configuration(FunctionName=name, Timeout=5)
    code, message, status = error_of(lam.publish_version, FunctionName=name, RevisionId=revision)
    assert (code, status) == ("PreconditionFailedException", 412)
    assert message.startswith("The Revision Id provided does not match the latest Revision Id.")
    current = lam.get_function_configuration(FunctionName=name)["RevisionId"]
    assert lam.publish_version(FunctionName=name, RevisionId=current)["Version"] == "1"


def test_publish_version_of_missing_function_is_not_found(lam):
    code, message, status = error_of(lam.publish_version, FunctionName="nope")
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert message == f"Function not found: {function_arn('nope')}"


def test_list_versions_by_function_pages_with_marker(lam):
    name = unique("fn")
    make_function(lam, name)
    for timeout in (4, 5, 6):
        lam.update_function_configuration(FunctionName=name, Timeout=timeout)
        lam.publish_version(FunctionName=name)
    first = lam.list_versions_by_function(FunctionName=name, MaxItems=2)
    assert [v["Version"] for v in first["Versions"]] == ["$LATEST", "1"]
    assert first["Versions"][0]["FunctionArn"] == function_arn(name, "$LATEST")
    second = lam.list_versions_by_function(FunctionName=name, MaxItems=2, Marker=first["NextMarker"])
    assert [v["Version"] for v in second["Versions"]] == ["2", "3"]
    assert "NextMarker" not in second
    paged = lam.get_paginator("list_versions_by_function").paginate(FunctionName=name, PaginationConfig={"PageSize": 1})
    assert [v["Version"] for page in paged for v in page["Versions"]] == ["$LATEST", "1", "2", "3"]


def test_delete_version_then_list(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.delete_function(FunctionName=name, Qualifier="1")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST"]


def test_create_get_update_delete_alias(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    created = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", Description="prod")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["AliasArn"] == function_arn(name, "live")
    assert (created["Name"], created["FunctionVersion"], created["Description"]) == ("live", "1", "prod")
    assert "RoutingConfig" not in created
    got = lam.get_alias(FunctionName=name, Name="live")
    assert got["RevisionId"] == created["RevisionId"]

    lam.update_function_configuration(FunctionName=name, Timeout=9)
    lam.publish_version(FunctionName=name)
    updated = lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RevisionId=got["RevisionId"])
    assert updated["FunctionVersion"] == "2" and updated["Description"] == "prod"
    assert updated["RevisionId"] != got["RevisionId"]
    code, _, status = error_of(lam.update_alias, FunctionName=name, Name="live", Description="x",
                               RevisionId=got["RevisionId"])
    assert (code, status) == ("PreconditionFailedException", 412)

    assert lam.get_function_configuration(FunctionName=name, Qualifier="live")["Version"] == "2"
    assert lam.delete_alias(FunctionName=name, Name="live")["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, message, status = error_of(lam.get_alias, FunctionName=name, Name="live")
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert message == f"Cannot find alias arn: {function_arn(name, 'live')}"


def test_alias_errors(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    code, message, status = error_of(lam.create_alias, FunctionName=name, Name="live", FunctionVersion="1")
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == f"Alias already exists: {function_arn(name, 'live')}"
    code, message, status = error_of(lam.create_alias, FunctionName=name, Name="other", FunctionVersion="7")
    assert (code, status, message) == ("ResourceNotFoundException", 404, f"Function not found: {function_arn(name, '7')}")
    code, message, status = error_of(lam.create_alias, FunctionName="missing", Name="a", FunctionVersion="1")
    assert (code, status) == ("ResourceNotFoundException", 404)
    code, message, status = error_of(lam.create_alias, FunctionName=name, Name="123", FunctionVersion="1")
    assert (code, status) == ("ValidationException", 400)
    assert "at 'name' failed to satisfy constraint" in message
    code, message, _ = error_of(lam.update_alias, FunctionName=name, Name="ghost", Description="x")
    assert (code, message) == ("ResourceNotFoundException", f"Alias not found: {function_arn(name, 'ghost')}")
    # Deleting an alias that does not exist succeeds (204), as on AWS.
    assert lam.delete_alias(FunctionName=name, Name="ghost")["ResponseMetadata"]["HTTPStatusCode"] == 204
    # An alias keeps its version from being deleted.
    code, message, status = error_of(lam.delete_function, FunctionName=name, Qualifier="1")
    assert (code, status) == ("ResourceConflictException", 409)


def test_routing_config_errors(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    code, message, _ = error_of(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                                RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
    assert (code, message) == ("InvalidParameterValueException",
                               "Invalid function version 1. Function version 1 is already included in routing configuration.")
    code, message, _ = error_of(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="$LATEST",
                                RoutingConfig={"AdditionalVersionWeights": {"1": 0.5}})
    assert (code, message) == ("InvalidParameterValueException",
                               "$LATEST is not supported for an alias pointing to more than 1 version")
    code, message, _ = error_of(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                                RoutingConfig={"AdditionalVersionWeights": {"9": 0.5}})
    assert (code, message) == ("ResourceNotFoundException", f"Function not found: {function_arn(name, '9')}")
    lam.update_function_configuration(FunctionName=name, Timeout=7)
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Timeout=8)
    lam.publish_version(FunctionName=name)
    code, message, _ = error_of(lam.create_alias, FunctionName=name, Name="a", FunctionVersion="1",
                                RoutingConfig={"AdditionalVersionWeights": {"2": 0.3, "3": 0.3}})
    assert (code, message) == ("InvalidParameterValueException",
                               "Number of items in AdditionalVersionWeights cannot be greater than 1")


def test_weighted_alias_invokes_both_versions(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.update_function_code(FunctionName=name, ZipFile=zip_bytes({"index.js": NODE_ECHO + "// two\n"}))
    lam.publish_version(FunctionName=name)
    alias = lam.create_alias(FunctionName=name, Name="canary", FunctionVersion="1",
                             RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.5}}
    seen = {}
    for _ in range(40):
        response, body = invoke_json(lam, name, Qualifier="canary")
        assert response["ExecutedVersion"] == body["version"]
        seen[response["ExecutedVersion"]] = seen.get(response["ExecutedVersion"], 0) + 1
    assert set(seen) == {"1", "2"}, seen
    # GetFunctionConfiguration of the alias names its primary version, not a weighted pick.
    for _ in range(5):
        assert lam.get_function_configuration(FunctionName=name, Qualifier="canary")["Version"] == "1"
    # An empty routing configuration removes the weights: only version 1 runs.
    cleared = lam.update_alias(FunctionName=name, Name="canary", RoutingConfig={"AdditionalVersionWeights": {}})
    assert "RoutingConfig" not in cleared
    for _ in range(5):
        assert invoke_json(lam, name, Qualifier="canary")[0]["ExecutedVersion"] == "1"


def test_list_aliases_filters_by_version_and_pages(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="a1", FunctionVersion="1")
    lam.create_alias(FunctionName=name, Name="b1", FunctionVersion="1")
    lam.create_alias(FunctionName=name, Name="latest", FunctionVersion="$LATEST")
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["a1", "b1", "latest"]
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name, FunctionVersion="1")["Aliases"]] == ["a1", "b1"]
    page = lam.list_aliases(FunctionName=name, MaxItems=2)
    assert len(page["Aliases"]) == 2 and page["NextMarker"]
    rest = lam.list_aliases(FunctionName=name, MaxItems=2, Marker=page["NextMarker"])
    assert [a["Name"] for a in rest["Aliases"]] == ["latest"] and "NextMarker" not in rest
    code, _, status = error_of(lam.list_aliases, FunctionName="missing")
    assert (code, status) == ("ResourceNotFoundException", 404)


def test_invoke_alias_reports_version_and_arn(lam):
    name = unique("fn")
    make_function(lam, name)
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    response, body = invoke_json(lam, function_arn(name, "live"))
    assert response["ExecutedVersion"] == "1" and body["version"] == "1"
    response, body = invoke_json(lam, name)
    assert response["ExecutedVersion"] == "$LATEST"
