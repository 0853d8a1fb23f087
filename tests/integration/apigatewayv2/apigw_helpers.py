"""Helpers for the HTTP API suites: clients, Lambda functions API Gateway may invoke, and calls
to invoke URLs (host form <apiId>.execute-api.<region>.localhost:<port>, or the path form)."""

from __future__ import annotations

import os
import sys

import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lambda"))

from conftest import make_client, unique  # noqa: E402
from lambda_helpers import create_function  # noqa: E402

ECHO = """
export const handler = async (event) => {
  return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-echo': 'yes' },
           cookies: ['a=1', 'b=2'], body: JSON.stringify(event) };
};"""


def clients(nimbus):
    return (make_client(nimbus.endpoint, service="apigatewayv2"), make_client(nimbus.endpoint, service="lambda"))


def lambda_function(lam, source: str, name: str | None = None) -> str:
    """A Node.js function API Gateway may invoke; returns its ARN."""
    name = name or unique("fn")
    arn = create_function(lam, name, {"index.mjs": source})["FunctionArn"]
    lam.add_permission(FunctionName=name, StatementId="apigw", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com")
    return arn


def invoke(nimbus, api_id: str, path: str, method: str = "GET", headers: dict | None = None, **kwargs):
    """A request to the API's invoke URL in the host form."""
    all_headers = {"Host": f"{api_id}.execute-api.us-east-1.localhost:{nimbus.port}", **(headers or {})}
    return requests.request(method, f"http://127.0.0.1:{nimbus.port}{path}", headers=all_headers, timeout=30,
                            **kwargs)


def invoke_path_form(nimbus, api_id: str, stage: str, path: str, method: str = "GET", **kwargs):
    return requests.request(method, f"http://127.0.0.1:{nimbus.port}/restapis/{api_id}/{stage}/_user_request_{path}",
                            timeout=30, **kwargs)
