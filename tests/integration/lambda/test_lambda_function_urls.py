"""Function URLs served over HTTP: requests to <url-id>.lambda-url.<region>.<domain> invoke the
function with the payload format 2.0 event, and its answer becomes the HTTP response."""

from __future__ import annotations

import base64
import json

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import make_client, unique
from lambda_helpers import create_function

ECHO = """
export const handler = async (event) => {
  if (event.rawPath === '/fail') throw new Error('boom');
  if (event.rawPath === '/plain') return { hello: 'world' };
  if (event.rawPath === '/binary') return { statusCode: 200, isBase64Encoded: true,
                                            headers: { 'content-type': 'application/octet-stream' },
                                            body: Buffer.from([0, 1, 2, 255]).toString('base64') };
  return { statusCode: 201, headers: { 'x-echo': 'yes', 'content-type': 'application/json' }, cookies: ['a=1'],
           body: JSON.stringify(event) };
};"""


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


def url_host(config: dict, port: int) -> str:
    url_id = config["FunctionUrl"].split("//")[1].split(".")[0]
    return f"{url_id}.lambda-url.us-east-1.localhost:{port}"


def test_a_public_url_invokes_with_the_v2_event_and_answers_what_the_function_returns(lam, nimbus):
    name = unique("url")
    create_function(lam, name, {"index.mjs": ECHO})
    config = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    host = url_host(config, nimbus.port)
    response = requests.post(f"{nimbus.endpoint}/orders/9?item=a&item=b", data=b'{"qty": 2}',
                             headers={"Host": host, "Content-Type": "application/json", "Cookie": "s=1; t=2"},
                             timeout=30)
    assert response.status_code == 201 and response.headers["x-echo"] == "yes"
    assert response.headers["Set-Cookie"] == "a=1"
    event = response.json()
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/orders/9" and event["rawQueryString"] == "item=a&item=b"
    assert event["queryStringParameters"] == {"item": "a,b"}
    assert event["cookies"] == ["s=1", "t=2"] and "cookie" not in event["headers"]
    assert event["headers"]["content-type"] == "application/json"
    assert event["body"] == '{"qty": 2}' and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"]["method"] == "POST" and context["http"]["path"] == "/orders/9"
    assert context["accountId"] == "anonymous" and context["stage"] == "$default"
    assert context["domainPrefix"] == host.split(".")[0]

    plain = requests.get(f"{nimbus.endpoint}/plain", headers={"Host": host}, timeout=30)
    assert plain.status_code == 200 and plain.json() == {"hello": "world"}
    binary = requests.put(f"{nimbus.endpoint}/binary", data=b"\x00\xff", timeout=30,
                          headers={"Host": host, "Content-Type": "application/octet-stream"})
    assert binary.content == bytes([0, 1, 2, 255])
    failed = requests.get(f"{nimbus.endpoint}/fail", headers={"Host": host}, timeout=30)
    assert failed.status_code == 502
    unknown = requests.get(f"{nimbus.endpoint}/", headers={"Host": f"nosuchurl.lambda-url.us-east-1.localhost:{nimbus.port}"},
                           timeout=30)
    assert unknown.status_code == 403


def test_a_binary_request_body_arrives_base64_encoded(lam, nimbus):
    name = unique("urlbin")
    create_function(lam, name, {"index.mjs": ECHO})
    host = url_host(lam.create_function_url_config(FunctionName=name, AuthType="NONE"), nimbus.port)
    response = requests.post(f"{nimbus.endpoint}/upload", data=b"\x00\x01binary", timeout=30,
                             headers={"Host": host, "Content-Type": "application/octet-stream"})
    event = response.json()
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\x01binary"


def test_an_aws_iam_url_refuses_unsigned_requests_and_serves_signed_ones(lam, nimbus):
    name = unique("urliam")
    create_function(lam, name, {"index.mjs": ECHO})
    host = url_host(lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM"), nimbus.port)
    assert requests.get(f"{nimbus.endpoint}/x", headers={"Host": host}, timeout=30).status_code == 403
    request = AWSRequest(method="GET", url=f"http://{host}/x", headers={"Host": host})
    SigV4Auth(Credentials("test", "test"), "lambda", "us-east-1").add_auth(request)
    signed = requests.get(f"{nimbus.endpoint}/x", headers=dict(request.headers), timeout=30)
    assert signed.status_code == 201
    iam = signed.json()["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == "test" and iam["accountId"] == "000000000000"


def test_cors_preflights_are_answered_from_the_url_config_and_responses_carry_its_headers(lam, nimbus):
    name = unique("cors")
    create_function(lam, name, {"index.mjs": ECHO})
    config = lam.create_function_url_config(FunctionName=name, AuthType="AWS_IAM", Cors={
        "AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["content-type", "x-token"], "ExposeHeaders": ["x-echo"], "MaxAge": 300,
        "AllowCredentials": True})
    host = url_host(config, nimbus.port)
    # An unsigned preflight is answered by Lambda itself, even for an AWS_IAM URL.
    preflight = requests.options(f"{nimbus.endpoint}/orders", timeout=30, headers={
        "Host": host, "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type,x-token"
    assert preflight.headers["Access-Control-Max-Age"] == "300"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    refused = requests.options(f"{nimbus.endpoint}/orders", timeout=30, headers={
        "Host": host, "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in refused.headers
    lam.update_function_url_config(FunctionName=name, AuthType="NONE",
                                   Cors={"AllowOrigins": ["*"], "ExposeHeaders": ["x-echo"]})
    response = requests.get(f"{nimbus.endpoint}/x", timeout=30,
                            headers={"Host": host, "Origin": "https://app.example.com"})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "x-echo"
