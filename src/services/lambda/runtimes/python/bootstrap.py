"""nimbus Python runtime interface client.

Runs inside every Python execution environment as
    python3 /var/runtime/bootstrap.py        (cwd = LAMBDA_TASK_ROOT)
imports the function named by _HANDLER and loops on the Lambda Runtime API
(http://$AWS_LAMBDA_RUNTIME_API/2018-06-01). Error payloads, log lines, exit
codes and JSON marshalling follow AWS's managed python runtimes (awslambdaric);
see ../README.md for the contract and the sources it was checked against.

Self-contained on purpose: standard library only, Python 3.9-3.13.
"""

import decimal
import http.client
import importlib
import json
import logging
import math
import os
import socket
import sys
import time
import traceback

PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"

# Fault types the runtime itself reports (errorType values).
MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, "
    "in rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed "
    "runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To determine "
    "if the runtime has been updated, check the runtime version in the INIT_START log entry. If this error "
    "correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling "
    "back to the previous runtime version. For more information, see "
    "https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)


class Fault(Exception):
    """An error the runtime reports with its own errorType and message."""

    def __init__(self, error_type, msg, trace=None):
        super().__init__(msg)
        self.error_type = error_type
        self.msg = msg
        self.trace = trace


# ---------------------------------------------------------------------------
# JSON, as AWS's marshaller writes it


class _Encoder(json.JSONEncoder):
    """Decimals are written as their exact digits (AWS uses simplejson's raw
    JSON); NaN stays allowed. The stdlib encoder cannot emit raw text, so a
    Decimal becomes a marked string that is unquoted after encoding."""

    def __init__(self):
        # python3.12+ managed runtimes stopped escaping non-ASCII characters.
        modern = os.environ.get("AWS_EXECUTION_ENV") in {
            "AWS_Lambda_python3.12",
            "AWS_Lambda_python3.13",
            "AWS_Lambda_python3.14",
            "AWS_Lambda_python3.15",
        }
        super().__init__(ensure_ascii=not modern, allow_nan=True)
        self.mark = "\x00dec%s:" % os.urandom(6).hex()
        self.quoted_mark = json.dumps(self.mark)[:-1]  # '"\u0000dec...:'
        self.saw_decimal = False

    def default(self, obj):
        if isinstance(obj, decimal.Decimal):
            if obj.is_nan():
                return math.nan
            self.saw_decimal = True
            return self.mark + str(obj)
        return super().default(obj)

    def encode(self, obj):
        self.saw_decimal = False
        text = super().encode(obj)
        if not self.saw_decimal:
            return text
        out, pos = [], 0
        while True:
            i = text.find(self.quoted_mark, pos)
            if i < 0:
                out.append(text[pos:])
                return "".join(out)
            j = text.index('"', i + len(self.quoted_mark))
            out.append(text[pos:i])
            out.append(text[i + len(self.quoted_mark) : j])
            pos = j + 1


_encoder = _Encoder()


def to_json(obj):
    return _encoder.encode(obj)


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise Fault(MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))


def unmarshal_event(body, content_type):
    if content_type != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise Fault(UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))


# ---------------------------------------------------------------------------
# Runtime API client: one persistent HTTP/1.1 connection.


class RuntimeApi:
    def __init__(self, address):
        self.address = address
        self.conn = None

    def _connect(self):
        conn = http.client.HTTPConnection(self.address)
        conn.connect()
        # Small request + body writes must not wait on delayed ACKs.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn

    def _request(self, method, path, body=None, headers=None):
        # One retry on a fresh connection: the server may have closed the
        # idle keep-alive connection between two requests.
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self.conn.close()
                    self.conn = None
                return resp, data
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def next(self):
        resp, body = self._request("GET", PREFIX + "/invocation/next")
        if resp.status != 200:
            raise RuntimeError("Runtime API /invocation/next answered %d: %r" % (resp.status, body))
        return resp, body

    def post_result(self, request_id, body, content_type):
        self._request(
            "POST", PREFIX + "/invocation/%s/response" % request_id, body, {"Content-Type": content_type}
        )

    def post_error(self, request_id, error):
        self._request(
            "POST",
            PREFIX + "/invocation/%s/error" % request_id,
            to_json(error).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: _header_safe(error["errorType"])},
        )

    def post_init_error(self, error):
        self._request(
            "POST",
            PREFIX + "/init/error",
            to_json(error).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: _header_safe(error["errorType"])},
        )


def _header_safe(value):
    # errorType comes from user code (exception class names may be unicode).
    return "".join(c if " " <= c <= "~" else "?" for c in str(value))


# ---------------------------------------------------------------------------
# Logging

LOG_FORMAT_JSON = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
# AWS maps TRACE to DEBUG; anything else is used as given (unknown = ignored).
LOG_LEVEL = {None: "", "TRACE": "DEBUG"}.get(
    os.environ.get("AWS_LAMBDA_LOG_LEVEL"), os.environ.get("AWS_LAMBDA_LOG_LEVEL") or ""
).upper()

# Telemetry frame types: 0xa55a0003 text / 0xa55a0002 JSON, bits 2..4 = level.
_LEVELS = (logging.NOTSET, logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
TEXT_FRAME = {lvl: (0xA55A0003 | (i and (i + 1) << 2)).to_bytes(4, "big") for i, lvl in enumerate(_LEVELS)}
JSON_FRAME = {lvl: (0xA55A0002 | (i and (i + 1) << 2)).to_bytes(4, "big") for i, lvl in enumerate(_LEVELS)}
DEFAULT_FRAME = TEXT_FRAME[logging.NOTSET]
ERROR_FRAME = (JSON_FRAME if LOG_FORMAT_JSON else TEXT_FRAME)[logging.ERROR]


def _bucket(levelno):
    return min(50, max(0, levelno)) // 10 * 10


class StdoutSink:
    def log(self, msg, frame_type=None):
        sys.stdout.write(msg)

    def log_error(self, lines):
        # One stdout line per error: the traceback's newlines become \r.
        sys.stdout.write("\r".join(lines) + "\n")


class TelemetrySink:
    """Each log event is one frame on the inherited fd:
    type (4 bytes BE) | length (4 bytes BE) | time in us (8 bytes BE) | UTF-8."""

    def __init__(self, fd):
        self.file = os.fdopen(int(fd), "wb", 0)

    def log(self, msg, frame_type=None):
        data = msg.encode("utf-8")
        header = (frame_type or DEFAULT_FRAME) + len(data).to_bytes(4, "big") + (time.time_ns() // 1000).to_bytes(8, "big")
        self.file.write(header + data)

    def log_error(self, lines):
        self.log("\n".join(lines), frame_type=ERROR_FRAME)


def create_sink():
    fd = os.environ.pop("_LAMBDA_TELEMETRY_LOG_FD", None)  # not for child processes
    return TelemetrySink(fd) if fd is not None else StdoutSink()


_request_id = None
_tenant_id = None


class _ContextFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        record.tenant_id = _tenant_id
        return True


class _Handler(logging.Handler):
    def __init__(self, sink, framed):
        super().__init__()
        self.log_sink = sink  # LambdaContext.log looks for this attribute
        self.framed = framed

    def emit(self, record):
        msg = self.format(record)
        frame = None
        if self.framed:
            frame = getattr(record, "_frame_type", None) or TEXT_FRAME.get(_bucket(record.levelno))
        self.log_sink.log(msg, frame_type=frame)


_JSON_RESERVED = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
}


class _JsonFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%SZ")
        self.encode = json.JSONEncoder(ensure_ascii=False, default=str).encode

    def format(self, record):
        record.levelno = _bucket(record.levelno)
        record.levelname = logging.getLevelName(record.levelno)
        record._frame_type = JSON_FRAME.get(record.levelno, JSON_FRAME[logging.NOTSET])
        exc = record.exc_info
        out = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc else None,
            "errorMessage": str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": "%s:%s:%s" % (record.pathname, record.funcName, record.lineno) if exc else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            out["tenantId"] = record.tenant_id
        # Fields passed with extra={...} are logged too.
        for k, v in record.__dict__.items():
            if k not in _JSON_RESERVED and k not in out:
                out[k] = v
        return self.encode({k: v for k, v in out.items() if v is not None}) + "\n"


def setup_logging(sink):
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    handler = _Handler(sink, framed=LOG_FORMAT_JSON or bool(LOG_LEVEL))
    if LOG_FORMAT_JSON:
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"
            )
        )
    if LOG_LEVEL in logging._nameToLevel:
        root.setLevel(LOG_LEVEL)
    handler.addFilter(_ContextFilter())
    root.addHandler(handler)


def _indent_nbsp(line):
    # CloudWatch trims leading spaces; AWS swaps the indentation for U+00A0.
    stripped = line.lstrip(" ")
    return "\u00a0" * (len(line) - len(stripped)) + stripped


def log_error(error, sink):
    if LOG_FORMAT_JSON:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        sink.log_error([to_json({"timestamp": stamp, "log_level": "ERROR", **error})])
        return
    head = "[ERROR]"
    if error.get("errorType"):
        head += " " + error["errorType"]
    if error.get("errorMessage"):
        head += (":" if error.get("errorType") else "") + " " + error["errorMessage"]
    lines = [head]
    trace = error.get("stackTrace")
    if trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in trace:
            lines.extend([""] if element == "" else [_indent_nbsp(l) for l in element.splitlines()])
    sink.log_error(lines)


class _Unbuffered:
    """print() output reaches the log as soon as it is written."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, name):
        return getattr(self.stream, name)

    def write(self, s):
        n = self.stream.write(s)
        self.stream.flush()
        return n

    def writelines(self, lines):
        self.stream.writelines(lines)
        self.stream.flush()


# ---------------------------------------------------------------------------
# Errors


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def error_from_exception(exc_info, request_id=None):
    etype, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    # Drop the runtime's own frames: the trace starts in user code.
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame.filename:
            frames = frames[i:]
            break
    return make_error(str(value), etype.__name__, traceback.format_list(frames), request_id)


# ---------------------------------------------------------------------------
# Handler loading


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault(MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise Fault(BUILT_IN_MODULE_CONFLICT, "Cannot use built-in module {} as a handler module".format(modname))
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault(IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault(USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault(HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname))


# ---------------------------------------------------------------------------
# Context object


def _from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field))
    return obj


class _Repr:
    __slots__ = ()

    def __repr__(self):
        fields = ",".join("%s=%s" % (f, getattr(self, f)) for f in self.__slots__)
        return "%s([%s])" % (type(self).__name__, fields)


class CognitoIdentity(_Repr):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(_Repr):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext(_Repr):
    __slots__ = ["custom", "env", "client"]


class LambdaContext:
    def __init__(self, request_id, client_context, identity, deadline_ms, invoked_function_arn, tenant_id=None):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        # identity is always an object; its fields are None without a header.
        # The header uses camelCase keys.
        self.identity = _from_dict(CognitoIdentity, {})
        if identity is not None:
            self.identity.cognito_identity_id = identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        left = self._deadline_ms - int(time.time() * 1000)
        return left if left > 0 else 0

    def log(self, msg):
        for h in logging.getLogger().handlers:
            if hasattr(h, "log_sink"):
                h.log_sink.log(str(msg))
                return
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id={0.aws_request_id},log_group_name={0.log_group_name},"
            "log_stream_name={0.log_stream_name},function_name={0.function_name},"
            "memory_limit_in_mb={0.memory_limit_in_mb},function_version={0.function_version},"
            "invoked_function_arn={0.invoked_function_arn},client_context={0.client_context},"
            "identity={0.identity},tenant_id={0.tenant_id}])".format(self)
        )


def _parse_header_json(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault(CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)))


# ---------------------------------------------------------------------------
# The loop


def handle_invoke(api, handler, resp, body, sink):
    request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
    error = None
    try:
        cc = resp.getheader("Lambda-Runtime-Client-Context")
        ci = resp.getheader("Lambda-Runtime-Cognito-Identity")
        context = LambdaContext(
            request_id,
            _parse_header_json(cc, "Client Context") if cc else None,
            _parse_header_json(ci, "Cognito Identity") if ci else None,
            int(resp.getheader("Lambda-Runtime-Deadline-Ms") or 0),
            resp.getheader("Lambda-Runtime-Invoked-Function-Arn"),
            resp.getheader("Lambda-Runtime-Aws-Tenant-Id"),
        )
        # The Runtime API always labels events application/json; a missing
        # header is read as JSON too rather than handing the handler bytes.
        event = unmarshal_event(body, resp.getheader("Content-Type") or "application/json")
        result, content_type = marshal_response(handler(event, context))
    except Fault as f:
        error = make_error(f.msg, f.error_type, f.trace, request_id)
    except Exception:
        error = error_from_exception(sys.exc_info(), request_id)
    if error is not None:
        log_error(error, sink)
        api.post_error(request_id, error)
    else:
        api.post_result(request_id, result, content_type)


def main():
    global _request_id, _tenant_id
    sys.stdout = _Unbuffered(sys.stdout)
    sys.stderr = _Unbuffered(sys.stderr)
    # The task root must be importable even when PYTHONPATH lacks it
    # (sys.path[0] is this file's directory).
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if task_root not in sys.path:
        sys.path.insert(1, task_root)

    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    sink = create_sink()
    error = None
    try:
        setup_logging(sink)
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as f:
        error = make_error(f.msg, f.error_type, f.trace)
    except Exception:
        error = error_from_exception(sys.exc_info())
    if error is not None:
        # As AWS: warn, log the error, report it, exit 1 (nimbus re-inits).
        logging.warning(UNHANDLED_EXCEPTION_WARNING)
        log_error(error, sink)
        api.post_init_error(error)
        sys.exit(1)

    while True:
        resp, body = api.next()
        _request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        _tenant_id = resp.getheader("Lambda-Runtime-Aws-Tenant-Id")
        trace_id = resp.getheader("Lambda-Runtime-Trace-Id")
        if trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        handle_invoke(api, handler, resp, body, sink)


if __name__ == "__main__":
    main()
