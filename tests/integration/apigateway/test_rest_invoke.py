"""REST API invoke URLs: resource and method matching, MOCK and Lambda integrations (proxy and
mapping templates), API Gateway's own errors and gateway responses, stages and API keys."""

from __future__ import annotations

import base64
import json

import pytest

from conftest import make_client
from rest_invoke_helpers import LAMBDA_URI, RestApi, lambda_function

ECHO = """
export const handler = async (event) => {
  if (event.path === '/fail') throw new Error('boom');
  if (event.path === '/malformed') return { statusCode: 200, bodyy: 'x' };
  if (event.path === '/plain') return 'not an object';
  if (event.path === '/binary') return { statusCode: 200, isBase64Encoded: true,
                                         headers: { 'content-type': 'image/png' },
                                         body: Buffer.from([0, 1, 2, 255]).toString('base64') };
  return { statusCode: 201, headers: { 'x-echo': 'yes', 'content-type': 'application/json' },
           multiValueHeaders: { 'x-multi': ['a', 'b'] }, body: JSON.stringify(event) };
};"""


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


def mock(template: str = '{"statusCode": 200}', responses: dict | None = None) -> dict:
    return {"type": "MOCK", "requestTemplates": {"application/json": template},
            "responses": responses or {"200": {"responseTemplates": {"application/json": '{"ok": true}'}}}}


def test_a_lambda_proxy_route_gets_the_payload_1_0_event_and_answers_what_the_function_returns(nimbus, lam):
    api = RestApi(nimbus)
    api.lambda_proxy("/users/{id}", "GET", lambda_function(lam, ECHO))
    api.deploy("prod", variables={"color": "blue"})
    response = api.call("prod", "/users/42?a=1&a=2&b=x", headers={"X-Trace": "t1", "Cookie": "s=1"})
    assert response.status_code == 201, response.text
    assert response.headers["x-echo"] == "yes" and response.headers["x-multi"] == "a, b"
    assert response.headers["x-amzn-RequestId"]
    event = response.json()
    assert event["resource"] == "/users/{id}" and event["path"] == "/users/42" and event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x"]}
    assert event["headers"]["X-Trace"] == "t1" and event["multiValueHeaders"]["X-Trace"] == ["t1"]
    assert event["stageVariables"] == {"color": "blue"}
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/users/{id}" and context["httpMethod"] == "GET"
    assert context["stage"] == "prod" and context["path"] == "/prod/users/42"
    assert context["apiId"] == api.id and context["accountId"] == "000000000000"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == response.headers["x-amzn-RequestId"]
    assert isinstance(context["requestTimeEpoch"], int)


def test_the_path_form_reaches_the_same_stage(nimbus, lam):
    api = RestApi(nimbus)
    api.lambda_proxy("/users/{id}", "POST", lambda_function(lam, ECHO))
    api.deploy("dev")
    response = api.call_path_form("dev", "/users/7", method="POST", data='{"name": "ann"}',
                                  headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    event = response.json()
    assert event["body"] == '{"name": "ann"}' and event["pathParameters"] == {"id": "7"}
    assert event["requestContext"]["path"] == f"/restapis/{api.id}/dev/_user_request_/users/7"


def test_a_greedy_proxy_resource_catches_deeper_paths_and_literals_win(nimbus):
    api = RestApi(nimbus)
    api.method("/{proxy+}", "ANY", mock(responses={"200": {"responseTemplates": {
        "application/json": '{"proxy": "$input.params(\'proxy\')"}'}}}))
    api.method("/users", "GET", mock(responses={"200": {"responseTemplates": {"application/json": '{"users": []}'}}}))
    api.deploy()
    assert api.call("prod", "/users").json() == {"users": []}
    assert api.call("prod", "/a/b/c", method="DELETE").json() == {"proxy": "a/b/c"}
    assert api.call("prod", "/users/1").json() == {"proxy": "users/1"}


def test_an_unknown_path_or_method_gets_missing_authentication_token(nimbus):
    api = RestApi(nimbus)
    api.method("/items", "GET", mock())
    api.deploy()
    for method, path in (("GET", "/nothing"), ("POST", "/items")):
        response = api.call("prod", path, method=method)
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}
        assert response.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_an_unknown_stage_or_api_is_forbidden(nimbus):
    api = RestApi(nimbus)
    api.method("/items", "GET", mock())
    api.deploy()
    assert api.call("nostage", "/items").status_code == 403
    response = api.call_path_form("prod", "/items")
    assert response.status_code == 200
    other = RestApi.__new__(RestApi)
    other.nimbus, other.id = nimbus, "zzzzzzzzzz"
    assert other.call("prod", "/items").json() == {"message": "Forbidden"}


def test_a_stage_serves_its_deployment_not_later_changes(nimbus):
    api = RestApi(nimbus)
    api.method("/v", "GET", mock(responses={"200": {"responseTemplates": {"application/json": '{"v": 1}'}}}))
    api.deploy("prod")
    resource = api.resource("/v")
    api.client.put_integration_response(restApiId=api.id, resourceId=resource, httpMethod="GET", statusCode="200",
                                        responseTemplates={"application/json": '{"v": 2}'})
    assert api.call("prod", "/v").json() == {"v": 1}
    api.deploy("prod")
    assert api.call("prod", "/v").json() == {"v": 2}


def test_mock_integration_responses_are_selected_by_status_and_map_headers(nimbus):
    api = RestApi(nimbus)
    api.method("/teapot", "GET", mock(
        '#if($input.params("brew") == "tea"){"statusCode": 418}#else{"statusCode": 200}#end',
        {"200": {"responseTemplates": {"application/json": '{"coffee": true}'}},
         "418": {"selectionPattern": "418", "responseTemplates": {"application/json": '{"tea": "$context.stage"}'},
                 "responseParameters": {"method.response.header.X-Pot": "'short'"}}}))
    api.deploy("prod")
    assert api.call("prod", "/teapot").json() == {"coffee": True}
    response = api.call("prod", "/teapot?brew=tea")
    assert response.status_code == 418 and response.json() == {"tea": "prod"}
    assert response.headers["X-Pot"] == "short"


def test_a_failing_or_malformed_lambda_proxy_answer_is_a_502(nimbus, lam):
    api = RestApi(nimbus)
    function = lambda_function(lam, ECHO)
    for path in ("/fail", "/malformed", "/plain"):
        api.lambda_proxy(path, "GET", function)
    api.deploy()
    for path in ("/fail", "/malformed", "/plain"):
        response = api.call("prod", path)
        assert response.status_code == 502, path
        assert response.json() == {"message": "Internal server error"}


def test_a_function_without_a_permission_for_api_gateway_is_a_500(nimbus, lam):
    api = RestApi(nimbus)
    api.lambda_proxy("/locked", "GET", lambda_function(lam, ECHO, allow_api_gateway=False))
    api.deploy()
    response = api.call("prod", "/locked")
    assert response.status_code == 500 and response.json() == {"message": "Internal server error"}


def test_binary_media_types_pass_bodies_base64_both_ways(nimbus, lam):
    api = RestApi(nimbus, binaryMediaTypes=["image/png"])
    function = lambda_function(lam, ECHO)
    api.lambda_proxy("/upload", "POST", function)
    api.lambda_proxy("/binary", "GET", function)
    api.deploy()
    event = api.call("prod", "/upload", method="POST", data=b"\x00\xffraw",
                     headers={"Content-Type": "image/png"}).json()
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\xffraw"
    assert api.call("prod", "/binary", headers={"Accept": "image/png"}).content == bytes([0, 1, 2, 255])
    assert api.call("prod", "/binary").text == base64.b64encode(bytes([0, 1, 2, 255])).decode()


def test_a_lambda_integration_with_templates_maps_request_and_errors(nimbus, lam):
    source = """
export const handler = async (event) => {
  if (event.name === 'bad') throw new Error('Invalid name: bad');
  return { greeting: 'hello ' + event.name, id: event.id };
};"""
    api = RestApi(nimbus)
    function = lambda_function(lam, source)
    api.method("/greet/{id}", "POST", {
        "type": "AWS", "integrationHttpMethod": "POST", "uri": LAMBDA_URI.format(function),
        "requestTemplates": {"application/json":
                             '{"name": $input.json(\'$.name\'), "id": "$input.params(\'id\')"}'},
        "responses": {"200": {"responseTemplates": {"application/json": '{"message": $input.json(\'$.greeting\')}'}},
                      "400": {"selectionPattern": "Invalid name.*",
                              "responseTemplates": {"application/json": '{"error": $input.json(\'$.errorMessage\')}'}}}})
    api.deploy()
    response = api.call("prod", "/greet/9", method="POST", json={"name": "ann"})
    assert response.status_code == 200 and response.json() == {"message": "hello ann"}
    response = api.call("prod", "/greet/9", method="POST", json={"name": "bad"})
    assert response.status_code == 400 and response.json() == {"error": "Invalid name: bad"}


def test_api_key_required_methods_admit_only_enabled_keys_of_a_usage_plan_for_the_stage(nimbus):
    api = RestApi(nimbus)
    api.method("/paid", "GET", mock(), apiKeyRequired=True)
    api.deploy("prod")
    client = api.client
    key = client.create_api_key(name="k1", enabled=True)
    disabled = client.create_api_key(name="k2", enabled=False)
    plan = client.create_usage_plan(name="plan", apiStages=[{"apiId": api.id, "stage": "prod"}])
    for created in (key, disabled):
        client.create_usage_plan_key(usagePlanId=plan["id"], keyId=created["id"], keyType="API_KEY")
    assert api.call("prod", "/paid").status_code == 403
    assert api.call("prod", "/paid").json() == {"message": "Forbidden"}
    assert api.call("prod", "/paid", headers={"x-api-key": disabled["value"]}).status_code == 403
    assert api.call("prod", "/paid", headers={"x-api-key": key["value"]}).status_code == 200


def test_gateway_responses_reshape_api_gateways_own_errors(nimbus):
    api = RestApi(nimbus)
    api.method("/x", "GET", mock())
    api.client.put_gateway_response(restApiId=api.id, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404",
                                    responseParameters={"gatewayresponse.header.X-Why": "'nope'"},
                                    responseTemplates={"application/json":
                                                       '{"error": $context.error.messageString, "type": "$context.error.responseType"}'})
    api.deploy()
    response = api.call("prod", "/missing")
    assert response.status_code == 404 and response.headers["X-Why"] == "nope"
    assert response.json() == {"error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN"}


def test_http_proxy_integrations_forward_the_request(nimbus, lam):
    # The upstream is another REST API on the same nimbus, reached through its invoke URL.
    upstream = RestApi(nimbus)
    upstream.lambda_proxy("/{proxy+}", "ANY", lambda_function(lam, ECHO))
    upstream.deploy("up")
    api = RestApi(nimbus)
    url = f"{nimbus.endpoint}/restapis/{upstream.id}/up/_user_request_/{{proxy}}"
    api.method("/{proxy+}", "ANY", {"type": "HTTP_PROXY", "integrationHttpMethod": "ANY", "uri": url,
                                     "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"}},
               requestParameters={"method.request.path.proxy": True})
    api.deploy()
    response = api.call("prod", "/orders/5?q=1", method="PUT", data="hi", headers={"X-Hop": "1"})
    assert response.status_code == 201, response.text
    event = response.json()
    assert event["path"] == "/orders/5" and event["httpMethod"] == "PUT" and event["body"] == "hi"
    assert event["queryStringParameters"] == {"q": "1"} and event["headers"]["X-Hop"] == "1"


def test_stage_throttling_answers_429_once_the_burst_is_spent(nimbus):
    api = RestApi(nimbus)
    api.method("/limited", "GET", mock())
    api.deploy("prod")
    api.client.update_stage(restApiId=api.id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "0.01"},
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "2"}])
    statuses = [api.call("prod", "/limited").status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429]
    response = api.call("prod", "/limited")
    assert response.json() == {"message": "Too Many Requests"}
    assert response.headers["x-amzn-ErrorType"] == "TooManyRequestsException"


def test_a_usage_plans_quota_and_throttle_apply_per_key(nimbus):
    api = RestApi(nimbus)
    api.method("/metered", "GET", mock(), apiKeyRequired=True)
    api.deploy("prod")
    client = api.client
    plan = client.create_usage_plan(name="metered", apiStages=[{"apiId": api.id, "stage": "prod"}],
                                    quota={"limit": 2, "period": "DAY"})
    keys = [client.create_api_key(name=f"k{i}", enabled=True) for i in range(2)]
    for key in keys:
        client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
    first = [api.call("prod", "/metered", headers={"x-api-key": keys[0]["value"]}) for _ in range(3)]
    assert [r.status_code for r in first] == [200, 200, 429]
    assert first[2].json() == {"message": "Limit Exceeded"}
    assert api.call("prod", "/metered", headers={"x-api-key": keys[1]["value"]}).status_code == 200


def test_access_logs_go_to_the_stages_log_group_in_its_format(nimbus):
    logs = make_client(nimbus.endpoint, service="logs")
    group = "API-Gateway-Access-Logs/" + RestApi.__name__
    logs.create_log_group(logGroupName=group)
    api = RestApi(nimbus)
    api.method("/logged", "GET", mock())
    api.deploy("prod")
    api.client.update_stage(restApiId=api.id, stageName="prod", patchOperations=[
        {"op": "replace", "path": "/accessLogSettings/destinationArn",
         "value": f"arn:aws:logs:us-east-1:000000000000:log-group:{group}"},
        {"op": "replace", "path": "/accessLogSettings/format",
         "value": '{"id":"$context.requestId","method":"$context.httpMethod","path":"$context.resourcePath",'
                  '"status":"$context.status","missing":"$context.nothing"}'}])
    ok = api.call("prod", "/logged")
    api.call("prod", "/unknown")
    import time
    deadline = time.time() + 10
    events = []
    while time.time() < deadline and len(events) < 2:
        events = logs.filter_log_events(logGroupName=group)["events"]
        time.sleep(0.1)
    lines = [json.loads(event["message"]) for event in events]
    assert {"id": ok.headers["x-amzn-RequestId"], "method": "GET", "path": "/logged", "status": "200",
            "missing": "-"} in lines
    assert any(line["status"] == "403" for line in lines)


def test_a_response_template_may_override_the_status_and_headers(nimbus):
    api = RestApi(nimbus)
    api.method("/override", "GET", mock(responses={"200": {"responseTemplates": {"application/json": (
        '#set($context.responseOverride.status = 409)'
        '#set($context.responseOverride.header.X-Reason = "taken")'
        '{"missing": "$context.nothing"}')}}}))
    api.deploy()
    response = api.call("prod", "/override")
    assert response.status_code == 409 and response.headers["X-Reason"] == "taken"
    assert response.json() == {"missing": ""}


def test_a_request_validator_refuses_missing_required_parameters(nimbus):
    api = RestApi(nimbus)
    validator = api.client.create_request_validator(restApiId=api.id, name="params", validateRequestParameters=True)
    api.method("/search", "GET", mock(), requestValidatorId=validator["id"],
               requestParameters={"method.request.querystring.q": True, "method.request.header.X-Tenant": True,
                                  "method.request.querystring.page": False})
    api.deploy()
    response = api.call("prod", "/search")
    assert response.status_code == 400
    assert response.json() == {"message": "Missing required request parameters: [X-Tenant, q]"} or \
        response.json() == {"message": "Missing required request parameters: [q, X-Tenant]"}
    assert response.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert api.call("prod", "/search?q=x", headers={"X-Tenant": "t"}).status_code == 200


YAML_API = """
openapi: "3.0.1"
info:
  title: yaml-pets
  version: "1.0"
paths:
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
      responses:
        "200":
          description: a pet
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates:
          application/json: '{"statusCode": 200}'
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"pet": "$input.params(''id'')", "yes": true}'
"""


def test_an_openapi_document_in_yaml_imports_serves_and_exports_as_yaml(nimbus):
    client = make_client(nimbus.endpoint, service="apigateway")
    api_id = client.import_rest_api(body=YAML_API.encode())["id"]
    assert client.get_rest_api(restApiId=api_id)["name"] == "yaml-pets"
    client.create_deployment(restApiId=api_id, stageName="prod")
    api = RestApi.__new__(RestApi)
    api.nimbus, api.id = nimbus, api_id
    assert api.call("prod", "/pets/7").json() == {"pet": "7", "yes": True}
    exported = client.get_export(restApiId=api_id, stageName="prod", exportType="oas30", accepts="application/yaml",
                                 parameters={"extensions": "integrations"})
    assert exported["contentType"] == "application/yaml"
    text = exported["body"].read().decode()
    assert "/pets/{id}:" in text and "x-amazon-apigateway-integration:" in text
    # The export imports again as a new API.
    again = client.import_rest_api(body=text.encode())
    assert again["name"] == "yaml-pets"
    with pytest.raises(client.exceptions.BadRequestException):
        client.import_rest_api(body=b"openapi: [unclosed")


def test_a_lambda_slower_than_the_integration_timeout_is_a_504(nimbus, lam):
    from lambda_helpers import create_function
    from conftest import unique
    name = unique("slow")
    arn = create_function(lam, name, {"index.mjs": "export const handler = async () => { "
                                                   "await new Promise(r => setTimeout(r, 3000)); return {statusCode: 200}; };"},
                          Timeout=10)["FunctionArn"]
    lam.add_permission(FunctionName=name, StatementId="apigw", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com")
    api = RestApi(nimbus)
    api.method("/slow", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST", "uri": LAMBDA_URI.format(arn),
                                "timeoutInMillis": 1000})
    api.deploy()
    response = api.call("prod", "/slow")
    assert response.status_code == 504
    assert response.json() == {"message": "Endpoint request timed out"}


def test_curl_reaches_an_api_by_its_invoke_host(nimbus):
    import subprocess
    api = RestApi(nimbus)
    api.method("/ping", "GET", mock(responses={"200": {"responseTemplates": {"application/json": '{"pong": true}'}}}))
    api.deploy("v1")
    host = f"{api.id}.execute-api.localhost.localstack.cloud"
    out = subprocess.run(["curl", "-s", "-i", "--resolve", f"{host}:{nimbus.port}:127.0.0.1",
                          f"http://{host}:{nimbus.port}/v1/ping"], capture_output=True, text=True, timeout=30).stdout
    assert out.startswith("HTTP/1.1 200") and out.rstrip().endswith('{"pong": true}'), out


def test_a_body_validator_checks_the_body_against_the_methods_model(nimbus):
    api = RestApi(nimbus)
    client = api.client
    client.create_model(restApiId=api.id, name="Pet", contentType="application/json", schema=json.dumps({
        "$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "required": ["name", "age"],
        "properties": {"name": {"type": "string", "minLength": 1}, "age": {"type": "integer", "minimum": 0},
                       "tags": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": False}))
    validator = client.create_request_validator(restApiId=api.id, name="body", validateRequestBody=True)
    api.method("/pets", "POST", mock(), requestValidatorId=validator["id"], requestModels={"application/json": "Pet"})
    client.put_gateway_response(restApiId=api.id, responseType="BAD_REQUEST_BODY", responseTemplates={
        "application/json": '{"message": $context.error.messageString, "why": "$context.error.validationErrorString"}'})
    api.deploy()
    ok = api.call("prod", "/pets", method="POST", json={"name": "rex", "age": 3, "tags": ["a"]})
    assert ok.status_code == 200, ok.text
    for bad in ({"name": "rex"}, {"name": "rex", "age": -1}, {"name": "rex", "age": 1, "tags": [1]},
                {"name": "rex", "age": 1, "color": "red"}, [1, 2]):
        refused = api.call("prod", "/pets", method="POST", json=bad)
        assert refused.status_code == 400, bad
        assert refused.json()["message"] == "Invalid request body"
    refused = api.call("prod", "/pets", method="POST", json={"name": "rex"})
    assert "required" in refused.json()["why"]
    not_json = api.call("prod", "/pets", method="POST", data="{oops", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
