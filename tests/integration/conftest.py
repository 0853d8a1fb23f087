"""Black-box fixtures for nimbus integration tests: start the real binary, talk to it with real clients.

Run with Debian's python (`/usr/bin/python3 -m pytest tests/integration`): its boto3 1.26 speaks
SQS's query protocol. The binary is `build/nimbus` unless NIMBUS_BIN says otherwise; nothing is built here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NIMBUS_BIN = Path(os.environ.get("NIMBUS_BIN", REPO / "build" / "nimbus"))
AWS_CLI = os.environ.get("NIMBUS_AWS_CLI", "/usr/bin/aws")
READY_PREFIX = "nimbus ready on http://"
DEFAULT_ACCOUNT = "000000000000"


def pytest_configure(config):
    import boto3

    protocol = boto3.session.Session().client(
        "sqs", region_name="us-east-1", endpoint_url="http://127.0.0.1:1",
        aws_access_key_id="test", aws_secret_access_key="test").meta.service_model.protocol
    if protocol != "query":
        raise pytest.UsageError(
            f"these tests expect a boto3 that speaks SQS's query protocol (Debian's /usr/bin/python3); "
            f"this interpreter's boto3 {boto3.__version__} speaks '{protocol}'")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NimbusServer:
    """One nimbus process on a fixed port and data dir; can be stopped, killed and started again."""

    def __init__(self, data_dir: Path, port: int | None = None, extra_args: list[str] | None = None,
                 binary: Path = NIMBUS_BIN):
        self.binary = Path(binary)
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.extra_args = list(extra_args or [])
        self.proc: subprocess.Popen | None = None
        self.stdout_lines: list[str] = []
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.stderr.log"
        self._log = None

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 15.0) -> "NimbusServer":
        if not self.binary.exists():
            pytest.fail(f"nimbus binary not found at {self.binary} (build it first or set NIMBUS_BIN)")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port)]
        if "--memory" not in self.extra_args:
            args += ["--data-dir", str(self.data_dir)]
        args += self.extra_args
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1)
        ready = threading.Event()
        lines = self.stdout_lines

        def pump(stream):
            for line in stream:
                lines.append(line.rstrip("\n"))
                if line.startswith(READY_PREFIX):
                    ready.set()

        threading.Thread(target=pump, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.02):
            if self.proc.poll() is not None:
                pytest.fail(f"nimbus exited with {self.proc.returncode} before it was ready; "
                            f"stdout={lines!r} stderr={self.stderr_tail()!r}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"nimbus printed no ready line within {timeout}s; stdout={lines!r}")
        return self

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self._close()
                raise AssertionError(f"nimbus did not exit within {timeout}s of SIGTERM")
        code = self.proc.returncode
        self._close()
        return code

    def kill(self) -> None:
        """SIGKILL: no chance to flush anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self._close()

    def restart(self, kill: bool = False) -> "NimbusServer":
        if kill:
            self.kill()
        else:
            code = self.stop()
            assert code == 0, f"nimbus exited with {code} on SIGTERM; stderr={self.stderr_tail()!r}"
        self.stdout_lines.clear()
        return self.start()

    def _close(self):
        self.proc = None
        if self._log:
            self._log.close()
            self._log = None

    def stderr_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    # --- control endpoints -----------------------------------------------------------------
    def http(self, method: str, path: str, body: bytes | None = None, timeout: float = 10.0):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()

    def health(self) -> dict:
        status, body = self.http("GET", "/_nimbus/health")
        assert status == 200
        return json.loads(body)

    def reset(self, service: str | None = None) -> None:
        status, _ = self.http("POST", "/_nimbus/reset" + (f"?service={service}" if service else ""), b"")
        assert status in (200, 204)

    def advance_clock(self, seconds: float) -> None:
        status, _ = self.http("POST", "/_nimbus/clock", json.dumps({"advance_seconds": seconds}).encode())
        assert status in (200, 204)

    def assert_serving(self) -> None:
        """The server still answers after whatever a test threw at it."""
        assert self.proc is None or self.proc.poll() is None, "nimbus process died"
        assert self.health()["services"]["sqs"] == "running"


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def nimbus(tmp_path_factory):
    """The shared server for the session (auth off, persistent data dir)."""
    server = NimbusServer(tmp_path_factory.mktemp("nimbus") / "data").start()
    yield server
    code = server.stop()
    assert code == 0, f"nimbus exited with {code} on SIGTERM; stderr={server.stderr_tail()!r}"


@pytest.fixture(autouse=True)
def _reset_state(request):
    """Each test that uses the shared server starts from an empty one."""
    if "nimbus" in request.fixturenames:
        request.getfixturevalue("nimbus").reset()
    yield


@pytest.fixture
def server_factory(tmp_path):
    """Private servers (own port + data dir) for tests that restart, kill or configure one."""
    servers: list[NimbusServer] = []

    def make(extra_args: list[str] | None = None, data_dir: Path | None = None) -> NimbusServer:
        server = NimbusServer(data_dir or tmp_path / f"data{len(servers)}", extra_args=extra_args)
        servers.append(server)
        return server.start()

    yield make
    failures = []
    for server in servers:
        if server.proc is not None:
            code = server.stop()
            if code != 0:
                failures.append(f"port {server.port}: exit {code}: {server.stderr_tail()}")
    assert not failures, failures


def make_client(endpoint: str, region: str = "us-east-1", access_key: str = "test", secret_key: str = "test",
                service: str = "sqs"):
    """A Debian boto3 client (query protocol), no retries, long read timeout for long polls."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=endpoint,
        aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 1}, read_timeout=70, connect_timeout=5))


@pytest.fixture
def client_factory(nimbus):
    def make(region="us-east-1", access_key="test", secret_key="test"):
        return make_client(nimbus.endpoint, region, access_key, secret_key)
    return make


@pytest.fixture
def sqs(nimbus):
    return make_client(nimbus.endpoint)


@pytest.fixture
def queue(sqs):
    """A fresh standard queue URL."""
    return sqs.create_queue(QueueName=f"q-{uuid.uuid4().hex[:12]}")["QueueUrl"]


@pytest.fixture
def fifo_queue(sqs):
    return sqs.create_queue(QueueName=f"f-{uuid.uuid4().hex[:12]}.fifo",
                            Attributes={"FifoQueue": "true"})["QueueUrl"]


def unique(prefix: str = "q") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# --- AWS CLI ----------------------------------------------------------------------------------

class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    @property
    def json(self):
        return json.loads(self.stdout) if self.stdout.strip() else None


def cli_env(access_key="test", secret_key="test", region="us-east-1") -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key, AWS_DEFAULT_REGION=region,
               AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="")
    return env


@pytest.fixture
def aws_cli(nimbus):
    """Runs `aws <args>` against the shared server; returns CliResult (check=True asserts exit 0)."""
    if not Path(AWS_CLI).exists():
        pytest.skip(f"AWS CLI not found at {AWS_CLI}")

    def run(*args: str, check: bool = True, region: str = "us-east-1", timeout: float = 90) -> CliResult:
        proc = subprocess.run([AWS_CLI, "--endpoint-url", nimbus.endpoint, "--output", "json", *args],
                              env=cli_env(region=region), capture_output=True, text=True, timeout=timeout)
        result = CliResult(proc)
        if check:
            assert result.returncode == 0, f"aws {' '.join(args)} -> {result.returncode}: {result.stderr}"
        return result
    return run


# --- raw HTTP ---------------------------------------------------------------------------------

def _fixed_time_signer():
    from botocore.auth import SigV4Auth

    class FixedTimeSigV4(SigV4Auth):
        """botocore's SigV4 with a chosen X-Amz-Date (for RequestExpired tests)."""

        def __init__(self, credentials, service, region, when):
            super().__init__(credentials, service, region)
            self._when = when

        def add_auth(self, request):
            request.context["timestamp"] = self._when.strftime("%Y%m%dT%H%M%SZ")
            self._modify_request_before_signing(request)
            canonical_request = self.canonical_request(request)
            string_to_sign = self.string_to_sign(request, canonical_request)
            self._inject_signature_to_request(request, self.signature(string_to_sign, request))

    return FixedTimeSigV4


def _FixedTimeSigV4(*args):
    return _fixed_time_signer()(*args)


def sign_headers(method: str, url: str, body: bytes, headers: dict, region: str = "us-east-1",
                 access_key: str = "test", secret_key: str = "test", when: datetime.datetime | None = None,
                 service: str = "sqs") -> dict:
    """SigV4-signs a raw request with botocore's signer; `when` forges X-Amz-Date."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    credentials = Credentials(access_key, secret_key)
    if when is None:
        SigV4Auth(credentials, service, region).add_auth(request)
    else:
        _FixedTimeSigV4(credentials, service, region, when).add_auth(request)
    return dict(request.headers.items())


def raw_query(endpoint: str, params: dict | str | bytes, sign: bool = True, **sign_kwargs):
    """POSTs a form-encoded query-protocol request; returns the requests.Response."""
    import requests
    from urllib.parse import urlencode

    if isinstance(params, dict):
        body = urlencode(params).encode()
    elif isinstance(params, str):
        body = params.encode()
    else:
        body = params
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    url = endpoint + "/"
    if sign:
        headers = sign_headers("POST", url, body, headers, **sign_kwargs)
    return requests.post(url, data=body, headers=headers, timeout=30)


def raw_json(endpoint: str, target: str, body: bytes | str | dict, sign: bool = True, **sign_kwargs):
    """POSTs a JSON-protocol request with X-Amz-Target; returns the requests.Response."""
    import requests

    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target}
    url = endpoint + "/"
    if sign:
        headers = sign_headers("POST", url, body, headers, **sign_kwargs)
    return requests.post(url, data=body, headers=headers, timeout=30)


def query_error_code(response) -> str | None:
    """<Code> from a query-protocol <ErrorResponse>."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(response.content)
    for element in root.iter():
        if element.tag.split("}")[-1] == "Code":
            return element.text
    return None


# --- MD5s as SQS defines them (computed here, independently of the server) -------------------

def md5_hex(data: bytes | str) -> str:
    return hashlib.md5(data.encode() if isinstance(data, str) else data).hexdigest()


def md5_of_message_attributes(attributes: dict) -> str:
    """SQS's MD5 over message attributes: per name in byte order, length-prefixed
    name, data type, a transport byte (1 string, 2 binary), and the length-prefixed value."""
    buf = bytearray()

    def put(chunk: bytes):
        buf.extend(struct.pack(">I", len(chunk)))
        buf.extend(chunk)

    for name in sorted(attributes, key=lambda n: n.encode()):
        value = attributes[name]
        put(name.encode())
        put(value["DataType"].encode())
        if "BinaryValue" in value:
            buf.append(2)
            put(value["BinaryValue"])
        else:
            buf.append(1)
            put(value["StringValue"].encode())
    return hashlib.md5(bytes(buf)).hexdigest()


def error_code(exc) -> str:
    return exc.response["Error"]["Code"]


def http_status(exc) -> int:
    return exc.response["ResponseMetadata"]["HTTPStatusCode"]
