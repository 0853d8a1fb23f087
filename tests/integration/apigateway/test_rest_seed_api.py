"""The seed's API backend as users deploy it: its portable TypeScript handler, compiled to
JavaScript, behind GET /users/{id} on a REST API whose default authorizer is AWS_IAM (the seed's
SAM template), stage prod. A signed call gets the handler's 200; an unsigned one API Gateway's 403."""

from __future__ import annotations

import re
import subprocess

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import REPO, make_client, unique
from rest_invoke_helpers import LAMBDA_URI, RestApi  # (puts the Lambda helpers on the path)
from lambda_helpers import create_function  # noqa: E402

SEED = REPO.parent / "shared" / "seed"

# The seed leaves processRequest to the application; this one echoes what it was given.
PROCESS_REQUEST = """
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
const processRequest = async (body: Record<string, unknown>) => ({ processed: true, input: body });
"""


def seed_handler_typescript() -> str:
    if not SEED.is_dir():
        pytest.skip(f"the seed is not beside this checkout ({SEED})")
    for document in sorted(SEED.iterdir()):
        text = document.read_text()
        for block in re.findall(r"```typescript\n(.*?)```", text, re.S):
            if "APIGatewayProxyEvent" in block and "export const handler" in block:
                return block
    pytest.fail("the seed has no API Gateway handler")


def compile_typescript(source: str) -> str:
    """TypeScript -> an ES module, as `tsc` would emit it (the pinned npm typescript)."""
    script = ("const ts = require('typescript');"
              "let src = ''; process.stdin.on('data', d => src += d).on('end', () => process.stdout.write("
              "ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ES2022, "
              "target: ts.ScriptTarget.ES2022 } }).outputText));")
    return subprocess.run(["node", "-e", script], input=source, capture_output=True, text=True, check=True,
                          cwd=REPO).stdout


def signed_get(url: str, host: str) -> requests.Response:
    request = AWSRequest(method="GET", url=url, headers={"Host": host})
    SigV4Auth(Credentials("AKIDSEEDCALLER", "secret"), "execute-api", "us-east-1").add_auth(request)
    return requests.get(url, headers=dict(request.headers), timeout=30)


def test_the_seeds_handler_behind_get_users_id_with_aws_iam(nimbus):
    javascript = compile_typescript(PROCESS_REQUEST + seed_handler_typescript())
    lam = make_client(nimbus.endpoint, service="lambda")
    name = unique("seed-api")
    arn = create_function(lam, name, {"index.mjs": javascript}, MemorySize=512, Timeout=30,
                          Environment={"Variables": {"TABLE_NAME": "UsersTable"}})["FunctionArn"]
    api = RestApi(nimbus, name="seed-api")
    # What SAM's Api event grants API Gateway on the function.
    lam.add_permission(FunctionName=name, StatementId="GetUserPermission", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn=f"arn:aws:execute-api:us-east-1:000000000000:{api.id}/*/GET/users/*")
    api.method("/users/{id}", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                      "uri": LAMBDA_URI.format(arn)}, authorization="AWS_IAM")
    api.deploy("prod")
    host = f"{api.id}.execute-api.localhost.localstack.cloud:{nimbus.port}"
    url = f"http://127.0.0.1:{nimbus.port}/prod/users/42"
    response = signed_get(url, host)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"processed": True, "input": {}}

    unsigned = requests.get(url, headers={"Host": host}, timeout=30)
    assert unsigned.status_code == 403
    assert unsigned.json() == {"message": "Missing Authentication Token"}
