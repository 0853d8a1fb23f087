#!/usr/bin/python3
"""API Gateway benchmarks (on demand, never in CI): requests/s and latency of a REST API's MOCK
integration (target >= 20,000 req/s on 2 cores; also with a response template rendered per
request), and of REST and HTTP API routes proxied to a warm
Lambda function against a direct Invoke of the same function in the same run (target: gateway
overhead <= 0.5 ms p50). The HTTP floor is nimbus's own health endpoint. Loopback only, bounded.

    NIMBUS_BIN=build/nimbus APIGW_DURATION=5 APIGW_CONNECTIONS=32 bench/apigateway_bench.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lambda_bench import AUTH, free_port, wrk, zip_of  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NIMBUS_BIN = os.environ.get("NIMBUS_BIN", str(ROOT / "build" / "nimbus"))
DURATION = int(os.environ.get("APIGW_DURATION", "5"))
CONNECTIONS = int(os.environ.get("APIGW_CONNECTIONS", "32"))
LAMBDA_CONNECTIONS = int(os.environ.get("APIGW_LAMBDA_CONNECTIONS", "8"))
HANDLER = "exports.handler = async (event) => ({ statusCode: 200, body: '{\"ok\":true}' });\n"
LAMBDA_URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations"


def client(service: str, endpoint: str):
    return boto3.session.Session().client(service, region_name="us-east-1", endpoint_url=endpoint,
                                          aws_access_key_id="test", aws_secret_access_key="test",
                                          config=Config(retries={"max_attempts": 1}, read_timeout=120))


def rest_api(apigw, function_arn: str) -> str:
    api = apigw.create_rest_api(name="bench")["id"]
    root = apigw.get_resources(restApiId=api)["items"][0]["id"]
    mock = apigw.create_resource(restApiId=api, parentId=root, pathPart="mock")["id"]
    apigw.put_method(restApiId=api, resourceId=mock, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=mock, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api, resourceId=mock, httpMethod="GET", statusCode="200")
    apigw.put_integration_response(restApiId=api, resourceId=mock, httpMethod="GET", statusCode="200",
                                   responseTemplates={"application/json": '{"ok": true}'})
    # A MOCK whose response template reads the request (rendered per request, not a static text).
    named = apigw.create_resource(restApiId=api, parentId=mock, pathPart="{name}")["id"]
    apigw.put_method(restApiId=api, resourceId=named, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=named, httpMethod="GET", type="MOCK",
                          requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(restApiId=api, resourceId=named, httpMethod="GET", statusCode="200")
    apigw.put_integration_response(restApiId=api, resourceId=named, httpMethod="GET", statusCode="200",
                                   responseTemplates={"application/json":
                                                      '{"hello": "$input.params(\'name\')", "stage": "$context.stage"}'})
    users = apigw.create_resource(restApiId=api, parentId=root, pathPart="users")["id"]
    user = apigw.create_resource(restApiId=api, parentId=users, pathPart="{id}")["id"]
    apigw.put_method(restApiId=api, resourceId=user, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api, resourceId=user, httpMethod="GET", type="AWS_PROXY",
                          integrationHttpMethod="POST", uri=LAMBDA_URI.format(function_arn))
    apigw.create_deployment(restApiId=api, stageName="prod")
    return api


def line(name: str, result: dict, reference: dict | None = None) -> str:
    text = f"  {name:<44} {result['rate']:>9.0f} req/s  p50 {result['p50_ms']:.3f} ms  p99 {result['p99_ms']:.3f} ms"
    if reference:
        text += f"  ({result['rate'] / reference['rate']:.2f}x the rate, p50 +{result['p50_ms'] - reference['p50_ms']:.3f} ms)"
    if result["errors"]:
        text += f"  ERRORS {result['errors']}"
    return text


def main() -> int:
    if not shutil.which("wrk"):
        print("apigateway_bench: wrk is required (Debian package wrk)", file=sys.stderr)
        return 2
    port = free_port()
    data = tempfile.mkdtemp(prefix="nimbus-apigw-bench-")
    server = subprocess.Popen([NIMBUS_BIN, "--port", str(port), "--data-dir", data, "--log-level", "warn"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdout.readline()
        endpoint = f"http://127.0.0.1:{port}"
        lam = client("lambda", endpoint)
        arn = lam.create_function(FunctionName="bench", Runtime="nodejs20.x", Handler="index.handler",
                                  MemorySize=256, Role="arn:aws:iam::000000000000:role/bench",
                                  Code={"ZipFile": zip_of({"index.js": HANDLER})})["FunctionArn"]
        lam.add_permission(FunctionName="bench", StatementId="apigw", Action="lambda:InvokeFunction",
                           Principal="apigateway.amazonaws.com")
        rest = rest_api(client("apigateway", endpoint), arn)
        http_api = client("apigatewayv2", endpoint).create_api(Name="bench", ProtocolType="HTTP", Target=arn)["ApiId"]
        rest_host = {"Host": f"{rest}.execute-api.localhost.localstack.cloud:{port}"}
        http_host = {"Host": f"{http_api}.execute-api.localhost.localstack.cloud:{port}"}
        invoke_path = "/2015-03-31/functions/bench/invocations"
        invoke_headers = {"Authorization": AUTH, "X-Amz-Date": "20260101T000000Z", "Content-Type": "application/json"}

        # API Gateway alone first (no function environments running yet), then the Lambda routes
        # after a warm-up at the loaded concurrency (environments start there, not in the figures).
        wrk(port, "/prod/mock", CONNECTIONS, 1, headers=rest_host)
        floor = wrk(port, "/_nimbus/health", CONNECTIONS, DURATION)
        mock = wrk(port, "/prod/mock", CONNECTIONS, DURATION, headers=rest_host)
        templated = wrk(port, "/prod/mock/ada", CONNECTIONS, DURATION, headers=rest_host)
        wrk(port, invoke_path, LAMBDA_CONNECTIONS, 2, "{}", invoke_headers)
        direct_1 = wrk(port, invoke_path, 1, DURATION, "{}", invoke_headers)
        rest_1 = wrk(port, "/prod/users/1", 1, DURATION, headers=rest_host)
        http_1 = wrk(port, "/users/1", 1, DURATION, headers=http_host)
        direct_n = wrk(port, invoke_path, LAMBDA_CONNECTIONS, DURATION, "{}", invoke_headers)
        rest_n = wrk(port, "/prod/users/1", LAMBDA_CONNECTIONS, DURATION, headers=rest_host)
        http_n = wrk(port, "/users/1", LAMBDA_CONNECTIONS, DURATION, headers=http_host)

        print(f"API Gateway on {os.cpu_count()} cores, {DURATION} s per figure")
        print(line(f"HTTP floor GET /_nimbus/health ({CONNECTIONS} conns)", floor))
        print(line(f"REST MOCK GET /prod/mock ({CONNECTIONS} conns)", mock, floor))
        print(line(f"REST MOCK, response template reading the request ({CONNECTIONS} conns)", templated, floor))
        print(f"  MOCK target >= 20,000 req/s: {'met' if mock['rate'] >= 20000 else 'NOT met'}")
        print(line("direct Invoke (1 conn)", direct_1))
        print(line("REST AWS_PROXY -> Lambda (1 conn)", rest_1, direct_1))
        print(line("HTTP API 2.0 -> Lambda (1 conn)", http_1, direct_1))
        overhead = rest_1["p50_ms"] - direct_1["p50_ms"]
        print(f"  REST gateway overhead p50 {overhead:.3f} ms (target <= 0.5 ms): {'met' if overhead <= 0.5 else 'NOT met'}")
        print(line(f"direct Invoke ({LAMBDA_CONNECTIONS} conns)", direct_n))
        print(line(f"REST AWS_PROXY -> Lambda ({LAMBDA_CONNECTIONS} conns)", rest_n, direct_n))
        print(line(f"HTTP API 2.0 -> Lambda ({LAMBDA_CONNECTIONS} conns)", http_n, direct_n))
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
