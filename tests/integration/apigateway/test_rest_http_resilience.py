"""Resilient HTTP integrations (nimbus's own, AWS has none): retries with backoff for idempotent
methods, a circuit breaker per upstream that answers 503 while open and probes half-open, and
their settings and state under /_nimbus/upstreams. REST APIs (HTTP_PROXY, HTTP) and HTTP APIs
(HTTP_PROXY); the upstream is a local Python HTTP server."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error

import pytest
import requests

from conftest import free_port, make_client, unique
from rest_invoke_helpers import RestApi


class Upstream:
    """A local HTTP server that answers `fail` requests with 503 (or sleeps `stall` seconds first),
    then 200 with what it received; records every request's method and path."""

    def __init__(self, port: int = 0):
        self.fail = 0
        self.stall = 0
        self.stall_seconds = 2.0
        self.hits: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with upstream.lock:
                    upstream.hits.append((self.command, self.path))
                    stall = upstream.stall > 0
                    failing = not stall and upstream.fail > 0
                    if stall:
                        upstream.stall -= 1
                    if failing:
                        upstream.fail -= 1
                if stall:
                    time.sleep(upstream.stall_seconds)
                status, payload = (503, b'{"upstream":"down"}') if failing else (200, json.dumps(
                    {"method": self.command, "path": self.path}).encode())
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the caller gave up on a stalled answer

            do_GET = do_POST = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def upstream():
    server = Upstream()
    yield server
    server.close()


def upstreams(nimbus, settings: dict | None = None) -> dict:
    """GET /_nimbus/upstreams, or POST `settings` to it."""
    if settings is None:
        status, body = nimbus.http("GET", "/_nimbus/upstreams")
    else:
        status, body = nimbus.http("POST", "/_nimbus/upstreams", json.dumps(settings).encode())
    assert status == 200
    return json.loads(body)


def proxy_api(nimbus, base_url: str, integration: dict | None = None) -> RestApi:
    """A REST API whose /{proxy+} ANY method proxies to base_url/{proxy}."""
    api = RestApi(nimbus)
    api.method("/{proxy+}", "ANY", {"type": "HTTP_PROXY", "integrationHttpMethod": "ANY",
                                     "uri": base_url + "/{proxy}",
                                     "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"},
                                     **(integration or {})},
               requestParameters={"method.request.path.proxy": True})
    api.deploy()
    return api


def http_api(nimbus, base_url: str) -> str:
    """An HTTP API whose ANY /{proxy+} route proxies to base_url/{proxy}; its id."""
    apigw = make_client(nimbus.endpoint, service="apigatewayv2")
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                           IntegrationUri=base_url + "/{proxy}",
                                           PayloadFormatVersion="1.0")["IntegrationId"]
    apigw.create_route(ApiId=api_id, RouteKey="ANY /{proxy+}", Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id


def call_http_api(nimbus, api_id: str, path: str, method: str = "GET"):
    return requests.request(method, f"http://127.0.0.1:{nimbus.port}{path}", timeout=30,
                            headers={"Host": f"{api_id}.execute-api.us-east-1.localhost:{nimbus.port}"})


def test_a_get_that_fails_twice_is_retried_and_succeeds(nimbus, upstream):
    upstream.fail = 2
    api = proxy_api(nimbus, upstream.url)
    response = api.call("prod", "/items/1")
    assert response.status_code == 200, response.text
    assert response.json() == {"method": "GET", "path": "/items/1"}
    assert upstream.hits == [("GET", "/items/1")] * 3
    row = upstreams(nimbus)["upstreams"][upstream.url]
    assert row["state"] == "closed" and row["retries"] == 2 and row["failures"] == 2 and row["calls"] == 3
    assert row["consecutive_failures"] == 0 and row["last_error"] == "HTTP 503"


def test_a_post_is_not_retried(nimbus, upstream):
    upstream.fail = 1
    api = proxy_api(nimbus, upstream.url)
    response = api.call("prod", "/orders", method="POST", data="x")
    assert response.status_code == 503 and response.json() == {"upstream": "down"}
    assert "x-nimbus-circuit" not in response.headers
    assert upstream.hits == [("POST", "/orders")]
    assert upstreams(nimbus)["upstreams"][upstream.url]["retries"] == 0


def test_retries_end_when_they_are_spent(nimbus, upstream):
    upstreams(nimbus, {"max_retries": 1, "base_backoff_ms": 1})
    upstream.fail = 5
    api = proxy_api(nimbus, upstream.url)
    response = api.call("prod", "/x", method="PUT", data="x")
    assert response.status_code == 503 and len(upstream.hits) == 2


def test_a_timed_out_attempt_is_retried_within_the_integration_timeout(nimbus, upstream):
    upstreams(nimbus, {"attempt_timeout_ms": 300, "base_backoff_ms": 1})
    upstream.stall = 1
    api = proxy_api(nimbus, upstream.url, {"timeoutInMillis": 5000})
    started = time.monotonic()
    response = api.call("prod", "/slow")
    assert response.status_code == 200, response.text
    assert time.monotonic() - started < 1.5
    assert len(upstream.hits) == 2


def test_the_integration_timeout_bounds_the_whole_call(nimbus, upstream):
    # Without a per-attempt bound, a timed-out attempt spends the whole timeoutInMillis: no retry.
    upstream.stall = 3
    upstream.stall_seconds = 1.0
    api = proxy_api(nimbus, upstream.url, {"timeoutInMillis": 400})
    response = api.call("prod", "/slow")
    assert response.status_code == 504 and response.json() == {"message": "Endpoint request timed out"}
    assert len(upstream.hits) == 1


def test_a_dead_upstream_opens_the_circuit_and_a_half_open_probe_closes_it(nimbus):
    upstreams(nimbus, {"failure_threshold": 3, "open_ms": 60000, "base_backoff_ms": 1})
    port = free_port()  # nothing listens there yet
    dead = f"http://127.0.0.1:{port}"
    api = proxy_api(nimbus, dead)
    # One GET: three refused attempts (two retries) reach the threshold.
    failed = api.call("prod", "/a")
    assert failed.status_code == 504 and failed.json() == {"message": "Internal server error"}
    row = upstreams(nimbus)["upstreams"][dead]
    assert row["state"] == "open" and row["opens"] == 1 and row["failures"] == 3 and row["retries"] == 2
    assert row["last_error"].startswith("Connect")
    for _ in range(3):
        started = time.monotonic()
        refused = api.call("prod", "/a")
        assert time.monotonic() - started < 0.5
        assert refused.status_code == 503 and refused.json() == {"message": "Service Unavailable"}
        assert refused.headers["x-nimbus-circuit"] == "open"
        assert refused.headers["x-amzn-ErrorType"] == "InternalServerErrorException"
    assert upstreams(nimbus)["upstreams"][dead]["fast_failures"] == 3
    revived = Upstream(port)
    try:
        report = upstreams(nimbus, {"open_ms": 200})  # a shorter cool-down applies to open circuits
        assert report["settings"]["open_ms"] == 200
        time.sleep(0.3)
        assert upstreams(nimbus)["upstreams"][dead]["state"] == "half_open"
        probe = api.call("prod", "/b")
        assert probe.status_code == 200 and probe.json() == {"method": "GET", "path": "/b"}
        assert revived.hits == [("GET", "/b")]
        row = upstreams(nimbus)["upstreams"][dead]
        assert row["state"] == "closed" and row["consecutive_failures"] == 0
    finally:
        revived.close()


def test_a_failed_probe_opens_the_circuit_again(nimbus):
    upstreams(nimbus, {"failure_threshold": 1, "open_ms": 100, "max_retries": 0})
    dead = f"http://127.0.0.1:{free_port()}"
    api = proxy_api(nimbus, dead)
    assert api.call("prod", "/a").status_code == 504
    assert api.call("prod", "/a").status_code == 503
    time.sleep(0.15)
    assert api.call("prod", "/a").status_code == 504  # the probe, refused again
    row = upstreams(nimbus)["upstreams"][dead]
    assert row["state"] == "open" and row["opens"] == 2


def test_an_http_integration_answers_503_through_its_gateway_response(nimbus):
    upstreams(nimbus, {"failure_threshold": 1, "max_retries": 0})
    dead = f"http://127.0.0.1:{free_port()}"
    api = RestApi(nimbus)
    api.method("/thing", "GET", {"type": "HTTP", "integrationHttpMethod": "GET", "uri": dead + "/thing",
                                 "responses": {"200": {}}})
    api.client.put_gateway_response(restApiId=api.id, responseType="INTEGRATION_FAILURE",
                                    responseTemplates={"application/json": '{"oops":$context.error.messageString}'})
    api.deploy()
    assert api.call("prod", "/thing").status_code == 504
    refused = api.call("prod", "/thing")
    assert refused.status_code == 503 and refused.json() == {"oops": "Service Unavailable"}
    assert refused.headers["x-nimbus-circuit"] == "open"


def test_http_apis_retry_and_fail_fast_too(nimbus, upstream):
    upstreams(nimbus, {"failure_threshold": 3, "base_backoff_ms": 1})
    upstream.fail = 1
    api_id = http_api(nimbus, upstream.url)
    response = call_http_api(nimbus, api_id, "/v/1")
    assert response.status_code == 200 and response.json() == {"method": "GET", "path": "/v/1"}
    assert len(upstream.hits) == 2
    dead = f"http://127.0.0.1:{free_port()}"
    dead_api = http_api(nimbus, dead)
    assert call_http_api(nimbus, dead_api, "/x").status_code == 500
    refused = call_http_api(nimbus, dead_api, "/x")
    assert refused.status_code == 503 and refused.json() == {"message": "Service Unavailable"}
    assert refused.headers["x-nimbus-circuit"] == "open"
    report = upstreams(nimbus)
    assert report["upstreams"][dead]["state"] == "open"
    assert report["services"]["apigatewayv2"]["fast_failures"] == 1
    assert report["services"]["apigatewayv2"]["retries"] == 3
    health = nimbus.health()["details"]["apigatewayv2"]["upstreams"]
    assert health["open_circuits"] == 1 and health["fast_failures"] == 1


def test_settings_are_checked_shown_and_restored_by_a_reset(nimbus):
    report = upstreams(nimbus)
    assert report["settings"] == {"enabled": True, "failure_threshold": 5, "open_ms": 30000, "max_retries": 2,
                                  "base_backoff_ms": 100, "max_backoff_ms": 2000, "attempt_timeout_ms": 0}
    assert upstreams(nimbus, {"failure_threshold": 9})["settings"]["failure_threshold"] == 9
    for bad in ({"failure_threshold": 0}, {"open_ms": "1"}, {"colour": 1}, [1]):
        with pytest.raises(urllib.error.HTTPError) as refused:
            nimbus.http("POST", "/_nimbus/upstreams", json.dumps(bad).encode())
        assert refused.value.code == 400
    assert upstreams(nimbus)["settings"]["failure_threshold"] == 9
    nimbus.reset()
    assert upstreams(nimbus)["settings"]["failure_threshold"] == 5
    assert nimbus.health()["details"]["apigateway"]["upstreams"]["calls"] == 0


def test_disabled_makes_one_attempt_as_aws_does(nimbus, upstream):
    upstreams(nimbus, {"enabled": False})
    upstream.fail = 1
    api = proxy_api(nimbus, upstream.url)
    assert api.call("prod", "/a").status_code == 503
    assert len(upstream.hits) == 1
