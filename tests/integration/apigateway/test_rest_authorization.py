"""Who may call a REST API method: AWS_IAM (the caller's SigV4 signature for execute-api), Lambda
authorizers (TOKEN and REQUEST: policies, context, caching, Unauthorized) and Cognito tokens."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import make_client
from rest_invoke_helpers import LAMBDA_URI, RestApi, lambda_function

ECHO = """
export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext) });"""

# Allows "allow-*" tokens (context echoed), denies "deny", and answers Unauthorized otherwise;
# counts its calls in /tmp so caching is observable.
TOKEN_AUTHORIZER = """
import fs from 'node:fs';
export const handler = async (event) => {
  const count = Number(fs.existsSync('/tmp/calls') ? fs.readFileSync('/tmp/calls', 'utf8') : '0') + 1;
  fs.writeFileSync('/tmp/calls', String(count));
  const token = event.authorizationToken || event.headers?.['X-Token'];
  if (token === 'deny') return { principalId: 'bad', policyDocument: { Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] } };
  if (!token || !token.startsWith('allow')) throw new Error('Unauthorized');
  return { principalId: 'user-' + token, usageIdentifierKey: undefined,
           policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow',
             Resource: event.methodArn.split('/').slice(0, 2).join('/') + '/*' }] },
           context: { calls: count, type: event.type, methodArn: event.methodArn } };
};"""


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


def signed(method: str, url: str, host: str, body: bytes = b"", key: str = "test", secret: str = "test",
           service: str = "execute-api") -> requests.Response:
    request = AWSRequest(method=method, url=url, data=body, headers={"Host": host})
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return requests.request(method, url, data=body, headers=dict(request.headers), timeout=30)


def iam_api(nimbus, lam) -> RestApi:
    api = RestApi(nimbus)
    api.lambda_proxy("/users/{id}", "GET", lambda_function(lam, ECHO), authorization="AWS_IAM")
    api.deploy("prod")
    return api


def test_aws_iam_methods_admit_signed_callers_and_pass_their_identity(nimbus, lam):
    api = iam_api(nimbus, lam)
    url = f"{nimbus.endpoint}/restapis/{api.id}/prod/_user_request_/users/1"
    response = signed("GET", url, f"127.0.0.1:{nimbus.port}", key="AKIDEXAMPLE123")
    assert response.status_code == 200, response.text
    identity = response.json()["identity"]
    assert identity["accessKey"] == "AKIDEXAMPLE123" and identity["accountId"] == "000000000000"
    assert identity["userArn"] == "arn:aws:iam::000000000000:root"


def test_aws_iam_methods_refuse_unsigned_and_wrongly_scoped_calls(nimbus, lam):
    api = iam_api(nimbus, lam)
    response = api.call("prod", "/users/1")
    assert response.status_code == 403 and response.json() == {"message": "Missing Authentication Token"}
    url = f"{nimbus.endpoint}/restapis/{api.id}/prod/_user_request_/users/1"
    response = signed("GET", url, f"127.0.0.1:{nimbus.port}", service="lambda")
    assert response.status_code == 403
    assert "execute-api" in response.json()["message"]


@pytest.fixture
def verifying_server(server_factory, tmp_path):
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps({"credentials": [
        {"access_key_id": "AKIAVERIFY", "secret_access_key": "right-secret", "account_id": "111122223333"}]}))
    return server_factory(["--auth", "verify", "--credentials", str(creds)])


def test_under_auth_verify_signatures_are_checked_against_the_credentials(verifying_server):
    server = verifying_server
    lam = make_client(server.endpoint, service="lambda", access_key="AKIAVERIFY", secret_key="right-secret")
    apigw = make_client(server.endpoint, service="apigateway", access_key="AKIAVERIFY", secret_key="right-secret")
    api_id = apigw.create_rest_api(name="verified")["id"]
    root = apigw.get_resources(restApiId=api_id)["items"][0]["id"]
    name = "fn-verified"
    from lambda_helpers import create_function
    arn = create_function(lam, name, {"index.mjs": ECHO}, Role="arn:aws:iam::111122223333:role/r")["FunctionArn"] \
        if False else create_function(lam, name, {"index.mjs": ECHO})["FunctionArn"]
    lam.add_permission(FunctionName=name, StatementId="apigw", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com")
    apigw.put_method(restApiId=api_id, resourceId=root, httpMethod="POST", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="POST", type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=LAMBDA_URI.format(arn))
    apigw.create_deployment(restApiId=api_id, stageName="v1")
    url = f"{server.endpoint}/restapis/{api_id}/v1/_user_request_/"
    host = f"127.0.0.1:{server.port}"
    good = signed("POST", url, host, b'{"a": 1}', key="AKIAVERIFY", secret="right-secret")
    assert good.status_code == 200, good.text
    assert good.json()["identity"]["accountId"] == "111122223333"
    bad = signed("POST", url, host, b'{"a": 1}', key="AKIAVERIFY", secret="wrong-secret")
    assert bad.status_code == 403 and "signature" in bad.json()["message"].lower()
    unknown = signed("POST", url, host, b"", key="AKIAUNKNOWN", secret="x")
    assert unknown.status_code == 403
    assert unknown.json() == {"message": "The security token included in the request is invalid."}
    assert requests.post(url, timeout=30).json() == {"message": "Missing Authentication Token"}


def authorizer_api(nimbus, lam, kind: str, ttl: int = 300) -> RestApi:
    api = RestApi(nimbus)
    function = lambda_function(lam, TOKEN_AUTHORIZER)
    extra = {"identitySource": "method.request.header.Authorization"} if kind == "TOKEN" else \
        {"identitySource": "method.request.header.X-Token"}
    authorizer = api.client.create_authorizer(restApiId=api.id, name="auth", type=kind,
                                              authorizerUri=LAMBDA_URI.format(function),
                                              authorizerResultTtlInSeconds=ttl, **extra)
    api.lambda_proxy("/things/{id}", "GET", lambda_function(lam, ECHO), authorization="CUSTOM",
                     authorizerId=authorizer["id"])
    api.deploy("prod")
    return api


def test_a_token_authorizer_allows_denies_and_passes_its_context(nimbus, lam):
    api = authorizer_api(nimbus, lam, "TOKEN")
    allowed = api.call("prod", "/things/1", headers={"Authorization": "allow-1"})
    assert allowed.status_code == 200, allowed.text
    authorizer = allowed.json()["authorizer"]
    assert authorizer["principalId"] == "user-allow-1" and authorizer["type"] == "TOKEN"
    assert authorizer["methodArn"] == f"arn:aws:execute-api:us-east-1:000000000000:{api.id}/prod/GET/things/1"
    denied = api.call("prod", "/things/1", headers={"Authorization": "deny"})
    assert denied.status_code == 403
    assert denied.json() == {"message": "User is not authorized to access this resource with an explicit deny"}
    assert denied.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    for headers in ({"Authorization": "nope"}, {}):
        refused = api.call("prod", "/things/1", headers=headers)
        assert refused.status_code == 401 and refused.json() == {"message": "Unauthorized"}


def test_a_token_authorizers_answer_is_cached_for_its_ttl_per_token(nimbus, lam):
    api = authorizer_api(nimbus, lam, "TOKEN", ttl=300)
    first = api.call("prod", "/things/1", headers={"Authorization": "allow-a"}).json()["authorizer"]["calls"]
    again = api.call("prod", "/things/2", headers={"Authorization": "allow-a"}).json()["authorizer"]["calls"]
    other = api.call("prod", "/things/1", headers={"Authorization": "allow-b"}).json()["authorizer"]["calls"]
    assert again == first and other != first


def test_without_caching_the_authorizer_runs_every_time(nimbus, lam):
    api = authorizer_api(nimbus, lam, "TOKEN", ttl=0)
    first = api.call("prod", "/things/1", headers={"Authorization": "allow-a"}).json()["authorizer"]["calls"]
    again = api.call("prod", "/things/1", headers={"Authorization": "allow-a"}).json()["authorizer"]["calls"]
    assert again != first


def test_a_request_authorizer_gets_the_request_and_needs_its_identity_sources(nimbus, lam):
    api = authorizer_api(nimbus, lam, "REQUEST")
    allowed = api.call("prod", "/things/3", headers={"X-Token": "allow-r"})
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["authorizer"]["type"] == "REQUEST"
    missing = api.call("prod", "/things/3")
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}


def test_cognito_authorizers_want_an_unexpired_token_of_their_user_pool(nimbus, lam):
    api = RestApi(nimbus)
    pool = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Pool1"
    authorizer = api.client.create_authorizer(restApiId=api.id, name="cognito", type="COGNITO_USER_POOLS",
                                              providerARNs=[pool], identitySource="method.request.header.Authorization")
    api.lambda_proxy("/me", "GET", lambda_function(lam, ECHO), authorization="COGNITO_USER_POOLS",
                     authorizerId=authorizer["id"])
    api.deploy()

    def token(issuer: str, expires: int) -> str:
        encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")  # noqa: E731
        return ".".join([encode({"alg": "RS256"}), encode({"iss": issuer, "sub": "u1", "exp": expires}), "sig"])

    issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1"
    ok = api.call("prod", "/me", headers={"Authorization": token(issuer, int(time.time()) + 600)})
    assert ok.status_code == 200, ok.text
    assert ok.json()["authorizer"]["claims"]["sub"] == "u1"
    for bad in (token(issuer, int(time.time()) - 10), token("https://elsewhere/pool", int(time.time()) + 600), "x"):
        assert api.call("prod", "/me", headers={"Authorization": bad}).status_code == 401
