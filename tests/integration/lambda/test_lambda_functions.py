"""Lambda functions run for real, through Debian's boto3 and the AWS CLI: the seed's portable
handler, Node.js (ESM and CommonJS), Python and provided (bootstrap) runtimes in the sandbox, the
errors AWS reports for broken code, timeouts, crashes and memory, logs, async invokes, durability."""

from __future__ import annotations

import base64
import json
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import make_client, unique
from lambda_helpers import ROLE, create_function, invoke, log_messages, make_zip

# The seed's portable handler (compiled from its TypeScript), with processRequest filled in.
SEED_HANDLER = """
const processRequest = async (body) => ({ received: body, ok: true });
export const handler = async (event) => {
  try {
    const body = JSON.parse(event.body || '{}');
    const result = await processRequest(body);
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(result),
    };
  } catch (error) {
    console.error('Error processing request', error);
    return {
      statusCode: 500,
      body: JSON.stringify({ error: 'Internal server error' }),
    };
  }
};
"""


@pytest.fixture
def lam(nimbus):
    return make_client(nimbus.endpoint, service="lambda")


@pytest.fixture
def logs(nimbus):
    return make_client(nimbus.endpoint, service="logs")


def error_of(err: ClientError) -> tuple[str, str]:
    return err.response["Error"]["Code"], err.response["Error"]["Message"]


def test_seed_portable_handler_returns_its_status_headers_and_body(lam, aws_cli, tmp_path):
    name = unique("seed")
    created = create_function(lam, name, {"index.mjs": SEED_HANDLER}, Architectures=["arm64"], MemorySize=512,
                              Timeout=30, Environment={"Variables": {"TABLE_NAME": "UsersTable"}})
    assert created["State"] == "Pending" and created["Architectures"] == ["arm64"]
    aws_cli("lambda", "wait", "function-active-v2", "--function-name", name)
    response, body = invoke(lam, name, {"body": json.dumps({"id": 7})})
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    assert body["statusCode"] == 200 and body["headers"] == {"Content-Type": "application/json"}
    assert json.loads(body["body"]) == {"received": {"id": 7}, "ok": True}
    # Its error path: a body that is not JSON answers 500 from the handler itself.
    out = tmp_path / "out.json"
    result = aws_cli("lambda", "invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out",
                     "--payload", json.dumps({"body": "{not json"}), str(out)).json
    assert result["StatusCode"] == 200
    answer = json.loads(out.read_text())
    assert answer["statusCode"] == 500 and json.loads(answer["body"]) == {"error": "Internal server error"}


def test_commonjs_callback_and_python_handlers_see_their_context(lam):
    node = unique("cjs")
    create_function(lam, node, {"src/app.js": """
exports.main = (event, context, callback) => {
  callback(null, { name: context.functionName, arn: context.invokedFunctionArn, id: context.awsRequestId,
                   memory: context.memoryLimitInMB, left: context.getRemainingTimeInMillis(),
                   region: process.env.AWS_REGION, root: process.env.LAMBDA_TASK_ROOT, echo: event });
};"""}, handler="src/app.main")
    response, body = invoke(lam, node, {"x": 1})
    assert body["name"] == node and body["arn"].endswith(f":function:{node}")
    assert body["memory"] == "128" and 0 < body["left"] <= 3000
    assert body["region"] == "us-east-1" and body["root"] == "/var/task" and body["echo"] == {"x": 1}

    python = unique("py")
    create_function(lam, python, {"pkg/handler.py": """
import os
def handle(event, context):
    return {"name": context.function_name, "id": context.aws_request_id,
            "left": context.get_remaining_time_in_millis(), "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
            "sum": sum(event["numbers"])}
"""}, runtime="python3.11", handler="pkg/handler.handle")
    response, body = invoke(lam, python, {"numbers": [1, 2, 3]})
    assert response["StatusCode"] == 200
    assert body["name"] == python and body["sum"] == 6 and body["version"] == "$LATEST"
    assert 0 < body["left"] <= 3000


def test_provided_runtime_runs_a_bootstrap_that_speaks_the_runtime_api(lam):
    name = unique("provided")
    bootstrap = """#!/bin/sh
set -eu
api="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  headers=$(mktemp)
  event=$(curl -sS -D "$headers" "$api/next")
  id=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$headers" | tr -d '\\r' | cut -d' ' -f2)
  echo "handling $id"
  curl -sS -X POST "$api/$id/response" -d "{\\"echo\\":$event,\\"handler\\":\\"$_HANDLER\\"}" >/dev/null
done
"""
    create_function(lam, name, {"bootstrap": bootstrap}, runtime="provided.al2023", handler="my.handler",
                    modes={"bootstrap": 0o755})
    response, body = invoke(lam, name, {"k": "v"}, LogType="Tail")
    assert response["StatusCode"] == 200 and body == {"echo": {"k": "v"}, "handler": "my.handler"}
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "handling " in tail and "REPORT RequestId:" in tail


def test_a_thrown_error_is_an_unhandled_function_error_with_the_runtime_payload(lam):
    name = unique("throws")
    create_function(lam, name, {"index.js": "exports.handler = async () => { throw new TypeError('bad input'); };"})
    response, body = invoke(lam, name, {})
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "TypeError" and body["errorMessage"] == "bad input"
    assert isinstance(body["trace"], list) and body["trace"][0].startswith("TypeError: bad input")

    python = unique("pythrows")
    create_function(lam, python, {"index.py": "def handler(e, c):\n    raise ValueError('nope')\n"},
                    runtime="python3.12", handler="index.handler")
    response, body = invoke(lam, python, {})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "nope" and body["stackTrace"]


@pytest.mark.parametrize("runtime,files,handler,error_type", [
    ("nodejs20.x", {"other.js": "exports.x = 1;"}, "index.handler", "Runtime.ImportModuleError"),
    ("nodejs20.x", {"index.js": "exports.other = 1;"}, "index.handler", "Runtime.HandlerNotFound"),
    ("nodejs20.x", {"index.mjs": "export const handler = async () => {;"}, "index.handler", "Runtime.UserCodeSyntaxError"),
    ("python3.11", {"other.py": "x = 1\n"}, "index.handler", "Runtime.ImportModuleError"),
    ("python3.11", {"index.py": "def handler(e, c)\n    return 1\n"}, "index.handler", "Runtime.UserCodeSyntaxError"),
    ("python3.11", {"index.py": "x = 1\n"}, "index", "Runtime.MalformedHandlerName"),
])
def test_broken_code_fails_the_invoke_with_the_runtime_init_error(lam, runtime, files, handler, error_type):
    name = unique("broken")
    create_function(lam, name, files, runtime=runtime, handler=handler)
    for _ in range(2):  # the failed environment is replaced, and fails the same way
        response, body = invoke(lam, name, {})
        assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
        assert body["errorType"] == error_type, body


def test_a_handler_that_hangs_times_out_and_the_next_invoke_gets_a_new_environment(lam, logs):
    name = unique("hang")
    create_function(lam, name, {"index.js": """
let calls = 0;
exports.handler = async (event) => {
  calls += 1;
  if (event.hang) await new Promise((resolve) => setTimeout(resolve, 60000));
  return { calls };
};"""}, Timeout=1)
    assert invoke(lam, name, {})[1] == {"calls": 1}
    started = time.time()
    response, body = invoke(lam, name, {"hang": True})
    assert 0.9 < time.time() - started < 5
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert invoke(lam, name, {})[1] == {"calls": 1}  # a fresh environment
    assert log_messages(logs, f"/aws/lambda/{name}", "Task timed out after 1.00 seconds")


def test_an_exiting_runtime_is_a_runtime_exit_error(lam):
    name = unique("exit")
    create_function(lam, name, {"index.py": "import os\ndef handler(e, c):\n    os._exit(3)\n"},
                    runtime="python3.11", handler="index.handler")
    response, body = invoke(lam, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")


def test_memory_beyond_the_memory_size_kills_the_environment(lam):
    name = unique("memory")
    create_function(lam, name, {"index.py": """
def handler(e, c):
    hog = []
    while True:
        hog.append(bytearray(8 * 1024 * 1024))
"""}, runtime="python3.11", handler="index.handler", MemorySize=128,
        Timeout=20)
    response, body = invoke(lam, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.OutOfMemory"
    assert "signal: killed" in body["errorMessage"]


def test_megabytes_of_output_and_large_responses_leave_nimbus_unharmed(lam, nimbus):
    name = unique("loud")
    create_function(lam, name, {"index.js": """
exports.handler = async (event) => {
  for (let i = 0; i < 2000; i++) console.log('x'.repeat(1000));
  return 'y'.repeat(event.size);
};"""}, Timeout=20)
    response, body = invoke(lam, name, {"size": 5 * 1024 * 1024})
    assert "FunctionError" not in response and len(body) == 5 * 1024 * 1024
    response, body = invoke(lam, name, {"size": 7 * 1024 * 1024})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Function.ResponseSizeTooLarge"
    nimbus.assert_serving()


def test_logs_go_to_cloudwatch_and_log_type_tail_returns_the_last_4kb(lam, logs):
    name = unique("logs")
    create_function(lam, name, {"index.js": "exports.handler = async (e) => { console.log('line one\\nline two'); "
                                            "console.warn('careful'); return 1; };"})
    response, _ = invoke(lam, name, {}, LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    request_id = response["ResponseMetadata"]["RequestId"]
    assert tail.startswith(f"START RequestId: {request_id} Version: $LATEST\n")
    assert f"\tINFO\tline one\nline two\n" in tail and "\tWARN\tcareful\n" in tail
    assert f"END RequestId: {request_id}\n" in tail and f"REPORT RequestId: {request_id}\tDuration: " in tail
    messages = log_messages(logs, f"/aws/lambda/{name}", at_least=5)
    assert any(m.startswith("INIT_START Runtime Version: nodejs20.x") for m in messages)
    # One console.log call is one event, however many lines it has.
    assert any(m.endswith("\tINFO\tline one\nline two\n") for m in messages)
    streams = logs.describe_log_streams(logGroupName=f"/aws/lambda/{name}")["logStreams"]
    assert streams[0]["logStreamName"].count("/") == 3 and "[$LATEST]" in streams[0]["logStreamName"]


def test_the_sandbox_sees_its_code_and_tmp_but_not_nimbus_data(lam, nimbus):
    name = unique("sandbox")
    create_function(lam, name, {"index.py": """
import os
def handler(event, context):
    open('/tmp/scratch', 'w').write('ok')
    return {"task": sorted(os.listdir('/var/task')), "data_visible": os.path.exists(event["data"]),
            "tmp": open('/tmp/scratch').read(), "uid": os.getuid(),
            "writable_code": os.access('/var/task/index.py', os.W_OK)}
"""}, runtime="python3.11", handler="index.handler")
    _, body = invoke(lam, name, {"data": str(nimbus.data_dir)})
    assert body["task"] == ["index.py"] and body["tmp"] == "ok"
    assert body["data_visible"] is False and body["writable_code"] is False and body["uid"] != 0


def test_functions_call_nimbus_through_aws_endpoint_url(lam, nimbus):
    name = unique("callback")
    create_function(lam, name, {"index.mjs": """
export const handler = async () => {
  const res = await fetch(process.env.AWS_ENDPOINT_URL + '/_nimbus/health');
  return { status: res.status, endpoint: process.env.AWS_ENDPOINT_URL };
};"""})
    _, body = invoke(lam, name, {})
    assert body["status"] == 200 and body["endpoint"].startswith("http://127.0.0.1:")


def test_event_invokes_run_later_and_dry_run_only_checks(lam, logs):
    name = unique("async")
    create_function(lam, name, {"index.js": "exports.handler = async (e) => { console.log('async got', e.n); };"})
    response = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 42}')
    assert response["StatusCode"] == 202
    assert log_messages(logs, f"/aws/lambda/{name}", "async got 42")
    assert lam.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204


def test_updates_take_effect_on_the_next_invoke(lam):
    name = unique("update")
    create_function(lam, name, {"index.js": "exports.handler = async () => process.env.COLOR || 'none';"})
    assert invoke(lam, name, {})[1] == "none"
    updated = lam.update_function_configuration(FunctionName=name, Environment={"Variables": {"COLOR": "blue"}},
                                                Timeout=10)
    assert updated["LastUpdateStatus"] == "InProgress" and updated["Timeout"] == 10
    assert invoke(lam, name, {})[1] == "blue"
    code = lam.update_function_code(FunctionName=name, ZipFile=make_zip(
        {"index.js": "exports.handler = async () => 'v2 ' + process.env.COLOR;"}))
    assert code["CodeSha256"] != updated["CodeSha256"]
    assert invoke(lam, name, {})[1] == "v2 blue"
    config = lam.get_function_configuration(FunctionName=name)
    assert config["State"] == "Active" and config["LastUpdateStatus"] == "Successful"
    assert config["RevisionId"] == code["RevisionId"]
    with pytest.raises(ClientError) as err:
        lam.update_function_configuration(FunctionName=name, Timeout=5, RevisionId="stale")
    assert error_of(err.value)[0] == "PreconditionFailedException"


def test_get_list_and_delete(lam):
    names = sorted(unique("list") for _ in range(3))
    for name in names:
        create_function(lam, name, {"index.js": "exports.handler = async () => 1;"}, Tags={"team": "a"})
    got = lam.get_function(FunctionName=names[0])
    assert got["Configuration"]["FunctionName"] == names[0] and got["Tags"] == {"team": "a"}
    assert got["Code"]["RepositoryType"] == "S3"
    page = lam.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in page["Functions"]] == names[:2] and "NextMarker" in page
    rest = lam.list_functions(Marker=page["NextMarker"])
    assert [f["FunctionName"] for f in rest["Functions"]] == names[2:]
    lam.delete_function(FunctionName=names[0])
    with pytest.raises(ClientError) as err:
        lam.get_function(FunctionName=names[0])
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error_of(err.value) == ("ResourceNotFoundException",
                                   f"Function not found: arn:aws:lambda:us-east-1:000000000000:function:{names[0]}")


def test_bad_requests_get_lambdas_errors(lam):
    name = unique("bad")
    create_function(lam, name, {"index.js": "exports.handler = async () => 1;"})
    cases = [
        (lambda: create_function(lam, name, {"index.js": ""}), "ResourceConflictException",
         f"Function already exist: {name}"),
        (lambda: lam.create_function(FunctionName=unique("z"), Runtime="nodejs20.x", Role=ROLE, Handler="i.h",
                                     Code={"ZipFile": b"not a zip"}),
         "InvalidParameterValueException",
         "Could not unzip uploaded file. Please check your file, then try to upload again."),
        (lambda: create_function(lam, unique("old"), {"index.js": ""}, runtime="nodejs12.x"),
         "InvalidParameterValueException", None),
        (lambda: create_function(lam, unique("env"), {"index.js": ""},
                                 Environment={"Variables": {"AWS_REGION": "x"}}), "InvalidParameterValueException", None),
        (lambda: lam.create_function(FunctionName=unique("role"), Runtime="nodejs20.x", Role="not-a-role",
                                     Handler="i.h", Code={"ZipFile": make_zip({"i.js": ""})}),
         "ValidationException", None),
        (lambda: lam.invoke(FunctionName=name, Payload=b"{not json"), "InvalidRequestContentException", None),
        (lambda: lam.invoke(FunctionName=name, Payload=b'"' + b"a" * (6 * 1024 * 1024) + b'"'),
         "RequestTooLargeException", None),
        (lambda: lam.invoke(FunctionName=unique("missing")), "ResourceNotFoundException", None),
    ]
    for call, code, message in cases:
        with pytest.raises(ClientError) as err:
            call()
        assert error_of(err.value)[0] == code
        if message:
            assert error_of(err.value)[1] == message


def test_functions_and_their_code_survive_kill_9(server_factory):
    server = server_factory()
    lam = make_client(server.endpoint, service="lambda")
    name = unique("durable")
    create_function(lam, name, {"index.js": "exports.handler = async (e) => ({ doubled: e.n * 2 });"})
    server.restart(kill=True)
    lam = make_client(server.endpoint, service="lambda")
    assert invoke(lam, name, {"n": 21})[1] == {"doubled": 42}
    assert lam.get_function_configuration(FunctionName=name)["State"] == "Active"


def test_failed_async_invokes_are_retried_twice_then_reach_the_dead_letter_queue(lam, sqs, logs, nimbus):
    dlq_url = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = unique("failing")
    create_function(lam, name, {"index.js": "exports.handler = async (e) => { console.log('attempt', e.n); "
                                            "throw new Error('always'); };"},
                    DeadLetterConfig={"TargetArn": dlq_arn})
    assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"n": 5}')["StatusCode"] == 202
    group = f"/aws/lambda/{name}"
    assert len(log_messages(logs, group, "attempt 5")) == 1
    # Lambda waits about a minute before each retry: nimbus's clock is moved instead of waiting.
    for attempts in (2, 3):
        nimbus.advance_clock(130)
        assert len(log_messages(logs, group, "attempt 5", at_least=attempts)) == attempts
    received = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=10, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(received[0]["Body"]) == {"n": 5}
    attributes = received[0]["MessageAttributes"]
    assert attributes["ErrorMessage"]["StringValue"] == "always"
    assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}
    assert attributes["RequestID"]["StringValue"]
    nimbus.advance_clock(300)
    time.sleep(0.5)
    assert len(log_messages(logs, group, "attempt 5", at_least=3)) == 3  # no fourth attempt
