"""Helpers for the REST API serving suites: a REST API built through boto3 one method at a time,
Lambda functions API Gateway may invoke, and calls to invoke URLs (host and path forms)."""

from __future__ import annotations

import os
import sys

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lambda"))

from conftest import make_client, unique  # noqa: E402
from lambda_helpers import create_function  # noqa: E402

LAMBDA_URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations"


def lambda_function(lam, source: str, allow_api_gateway: bool = True) -> str:
    """A Node.js function; with allow_api_gateway its policy lets API Gateway invoke it. Its ARN."""
    name = unique("fn")
    arn = create_function(lam, name, {"index.mjs": source})["FunctionArn"]
    if allow_api_gateway:
        lam.add_permission(FunctionName=name, StatementId="apigw", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com",
                           SourceArn="arn:aws:execute-api:us-east-1:000000000000:*")
    return arn


class RestApi:
    """A REST API under construction: resources by path, methods and integrations, one deployment."""

    def __init__(self, nimbus, name: str | None = None, **create):
        self.nimbus = nimbus
        self.client = make_client(nimbus.endpoint, service="apigateway")
        self.id = self.client.create_rest_api(name=name or unique("api"), **create)["id"]
        self.resources = {r["path"]: r["id"] for r in self.client.get_resources(restApiId=self.id)["items"]}

    def resource(self, path: str) -> str:
        if path in self.resources:
            return self.resources[path]
        parent, part = path.rsplit("/", 1)
        parent_id = self.resource(parent or "/")
        created = self.client.create_resource(restApiId=self.id, parentId=parent_id, pathPart=part)
        self.resources[path] = created["id"]
        return created["id"]

    def method(self, path: str, http_method: str, integration: dict, authorization: str = "NONE", **method):
        resource_id = self.resource(path)
        self.client.put_method(restApiId=self.id, resourceId=resource_id, httpMethod=http_method,
                               authorizationType=authorization, **method)
        responses = integration.pop("responses", None)
        self.client.put_integration(restApiId=self.id, resourceId=resource_id, httpMethod=http_method, **integration)
        for status, response in (responses or {}).items():
            self.client.put_method_response(restApiId=self.id, resourceId=resource_id, httpMethod=http_method,
                                            statusCode=status,
                                            responseParameters={k: False for k in
                                                                response.get("responseParameters", {})})
            self.client.put_integration_response(restApiId=self.id, resourceId=resource_id, httpMethod=http_method,
                                                 statusCode=status, **response)
        return resource_id

    def lambda_proxy(self, path: str, http_method: str, function_arn: str, **method):
        return self.method(path, http_method, {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                               "uri": LAMBDA_URI.format(function_arn)}, **method)

    def deploy(self, stage: str = "prod", **extra):
        return self.client.create_deployment(restApiId=self.id, stageName=stage, **extra)

    def call(self, stage: str, path: str, method: str = "GET", headers: dict | None = None, **kwargs):
        """A request to the host-form invoke URL <id>.execute-api.localhost.localstack.cloud."""
        all_headers = {"Host": f"{self.id}.execute-api.localhost.localstack.cloud:{self.nimbus.port}",
                       **(headers or {})}
        return requests.request(method, f"http://127.0.0.1:{self.nimbus.port}/{stage}{path}", headers=all_headers,
                                timeout=30, **kwargs)

    def call_path_form(self, stage: str, path: str, method: str = "GET", **kwargs):
        return requests.request(method, f"{self.nimbus.endpoint}/restapis/{self.id}/{stage}/_user_request_{path}",
                                timeout=30, **kwargs)
