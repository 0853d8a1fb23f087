"""REST APIs through AWS CLI v2 (`aws apigateway ...`): a few commands end to end, and an error exit."""

from __future__ import annotations

import json

import pytest

from rest_helpers import unique

pytestmark = pytest.mark.slow


def test_cli_builds_and_deploys_a_rest_api(aws_cli, tmp_path):
    api = aws_cli("apigateway", "create-rest-api", "--name", unique("cli"), "--tags", "team=cli").json
    api_id = api["id"]
    resources = aws_cli("apigateway", "get-resources", "--rest-api-id", api_id).json["items"]
    root = next(r["id"] for r in resources if r["path"] == "/")
    assert api.get("rootResourceId", root) == root  # AWS CLI v2 knows rootResourceId
    resource = aws_cli("apigateway", "create-resource", "--rest-api-id", api_id, "--parent-id", root,
                       "--path-part", "hello").json
    assert resource["path"] == "/hello"
    aws_cli("apigateway", "put-method", "--rest-api-id", api_id, "--resource-id", resource["id"],
            "--http-method", "GET", "--authorization-type", "NONE")
    integration = aws_cli("apigateway", "put-integration", "--rest-api-id", api_id, "--resource-id", resource["id"],
                          "--http-method", "GET", "--type", "MOCK",
                          "--request-templates", json.dumps({"application/json": '{"statusCode": 200}'})).json
    assert integration["passthroughBehavior"] == "WHEN_NO_MATCH" and integration["timeoutInMillis"] == 29000
    deployment = aws_cli("apigateway", "create-deployment", "--rest-api-id", api_id, "--stage-name", "dev").json
    stage = aws_cli("apigateway", "get-stage", "--rest-api-id", api_id, "--stage-name", "dev").json
    assert stage["deploymentId"] == deployment["id"]
    updated = aws_cli("apigateway", "update-stage", "--rest-api-id", api_id, "--stage-name", "dev",
                      "--patch-operations", "op=replace,path=/variables/color,value=blue").json
    assert updated["variables"] == {"color": "blue"}
    names = aws_cli("apigateway", "get-rest-apis", "--query", "items[].id").json
    assert api_id in names
    spec = tmp_path / "export.json"
    aws_cli("apigateway", "get-export", "--rest-api-id", api_id, "--stage-name", "dev", "--export-type", "oas30",
            "--parameters", "extensions=integrations", str(spec))
    exported = json.loads(spec.read_text())
    assert exported["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]["type"] == "mock"
    aws_cli("apigateway", "delete-rest-api", "--rest-api-id", api_id)


def test_cli_exits_non_zero_on_a_missing_api(aws_cli):
    result = aws_cli("apigateway", "get-rest-api", "--rest-api-id", "nope123456", check=False)
    assert result.returncode == 254
    assert "NotFoundException" in result.stderr
    assert "Invalid API identifier specified 000000000000:nope123456" in result.stderr
