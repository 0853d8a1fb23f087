"""Shared harness for the runtime interface client tests.

A fake Lambda Runtime API (http.server on 127.0.0.1, HTTP/1.1 keep-alive) hands
out events and records every /response, /error and /init/error post; the real
bootstrap (node or python3) runs against it in a temp task root.
"""

import base64
import json
import os
import queue
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[5]
RUNTIMES = REPO / "src" / "services" / "lambda" / "runtimes"
NODE_BOOTSTRAP = RUNTIMES / "nodejs" / "bootstrap.mjs"
PYTHON_BOOTSTRAP = RUNTIMES / "python" / "bootstrap.py"
NODE = shutil.which("node")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

PREFIX = "/2018-06-01/runtime"


class Post:
    """One request the bootstrap posted."""

    def __init__(self, kind, request_id, headers, body, trailers, conn):
        self.kind = kind  # "response" | "error" | "init_error"
        self.request_id = request_id
        self.headers = headers  # lower-cased names
        self.body = body
        self.trailers = trailers
        self.conn = conn
        self.received = time.perf_counter()
        self.event_sent = None  # when the server finished handing out its event

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"Post({self.kind}, {self.request_id}, {self.body[:300]!r}, trailers={self.trailers})"


class FakeRuntimeApi:
    def __init__(self):
        self.events = queue.Queue()
        self.posts = queue.Queue()
        self.connections = []  # client (host, port) of every request, in order
        self.event_sent = {}  # request id -> perf_counter() after the event was written
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real Runtime API
            # Headers and body go out in separate writes; without this the
            # test server itself adds 40 ms delayed-ACK stalls.
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def _reply(self, code, body=b""):
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _read_body(self):
                trailers = {}
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    data = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            break
                        data += self.rfile.read(size)
                        self.rfile.readline()
                    while True:
                        line = self.rfile.readline().strip()
                        if not line:
                            break
                        k, v = line.decode().split(":", 1)
                        trailers[k.strip().lower()] = v.strip()
                    return data, trailers
                n = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(n), trailers

            def do_GET(self):
                api.connections.append(self.client_address)
                if self.path != PREFIX + "/invocation/next":
                    return self._reply(404)
                ev = api.events.get()
                if ev is None:  # test is over: leave the client blocked-ish
                    return self._reply(500, b'{"errorMessage":"shutting down"}')
                rid, body, headers = ev
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                api.event_sent[rid] = time.perf_counter()

            def do_POST(self):
                api.connections.append(self.client_address)
                body, trailers = self._read_body()
                hdrs = {k.lower(): v for k, v in self.headers.items()}
                if self.path == PREFIX + "/init/error":
                    kind, rid = "init_error", None
                else:
                    parts = self.path[len(PREFIX) :].split("/")  # ['', 'invocation', id, kind]
                    rid, kind = parts[2], parts[3]
                post = Post(kind, rid, hdrs, body, trailers, self.client_address)
                post.event_sent = api.event_sent.get(rid)
                self._reply(202, b'{"status":"OK"}')
                api.posts.put(post)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed bootstrap resets its connection: expected

        self.server = Server(("127.0.0.1", 0), Handler)
        self.address = "127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def push(self, event, request_id=None, deadline_ms=None, headers=None):
        rid = request_id or str(uuid.uuid4())
        h = {
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms or int(time.time() * 1000) + 30000),
            "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
            "Lambda-Runtime-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
        }
        h.update(headers or {})
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        self.events.put((rid, body, h))
        return rid

    def next_post(self, timeout=15):
        try:
            return self.posts.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the bootstrap posted nothing within %ss" % timeout)

    def close(self):
        for _ in range(4):
            self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


def read_frames(data):
    """Split telemetry bytes into (type, timestamp_us, payload) frames."""
    frames, off = [], 0
    while off + 16 <= len(data):
        ftype, length, ts = struct.unpack(">IIQ", data[off : off + 16])
        frames.append((ftype, ts, data[off + 16 : off + 16 + length].decode("utf-8")))
        off += 16 + length
    assert off == len(data), "trailing partial frame"
    return frames


class Session:
    """A bootstrap process running against a FakeRuntimeApi."""

    def __init__(self, tmp_path, runtime, files, handler, env=None, telemetry=False):
        self.api = FakeRuntimeApi()
        # A fresh task root per session (several sessions share a tmp_path).
        self.task = tmp_path / ("task-" + uuid.uuid4().hex[:8])
        self.task.mkdir()
        for name, text in files.items():
            p = self.task / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": str(self.task),
            "LAMBDA_RUNTIME_DIR": str(RUNTIMES / runtime),
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2024/01/01/[$LATEST]abcdef",
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "TZ": ":UTC",
            "LANG": "C.UTF-8",
        }
        if runtime == "nodejs":
            full_env["NODE_PATH"] = str(self.task)
            cmd = [NODE, str(NODE_BOOTSTRAP)]
        else:
            full_env["PYTHONPATH"] = str(self.task)
            cmd = [PYTHON, str(PYTHON_BOOTSTRAP)]
        full_env.update(env or {})
        pass_fds = ()
        self.telemetry_r = None
        if telemetry:
            r, w = os.pipe()
            full_env["_LAMBDA_TELEMETRY_LOG_FD"] = str(w)
            pass_fds = (w,)
            self.telemetry_r = r
        self.proc = subprocess.Popen(
            cmd, cwd=self.task, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=pass_fds
        )
        if telemetry:
            os.close(w)
        self._out, self._err, self._tel = [], [], []
        self._readers = [
            threading.Thread(target=self._pump, args=(self.proc.stdout.fileno(), self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr.fileno(), self._err), daemon=True),
        ]
        if telemetry:
            self._readers.append(threading.Thread(target=self._pump, args=(self.telemetry_r, self._tel), daemon=True))
        for t in self._readers:
            t.start()

    @staticmethod
    def _pump(fd, sink):
        while True:
            b = os.read(fd, 1 << 16)
            if not b:
                return
            sink.append(b)

    # --- driving -----------------------------------------------------------
    def invoke(self, event=None, **kw):
        rid = self.api.push({} if event is None else event, **kw)
        post = self.api.next_post()
        assert post.request_id == rid, post
        return post

    def wait_exit(self, timeout=15):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for t in self._readers:
            t.join(timeout=5)
        self.api.close()

    # --- output --------------------------------------------------------------
    def stdout(self, settle=0.2):
        time.sleep(settle)
        return b"".join(self._out).decode("utf-8", "replace")

    def stderr(self, settle=0.2):
        time.sleep(settle)
        return b"".join(self._err).decode("utf-8", "replace")

    def frames(self, settle=0.2):
        time.sleep(settle)
        return read_frames(b"".join(self._tel))


@pytest.fixture
def session(tmp_path):
    started = []

    def start(runtime, files, handler, **kw):
        if runtime == "nodejs" and not NODE:
            pytest.skip("node is not installed")
        s = Session(tmp_path, runtime, files, handler, **kw)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()
