"""Authorizers on HTTP API routes: JWT (RS256 tokens checked against the issuer's JWKS, found
through its OpenID discovery document on a local HTTP server) and REQUEST Lambda authorizers
(simple responses, IAM policies, result caching)."""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from apigw_helpers import ECHO, clients, invoke, lambda_function, unique


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """An OpenID issuer on 127.0.0.1: discovery document, JWKS, and tokens signed with its key."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.key.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
                    "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": b64url(numbers.e.to_bytes(3, "big"))}
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks.json"}
                elif self.path == "/jwks.json":
                    body = {"keys": [issuer.jwk]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, key=None, **claims) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": "app", "sub": "user-1", "iat": now, "exp": now + 600, **claims}
        signing = b64url(json.dumps({"alg": "RS256", "kid": "k1", "typ": "JWT"}).encode()) + "." + \
            b64url(json.dumps(body).encode())
        signature = (key or self.key).sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing + "." + b64url(signature)


@pytest.fixture
def issuer():
    server = Issuer()
    yield server
    server.server.shutdown()


@pytest.fixture
def apis(nimbus):
    return clients(nimbus)


def api_with_route(apigw, fn: str, route_key: str):
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                           PayloadFormatVersion="2.0")["IntegrationId"]
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id, integration


def test_a_jwt_authorizer_admits_valid_tokens_and_passes_their_claims(apis, nimbus, issuer):
    apigw, lam = apis
    api_id, integration = api_with_route(apigw, lambda_function(lam, ECHO), "GET /me")
    authorizer = apigw.create_authorizer(ApiId=api_id, Name="jwt", AuthorizerType="JWT",
                                         IdentitySource=["$request.header.Authorization"],
                                         JwtConfiguration={"Issuer": issuer.url, "Audience": ["app"]})["AuthorizerId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /me", Target="integrations/" + integration,
                       AuthorizationType="JWT", AuthorizerId=authorizer)
    apigw.create_route(ApiId=api_id, RouteKey="GET /admin", Target="integrations/" + integration,
                       AuthorizationType="JWT", AuthorizerId=authorizer, AuthorizationScopes=["admin"])

    missing = invoke(nimbus, api_id, "/me")
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}
    ok = invoke(nimbus, api_id, "/me", headers={"Authorization": "Bearer " + issuer.token(scope="read")})
    assert ok.status_code == 200, ok.text
    jwt = ok.json()["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["sub"] == "user-1" and jwt["claims"]["iss"] == issuer.url
    assert isinstance(jwt["claims"]["exp"], str)

    expired = issuer.token(exp=int(time.time()) - 10)
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": expired}).status_code == 401
    wrong_audience = issuer.token(aud="other")
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": wrong_audience}).status_code == 401
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = issuer.token(key=other_key)
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": forged}).status_code == 401
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": "garbage"}).status_code == 401

    no_scope = invoke(nimbus, api_id, "/admin", headers={"Authorization": issuer.token(scope="read")})
    assert no_scope.status_code == 403 and no_scope.json() == {"message": "Forbidden"}
    admin = invoke(nimbus, api_id, "/admin", headers={"Authorization": issuer.token(scope="read admin")})
    assert admin.status_code == 200
    assert admin.json()["requestContext"]["authorizer"]["jwt"]["scopes"] == ["read", "admin"]


AUTHORIZER = """
let calls = 0;
export const handler = async (event) => {
  calls += 1;
  const token = event.headers['x-token'];
  if (event.version === '2.0' && !event.routeArn) throw new Error('no routeArn');
  return { isAuthorized: token === 'good', context: { user: 'alice', calls, source: event.identitySource[0] } };
};"""

POLICY_AUTHORIZER = """
export const handler = async (event) => ({
  principalId: 'bob',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke',
    Effect: event.headers['x-token'] === 'good' ? 'Allow' : 'Deny', Resource: event.routeArn }] },
  context: { role: 'reader' },
});"""


def test_a_lambda_authorizer_with_simple_responses_and_caching(apis, nimbus):
    apigw, lam = apis
    api_id, integration = api_with_route(apigw, lambda_function(lam, ECHO), "GET /data")
    authorizer_arn = lambda_function(lam, AUTHORIZER)
    authorizer = apigw.create_authorizer(
        ApiId=api_id, Name="lam", AuthorizerType="REQUEST", AuthorizerPayloadFormatVersion="2.0",
        AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{authorizer_arn}/invocations",
        EnableSimpleResponses=True, IdentitySource=["$request.header.x-token"],
        AuthorizerResultTtlInSeconds=300)["AuthorizerId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /data", Target="integrations/" + integration,
                       AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    missing = invoke(nimbus, api_id, "/data")
    assert missing.status_code == 401 and missing.json() == {"message": "Unauthorized"}
    denied = invoke(nimbus, api_id, "/data", headers={"x-token": "bad"})
    assert denied.status_code == 403 and denied.json() == {"message": "Forbidden"}
    first = invoke(nimbus, api_id, "/data", headers={"x-token": "good"})
    assert first.status_code == 200, first.text
    context = first.json()["requestContext"]["authorizer"]["lambda"]
    assert context["user"] == "alice" and context["source"] == "good"
    second = invoke(nimbus, api_id, "/data", headers={"x-token": "good"})
    # The cached result: the authorizer was not called again.
    assert second.json()["requestContext"]["authorizer"]["lambda"]["calls"] == context["calls"]


def test_a_lambda_authorizer_answering_an_iam_policy(apis, nimbus):
    apigw, lam = apis
    api_id, integration = api_with_route(apigw, lambda_function(lam, ECHO), "GET /data")
    authorizer_arn = lambda_function(lam, POLICY_AUTHORIZER)
    authorizer = apigw.create_authorizer(
        ApiId=api_id, Name="policy", AuthorizerType="REQUEST", AuthorizerPayloadFormatVersion="2.0",
        AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{authorizer_arn}/invocations",
        IdentitySource=["$request.header.x-token"])["AuthorizerId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /data", Target="integrations/" + integration,
                       AuthorizationType="CUSTOM", AuthorizerId=authorizer)
    assert invoke(nimbus, api_id, "/data", headers={"x-token": "bad"}).status_code == 403
    allowed = invoke(nimbus, api_id, "/data", headers={"x-token": "good"})
    assert allowed.status_code == 200
    assert allowed.json()["requestContext"]["authorizer"]["lambda"] == {"role": "reader"}


def test_nimbus_hosts_an_issuer_whose_tokens_jwt_authorizers_accept(apis, nimbus):
    import requests
    apigw, lam = apis
    issuer_url = f"http://127.0.0.1:{nimbus.port}/_nimbus/jwt"
    discovery = requests.get(issuer_url + "/.well-known/openid-configuration", timeout=10).json()
    assert discovery["issuer"] == issuer_url and discovery["jwks_uri"] == issuer_url + "/jwks.json"
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"

    api_id, integration = api_with_route(apigw, lambda_function(lam, ECHO), "GET /me")
    authorizer = apigw.create_authorizer(ApiId=api_id, Name="local", AuthorizerType="JWT",
                                         IdentitySource=["$request.header.Authorization"],
                                         JwtConfiguration={"Issuer": issuer_url, "Audience": ["my-app"]})["AuthorizerId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /me", Target="integrations/" + integration,
                       AuthorizationType="JWT", AuthorizerId=authorizer)

    def mint(**claims):
        return requests.post(issuer_url + "/token", json=claims, timeout=10).json()["token"]

    ok = invoke(nimbus, api_id, "/me", headers={"Authorization": "Bearer " + mint(aud="my-app", sub="u-7")})
    assert ok.status_code == 200, ok.text
    assert ok.json()["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] == "u-7"
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": mint(aud="elsewhere")}).status_code == 401
    assert invoke(nimbus, api_id, "/me", headers={"Authorization": mint(aud="my-app", exp=1)}).status_code == 401
    assert requests.post(issuer_url + "/token", data="[1]", timeout=10).status_code == 400
