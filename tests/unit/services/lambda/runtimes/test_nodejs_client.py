"""nimbus's Node.js runtime interface client against a fake Runtime API."""

import base64
import json
import re
import time

from conftest import NODE_BOOTSTRAP

RUNTIME_DIR = str(NODE_BOOTSTRAP.parent)
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"

ECHO_CONTEXT = """
exports.handler = async (event, context) => ({
  event,
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remaining: context.getRemainingTimeInMillis(),
  clientContext: context.clientContext,
  identity: context.identity,
  waits: context.callbackWaitsForEmptyEventLoop,
  legacy: [typeof context.done, typeof context.succeed, typeof context.fail],
  trace: process.env._X_AMZN_TRACE_ID,
  telemetryFdHidden: process.env._LAMBDA_TELEMETRY_LOG_FD === undefined,
});
"""


def node(session, files, handler="index.handler", **kw):
    return session("nodejs", files, handler, **kw)


# --- handler styles and module formats ---------------------------------------


def test_commonjs_async_handler_and_context(session):
    s = node(session, {"index.js": ECHO_CONTEXT}, telemetry=True)
    deadline = int(time.time() * 1000) + 5000
    post = s.invoke(
        {"a": [1, "x"]},
        deadline_ms=deadline,
        headers={
            "Lambda-Runtime-Client-Context": json.dumps({"custom": {"k": "v"}}),
            "Lambda-Runtime-Cognito-Identity": json.dumps({"cognitoIdentityId": "id-1"}),
        },
    )
    assert post.kind == "response"
    assert post.headers["content-type"] == "application/json"
    r = post.json()
    assert r["event"] == {"a": [1, "x"]}
    assert r["awsRequestId"] == post.request_id
    assert r["functionName"] == "fn" and r["functionVersion"] == "$LATEST"
    assert r["invokedFunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert r["memoryLimitInMB"] == "128"  # a string, as in AWS
    assert r["logGroupName"] == "/aws/lambda/fn"
    assert r["logStreamName"] == "2024/01/01/[$LATEST]abcdef"
    assert 4000 < r["remaining"] <= 5000
    assert r["clientContext"] == {"custom": {"k": "v"}}
    assert r["identity"] == {"cognitoIdentityId": "id-1"}
    assert r["waits"] is True
    assert r["legacy"] == ["function"] * 3
    assert r["trace"].startswith("Root=1-5759e988")
    assert r["telemetryFdHidden"] is True


def test_esm_js_with_type_module_and_top_level_await(session):
    s = node(
        session,
        {
            "package.json": '{"type": "module"}',
            "index.js": "const v = await Promise.resolve(41);\nexport const handler = async (e) => ({ v: v + 1, esm: typeof require });\n",
        },
    )
    assert s.invoke().json() == {"v": 42, "esm": "undefined"}


def test_mjs_and_cjs_files(session, tmp_path):
    s = node(session, {"app.mjs": "export async function handler() { return 'mjs'; }\n"}, "app.handler")
    assert s.invoke().json() == "mjs"
    s2 = node(session, {"lib.cjs": "module.exports.handler = async () => 'cjs';\n"}, "lib.handler")
    assert s2.invoke().json() == "cjs"


def test_nested_path_and_nested_export(session):
    s = node(
        session,
        {"src/lib/app.js": "exports.handlers = { main: async (e) => ({ nested: e.n }) };\n"},
        "src/lib/app.handlers.main",
    )
    assert s.invoke({"n": 7}).json() == {"nested": 7}


def test_callback_waits_for_empty_event_loop(session):
    src = """
let fired = 0;
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = event.wait;
  setTimeout(() => { fired++; }, 300);
  callback(null, { firedWhenCalled: fired });
};
exports.fired = () => fired;
"""
    s = node(session, {"index.js": src})
    t0 = time.time()
    assert s.invoke({"wait": True}).json() == {"firedWhenCalled": 0}
    assert time.time() - t0 >= 0.28  # the answer waited for the timer
    t0 = time.time()
    s.invoke({"wait": False})
    assert time.time() - t0 < 0.25  # answered at once


def test_promise_returning_and_sync_handlers(session):
    s = node(session, {"index.js": "exports.handler = (e) => new Promise((r) => setTimeout(() => r(e.x * 2), 10));\n"})
    assert s.invoke({"x": 21}).json() == 42
    # A sync handler that neither returns a promise nor calls back answers null.
    s2 = node(session, {"index.js": "exports.handler = function (e, c, cb) { };\n"})
    assert s2.invoke().body == b"null"
    # An async handler resolving undefined answers null too.
    s3 = node(session, {"index.js": "exports.handler = async () => undefined;\n"})
    assert s3.invoke().body == b"null"


def test_legacy_context_succeed_and_done(session):
    s = node(session, {"index.js": "exports.handler = (e, context) => { context.succeed({ ok: 1 }); context.fail(new Error('x')); };\n"})
    assert s.invoke().json() == {"ok": 1}
    s2 = node(session, {"index.js": "exports.handler = (e, context) => context.done(null, 'done');\n"})
    assert s2.invoke().json() == "done"


# --- invoke errors -------------------------------------------------------------


def test_thrown_error_payload_header_and_log(session):
    src = """
class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; this.extra = 5; } }
exports.handler = async () => { throw new MyError('it broke'); };
"""
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.kind == "error"
    assert post.headers["lambda-runtime-function-error-type"] == "MyError"
    body = post.json()
    assert list(body) == ["errorType", "errorMessage", "trace"]
    assert body["errorType"] == "MyError" and body["errorMessage"] == "it broke"
    assert body["trace"][0] == "MyError: it broke"
    assert body["trace"][1].lstrip().startswith("at ")
    out = s.stdout()
    m = re.search(TIME + r"\t" + post.request_id + r"\tERROR\tInvoke Error \t(\{.*\})\n", out)
    assert m, out
    logged = json.loads(m.group(1))
    assert logged["errorType"] == "MyError" and logged["errorMessage"] == "it broke" and logged["extra"] == 5
    assert logged["stack"][0] == "MyError: it broke"
    # The process survives a handled error.
    s.api.push({})
    assert s.api.next_post().kind == "error"


def test_callback_with_non_error_values(session):
    s = node(session, {"index.js": "exports.handler = (e, c, cb) => cb('plain string');\n"})
    assert s.invoke().json() == {"errorType": "string", "errorMessage": "plain string", "trace": []}
    s2 = node(session, {"index.js": "exports.handler = (e, c) => c.fail();\n"})
    assert s2.invoke().json() == {"errorType": "string", "errorMessage": "handled", "trace": []}


def test_unserializable_result(session):
    s = node(session, {"index.js": "exports.handler = async () => { const o = {}; o.self = o; return o; };\n"})
    post = s.invoke()
    assert post.kind == "error"
    body = post.json()
    assert body["errorType"] == "Error" and body["errorMessage"] == "Unable to stringify response body"
    s2 = node(session, {"index.js": "exports.handler = async () => ({ n: 10n });\n"})
    assert s2.invoke().json()["errorMessage"] == "Unable to stringify response body"


def test_unhandled_rejection_during_invoke_exits_128(session):
    src = "exports.handler = async () => { Promise.reject(new Error('lost')); await new Promise((r) => setTimeout(r, 200)); return 1; };\n"
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.kind == "error"
    assert post.json()["errorType"] == "Runtime.UnhandledPromiseRejection"
    assert post.json()["errorMessage"] == "Error: lost"
    assert post.json()["trace"][0] == "Runtime.UnhandledPromiseRejection: Error: lost"
    assert s.wait_exit() == 128
    assert "\tERROR\tUnhandled Promise Rejection \t{" in s.stdout()


def test_uncaught_exception_during_invoke_exits_129(session):
    src = "exports.handler = (e, c, cb) => { setTimeout(() => { throw new TypeError('late'); }, 10); };\n"
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.kind == "error"
    assert post.json()["errorType"] == "TypeError" and post.json()["errorMessage"] == "late"
    assert s.wait_exit() == 129
    assert "\tERROR\tUncaught Exception \t{" in s.stdout()


def test_async_handler_that_never_settles(session):
    s = node(session, {"index.js": "exports.handler = async () => { await new Promise(() => {}); };\n"})
    post = s.invoke()
    assert post.kind == "error"
    assert post.json()["errorType"] == "Runtime.NodeJsExit"
    assert post.json()["errorMessage"].startswith("The Lambda runtime client detected an unexpected Node.js exit code.")
    assert s.invoke({}).kind == "error"  # the loop goes on


# --- init errors ---------------------------------------------------------------


def init_error(session, files, handler="index.handler", code=129):
    s = node(session, files, handler)
    post = s.api.next_post()
    assert post.kind == "init_error", post
    assert post.headers["lambda-runtime-function-error-type"] == post.json()["errorType"]
    assert s.wait_exit() == code
    return post.json(), s


def test_init_import_module_error(session):
    body, s = init_error(session, {})
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"] == f"Error: Cannot find module 'index'\nRequire stack:\n- {RUNTIME_DIR}/index.mjs"
    assert body["trace"][0] == "Runtime.ImportModuleError: Error: Cannot find module 'index'"
    assert re.search(TIME + r"\tundefined\tERROR\tUncaught Exception \t\{\"errorType\":\"Runtime.ImportModuleError\"", s.stdout())


def test_init_handler_not_found_and_not_a_function(session):
    body, _ = init_error(session, {"index.js": "exports.other = 1;\n"})
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "index.handler is undefined or not exported"
    body, _ = init_error(session, {"index.js": "exports.handler = 1;\n"})
    assert body["errorMessage"] == "index.handler is not a function"


def test_init_malformed_handler_name(session):
    body, _ = init_error(session, {"index.js": ""}, "index")
    assert body["errorType"] == "Runtime.MalformedHandlerName" and body["errorMessage"] == "Bad handler"
    body, _ = init_error(session, {"index.js": ""}, "../x/index.handler")
    assert body["errorMessage"] == (
        "'../x/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names."
    )


def test_init_syntax_errors_commonjs_and_esm(session):
    body, _ = init_error(session, {"index.js": "exports.handler = async () => {\n  return 1 +;\n};\n"})
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"] == "SyntaxError: Unexpected token ';'"
    body, _ = init_error(session, {"index.mjs": "export const handler = ) => 1;\n"})
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"] == "SyntaxError: Unexpected token ')'"


def test_init_throw_at_module_load(session):
    body, _ = init_error(session, {"index.js": "throw new RangeError('bad config');\n"})
    assert body["errorType"] == "RangeError" and body["errorMessage"] == "bad config"


# --- logs ------------------------------------------------------------------------


def test_console_text_lines_on_stdout(session):
    src = """
console.log('at init');
exports.handler = async () => {
  console.log('hello %s', 'world', { a: 1 });
  console.info('two\\nlines');
  console.warn('w'); console.error('e'); console.debug('d'); console.trace('t');
  return 1;
};
"""
    s = node(session, {"index.js": src})
    rid = s.invoke().request_id
    out = s.stdout()
    lines = out.split("\n")
    assert re.fullmatch(TIME + r"\tundefined\tINFO\tat init", lines[0]), lines[0]
    expect = ["INFO\thello world { a: 1 }", "INFO\ttwo\rlines", "WARN\tw", "ERROR\te", "DEBUG\td", "TRACE\tt"]
    for line, tail in zip(lines[1:], expect):
        assert re.fullmatch(TIME + "\t" + rid + "\t" + re.escape(tail), line), line


def test_log_level_filter_and_json_format(session):
    src = "exports.handler = async () => { console.debug('hidden'); console.info('shown', 2); console.error(new Error('E')); return 1; };\n"
    s = node(session, {"index.js": src}, env={"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"})
    rid = s.invoke().request_id
    recs = [json.loads(l) for l in s.stdout().splitlines()]
    assert [r["level"] for r in recs] == ["INFO", "ERROR"]
    assert recs[0]["message"] == "shown 2" and recs[0]["requestId"] == rid
    assert list(recs[0])[:3] == ["timestamp", "level", "requestId"]
    assert recs[1]["message"]["errorType"] == "Error" and recs[1]["message"]["errorMessage"] == "E"


def test_telemetry_frames(session):
    src = "exports.handler = async () => { console.log('multi\\nline\\nevent'); console.error('bad'); return 1; };\n"
    s = node(session, {"index.js": src}, telemetry=True)
    before = int(time.time() * 1e6)
    rid = s.invoke().request_id
    frames = s.frames()
    assert s.stdout() == ""
    assert len(frames) == 2
    (t1, ts1, p1), (t2, _, p2) = frames
    assert t1 == 0xA55A0003 | 0b01100  # text, INFO
    assert t2 == 0xA55A0003 | 0b10100  # text, ERROR
    assert before - 2_000_000 < ts1 < int(time.time() * 1e6)
    assert re.fullmatch(TIME + "\t" + rid + "\tINFO\tmulti\nline\nevent\n", p1), p1
    assert p2.endswith("\tERROR\tbad\n")
    s2 = node(session, {"index.js": src}, telemetry=True, env={"AWS_LAMBDA_LOG_FORMAT": "json"})
    s2.invoke()
    (t1, _, p1), _ = s2.frames()
    assert t1 == 0xA55A0002 | 0b01100 and json.loads(p1)["message"] == "multi\nline\nevent"


def test_handler_printing_megabytes(session):
    src = "exports.handler = async (e) => { const s = 'x'.repeat(e.n); for (let i = 0; i < 4; i++) console.log(s); return e.n; };\n"
    s = node(session, {"index.js": src})
    assert s.invoke({"n": 2_000_000}).json() == 2_000_000
    out = s.stdout(settle=0.5)
    assert out.count("x" * 2_000_000) == 4


# --- streaming -------------------------------------------------------------------


def test_streaming_response(session):
    src = """
exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('text/plain');
  responseStream.write('hello ');
  await new Promise((r) => setTimeout(r, 20));
  responseStream.write(Buffer.from('world'));
  responseStream.end();
});
"""
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.kind == "response"
    assert post.headers["lambda-runtime-function-response-mode"] == "streaming"
    assert post.headers["transfer-encoding"] == "chunked"
    assert post.headers["content-type"] == "text/plain"
    assert post.body == b"hello world"
    assert post.trailers == {}
    assert s.invoke().body == b"hello world"  # and the next invoke works


def test_streaming_error_mid_stream_as_trailers(session):
    src = """
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('partial');
  throw new Error('mid-stream');
});
"""
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.body == b"partial"
    assert post.trailers["lambda-runtime-function-error-type"] == "Error"
    err = json.loads(base64.b64decode(post.trailers["lambda-runtime-function-error-body"]))
    assert err["errorType"] == "Error" and err["errorMessage"] == "mid-stream"
    assert "Invoke Error" in s.stdout()


def test_http_response_stream_prelude(session):
    src = """
exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const s = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'x-a': 'b' } });
  s.write('body');
  s.end();
});
"""
    s = node(session, {"index.js": src})
    post = s.invoke()
    assert post.headers["content-type"] == "application/vnd.awslambda.http-integration-response"
    assert post.body == b'{"statusCode":201,"headers":{"x-a":"b"}}' + b"\0" * 8 + b"body"


# --- transport ---------------------------------------------------------------------


def test_keep_alive_single_connection_and_warm_latency(session):
    s = node(session, {"index.js": "exports.handler = async (e) => e;\n"})
    s.invoke({"warm": 1})
    gaps = []
    for i in range(300):
        post = s.invoke({"i": i})
        assert post.json() == {"i": i}
        # Client time: event written by the server -> its response received
        # (parsing by this Python test server included).
        gaps.append((post.received - post.event_sent) * 1000)
    assert len(set(s.api.connections)) == 1, set(s.api.connections)  # one connection for every GET and POST
    median = sorted(gaps)[len(gaps) // 2]
    print(f"node client overhead per warm invoke: median {median:.3f} ms")
    assert median < 2, median  # target < 1 ms; slack for loaded CI machines
