"""Serving HTTP APIs: stages, route selection, the Lambda proxy payloads (2.0 and 1.0) and
responses, deployments, CORS, HTTP proxying and API Gateway's own answers."""

from __future__ import annotations

import base64
import http.server
import json
import threading

import pytest

from apigw_helpers import ECHO, clients, invoke, invoke_path_form, lambda_function, unique


@pytest.fixture
def apis(nimbus):
    return clients(nimbus)


def quick_api(apigw, target: str, route_key: str = "$default") -> str:
    return apigw.create_api(Name=unique("api"), ProtocolType="HTTP", Target=target, RouteKey=route_key)["ApiId"]


def test_a_quick_created_api_invokes_its_function_with_the_2_0_event(apis, nimbus):
    apigw, lam = apis
    api_id = quick_api(apigw, lambda_function(lam, ECHO))
    response = invoke(nimbus, api_id, "/orders/9?item=a&item=b", method="POST", data=b'{"qty": 2}',
                      headers={"Content-Type": "application/json", "Cookie": "s=1; t=2", "X-Multi": "v1",
                               "User-Agent": "tester"})
    assert response.status_code == 200, response.text
    assert response.headers["x-echo"] == "yes"
    assert response.headers["apigw-requestid"]
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    event = response.json()
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert event["rawPath"] == "/orders/9" and event["rawQueryString"] == "item=a&item=b"
    assert event["queryStringParameters"] == {"item": "a,b"}
    assert event["cookies"] == ["s=1", "t=2"] and "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "v1" and event["headers"]["content-type"] == "application/json"
    assert event["body"] == '{"qty": 2}' and event["isBase64Encoded"] is False
    assert "pathParameters" not in event and "stageVariables" not in event
    context = event["requestContext"]
    assert context["accountId"] == "000000000000" and context["apiId"] == api_id
    assert context["domainPrefix"] == api_id and context["domainName"].startswith(api_id + ".execute-api.")
    assert context["http"] == {"method": "POST", "path": "/orders/9", "protocol": "HTTP/1.1",
                               "sourceIp": "127.0.0.1", "userAgent": "tester"}
    assert context["stage"] == "$default" and context["routeKey"] == "$default"
    assert context["requestId"] == response.headers["apigw-requestid"]
    assert isinstance(context["timeEpoch"], int) and "+0000" in context["time"]


def test_a_binary_body_reaches_the_function_base64_encoded(apis, nimbus):
    apigw, lam = apis
    api_id = quick_api(apigw, lambda_function(lam, ECHO))
    event = invoke(nimbus, api_id, "/", method="PUT", data=b"\x00\x01\xff",
                   headers={"Content-Type": "application/octet-stream"}).json()
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\x01\xff"


def test_routes_select_the_most_specific_match_with_path_parameters(apis, nimbus):
    apigw, lam = apis
    fn = lambda_function(lam, ECHO)
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                           PayloadFormatVersion="2.0")["IntegrationId"]
    for key in ["GET /pets/{id}", "GET /pets/dog", "ANY /{proxy+}"]:
        apigw.create_route(ApiId=api_id, RouteKey=key, Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    assert invoke(nimbus, api_id, "/pets/dog").json()["routeKey"] == "GET /pets/dog"
    by_id = invoke(nimbus, api_id, "/pets/7").json()
    assert by_id["routeKey"] == "GET /pets/{id}" and by_id["pathParameters"] == {"id": "7"}
    greedy = invoke(nimbus, api_id, "/a/b/c", method="DELETE").json()
    assert greedy["routeKey"] == "ANY /{proxy+}" and greedy["pathParameters"] == {"proxy": "a/b/c"}
    missing = invoke(nimbus, api_id, "/")
    assert missing.status_code == 404 and missing.json() == {"message": "Not Found"}


def test_a_named_stage_serves_its_own_deployment_with_stage_variables(apis, nimbus):
    apigw, lam = apis
    fn = lambda_function(lam, ECHO)
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                           PayloadFormatVersion="2.0")["IntegrationId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /hello", Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="prod", StageVariables={"color": "blue"})
    # Not deployed yet.
    assert invoke(nimbus, api_id, "/prod/hello").status_code == 404
    apigw.create_deployment(ApiId=api_id, StageName="prod")
    event = invoke(nimbus, api_id, "/prod/hello").json()
    assert event["rawPath"] == "/prod/hello" and event["requestContext"]["stage"] == "prod"
    assert event["stageVariables"] == {"color": "blue"}
    # A new route is served only after the next deployment.
    apigw.create_route(ApiId=api_id, RouteKey="GET /later", Target="integrations/" + integration)
    assert invoke(nimbus, api_id, "/prod/later").status_code == 404
    apigw.create_deployment(ApiId=api_id, StageName="prod")
    assert invoke(nimbus, api_id, "/prod/later").status_code == 200
    # The path form names the stage.
    assert invoke_path_form(nimbus, api_id, "prod", "/hello").json()["routeKey"] == "GET /hello"


def test_payload_format_1_0_event_and_response(apis, nimbus):
    apigw, lam = apis
    fn = lambda_function(lam, """
export const handler = async (event) => ({ statusCode: 202, headers: { 'x-one': '1' },
  multiValueHeaders: { 'x-many': ['a', 'b'] }, body: JSON.stringify(event), isBase64Encoded: false });""")
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=fn,
                                           PayloadFormatVersion="1.0")["IntegrationId"]
    apigw.create_route(ApiId=api_id, RouteKey="POST /items/{id}", Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    response = invoke(nimbus, api_id, "/items/4?x=1&x=2", method="POST", data="hi",
                      headers={"Content-Type": "text/plain"})
    assert response.status_code == 202 and response.headers["x-one"] == "1"
    assert response.headers["x-many"] == "a, b" or response.raw.headers.getlist("x-many") == ["a", "b"]
    event = json.loads(response.text)
    assert event["version"] == "1.0" and event["httpMethod"] == "POST"
    assert event["resource"] == "/items/{id}" and event["path"] == "/items/4"
    assert event["pathParameters"] == {"id": "4"} and event["stageVariables"] is None
    assert event["queryStringParameters"] == {"x": "2"}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["multiValueHeaders"]["content-type"] == ["text/plain"]
    assert event["body"] == "hi" and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/items/{id}" and context["httpMethod"] == "POST"
    assert context["identity"]["sourceIp"] == "127.0.0.1" and context["stage"] == "$default"


def test_answers_without_a_status_code_are_inferred_and_errors_are_500(apis, nimbus):
    apigw, lam = apis
    fn = lambda_function(lam, """
export const handler = async (event) => {
  if (event.rawPath === '/text') return 'Hello from Lambda!';
  if (event.rawPath === '/fail') throw new Error('boom');
  return { message: 'hi' };
};""")
    api_id = quick_api(apigw, fn)
    plain = invoke(nimbus, api_id, "/obj")
    assert plain.status_code == 200 and plain.json() == {"message": "hi"}
    assert plain.headers["content-type"] == "application/json"
    assert invoke(nimbus, api_id, "/text").text == "Hello from Lambda!"
    failed = invoke(nimbus, api_id, "/fail")
    assert failed.status_code == 500 and failed.json() == {"message": "Internal Server Error"}


def test_a_function_without_permission_for_api_gateway_is_a_500(apis, nimbus):
    apigw, lam = apis
    from lambda_helpers import create_function
    name = unique("fn")
    arn = create_function(lam, name, {"index.mjs": ECHO})["FunctionArn"]
    api_id = quick_api(apigw, arn)
    response = invoke(nimbus, api_id, "/")
    assert response.status_code == 500 and response.json() == {"message": "Internal Server Error"}


def test_an_unknown_api_or_stage_is_refused(apis, nimbus):
    apigw, lam = apis
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    assert invoke(nimbus, api_id, "/x").json() == {"message": "Not Found"}
    assert invoke_path_form(nimbus, api_id, "nope", "/x").status_code == 404


def test_cors_preflights_are_answered_by_api_gateway(apis, nimbus):
    apigw, lam = apis
    api_id = quick_api(apigw, lambda_function(lam, ECHO), "GET /data")
    apigw.update_api(ApiId=api_id, CorsConfiguration={"AllowOrigins": ["https://app.example"],
                                                      "AllowMethods": ["GET", "POST"], "AllowHeaders": ["x-token"],
                                                      "ExposeHeaders": ["x-echo"], "MaxAge": 300})
    preflight = invoke(nimbus, api_id, "/data", method="OPTIONS",
                       headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert preflight.headers["access-control-allow-methods"] == "GET,POST"
    assert preflight.headers["access-control-allow-headers"] == "x-token"
    assert preflight.headers["access-control-max-age"] == "300"
    other = invoke(nimbus, api_id, "/data", method="OPTIONS",
                   headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in other.headers
    actual = invoke(nimbus, api_id, "/data", headers={"Origin": "https://app.example"})
    assert actual.status_code == 200
    assert actual.headers["access-control-allow-origin"] == "https://app.example"
    assert actual.headers["access-control-expose-headers"] == "x-echo"


class _Backend(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({"method": self.command, "path": self.path, "body": body.decode(),
                              "x-in": self.headers.get("x-in")}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-backend", "yes")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Backend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_http_proxy_integrations_forward_the_request(apis, nimbus, backend):
    apigw, _ = apis
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                           IntegrationUri=backend + "/base/{proxy}",
                                           PayloadFormatVersion="1.0")["IntegrationId"]
    apigw.create_route(ApiId=api_id, RouteKey="ANY /svc/{proxy+}", Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    response = invoke(nimbus, api_id, "/svc/a/b?q=1", method="POST", data="payload", headers={"x-in": "v"})
    assert response.status_code == 201 and response.headers["x-backend"] == "yes"
    assert response.json() == {"method": "POST", "path": "/base/a/b?q=1", "body": "payload", "x-in": "v"}


def test_aws_iam_routes_refuse_unsigned_requests(apis, nimbus):
    apigw, lam = apis
    api_id = quick_api(apigw, lambda_function(lam, ECHO), "GET /secure")
    route = apigw.get_routes(ApiId=api_id)["Items"][0]
    apigw.update_route(ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="AWS_IAM")
    refused = invoke(nimbus, api_id, "/secure")
    assert refused.status_code == 403 and refused.json() == {"message": "Forbidden"}


def test_route_throttling_and_access_logs_of_a_stage(apis, nimbus):
    import time
    from conftest import make_client
    apigw, lam = apis
    api_id = quick_api(apigw, lambda_function(lam, ECHO))
    logs = make_client(nimbus.endpoint, service="logs")
    group = unique("http-api-access")
    logs.create_log_group(logGroupName=group)
    apigw.update_stage(ApiId=api_id, StageName="$default",
                       DefaultRouteSettings={"ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 0.01},
                       AccessLogSettings={"DestinationArn": f"arn:aws:logs:us-east-1:000000000000:log-group:{group}",
                                          "Format": "$context.requestId $context.routeKey $context.status"})
    statuses = [invoke(nimbus, api_id, "/x").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert invoke(nimbus, api_id, "/x").json() == {"message": "Too Many Requests"}
    deadline = time.time() + 10
    messages = []
    while time.time() < deadline and len(messages) < 4:
        messages = [event["message"] for event in logs.filter_log_events(logGroupName=group)["events"]]
        time.sleep(0.1)
    assert sorted(message.split()[2] for message in messages) == ["200", "200", "429", "429"]
    assert all(message.split()[1] == "$default" for message in messages)


def test_a_lambda_slower_than_the_integration_timeout_is_a_504(apis, nimbus):
    from lambda_helpers import create_function
    apigw, lam = apis
    name = unique("slow")
    arn = create_function(lam, name, {"index.mjs": "export const handler = async () => { "
                                                   "await new Promise(r => setTimeout(r, 3000)); return 'late'; };"},
                          Timeout=10)["FunctionArn"]
    lam.add_permission(FunctionName=name, StatementId="apigw", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com")
    api_id = apigw.create_api(Name=unique("api"), ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=arn,
                                           PayloadFormatVersion="2.0", TimeoutInMillis=1000)["IntegrationId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /slow", Target="integrations/" + integration)
    apigw.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    response = invoke(nimbus, api_id, "/slow")
    assert response.status_code == 504 and response.json() == {"message": "Service Unavailable"}
