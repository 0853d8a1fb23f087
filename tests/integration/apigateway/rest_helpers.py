"""Helpers for the REST API (apigateway) management suites: the client, errors, and small
builders (an API with its root, a resource with a MOCK method ready to deploy)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique  # noqa: F401  (re-exported for the suites)

ACCOUNT = "000000000000"


def apigateway(nimbus):
    return make_client(nimbus.endpoint, service="apigateway")


def error_of(call, *args, **kwargs) -> dict:
    """The error response of a call that must fail."""
    with pytest.raises(ClientError) as info:
        call(*args, **kwargs)
    return info.value.response


def assert_error(response: dict, code: str, status: int, message: str | None = None) -> None:
    assert response["Error"]["Code"] == code, response["Error"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response["ResponseMetadata"]
    if message is not None:
        assert response["Error"]["Message"] == message


def root_of(client, api_id: str) -> str:
    """The root resource's id (botocore 1.29 drops CreateRestApi's rootResourceId)."""
    return next(item["id"] for item in client.get_resources(restApiId=api_id)["items"] if item["path"] == "/")


def new_api(client, **kwargs) -> tuple[str, str]:
    """A new REST API: (api id, root resource id)."""
    api_id = client.create_rest_api(name=kwargs.pop("name", unique("api")), **kwargs)["id"]
    return api_id, root_of(client, api_id)


def mock_method(client, api_id: str, resource_id: str, http_method: str = "GET") -> None:
    """A method with a MOCK integration answering 200: enough for a deployment."""
    client.put_method(restApiId=api_id, resourceId=resource_id, httpMethod=http_method, authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=resource_id, httpMethod=http_method, type="MOCK",
                           requestTemplates={"application/json": '{"statusCode": 200}'})
    client.put_method_response(restApiId=api_id, resourceId=resource_id, httpMethod=http_method, statusCode="200")
    client.put_integration_response(restApiId=api_id, resourceId=resource_id, httpMethod=http_method,
                                    statusCode="200", responseTemplates={"application/json": '{"ok": true}'})


def deployed_api(client, stage: str = "dev") -> tuple[str, str, str]:
    """An API with GET / (MOCK) deployed to `stage`: (api id, root id, deployment id)."""
    api_id, root = new_api(client)
    mock_method(client, api_id, root)
    deployment = client.create_deployment(restApiId=api_id, stageName=stage)["id"]
    return api_id, root, deployment


def api_arn(api_id: str, stage: str | None = None, region: str = "us-east-1") -> str:
    arn = f"arn:aws:apigateway:{region}::/restapis/{api_id}"
    return arn + f"/stages/{stage}" if stage else arn
