"""S3 fixtures and helpers over the shared ones in ../conftest.py (server, CLI, reset between tests).

Kept out of a conftest.py on purpose: a second `conftest` module would shadow the parent one that the
SQS suites import by name. Test modules do `from s3_support import *` to get the fixtures.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import uuid
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import AWS_CLI, NimbusServer, cli_env  # noqa: F401  (re-exported for the suites)

__all__ = [
    "s3", "s3_factory", "bucket", "raw", "resolve_localhost", "aws_s3", "make_s3", "new_bucket_name",
    "S3Raw", "xml_error", "xml_find", "xml_findall", "md5_b64", "md5_hex", "etag_of", "multipart_etag",
    "crc32_b64", "crc32c_b64", "sha1_b64", "sha256_b64", "crc64nvme_b64", "random_bytes", "error_code",
    "http_status", "with_headers", "assert_s3_serving", "MiB", "files_under", "bytes_under", "quote_key", "AWS_CLI", "cli_env",
]

MiB = 1024 * 1024


# --- clients ---------------------------------------------------------------------------------------

def make_s3(endpoint: str, region: str = "us-east-1", access_key: str = "test", secret_key: str = "test",
            addressing: str = "path", **config):
    """A Debian boto3 1.26 S3 client: SigV4 (also for presigned URLs), no retries."""
    import boto3
    from botocore.config import Config

    options = {"signature_version": "s3v4", "retries": {"max_attempts": 1}, "read_timeout": 120,
               "connect_timeout": 5, "s3": {"addressing_style": addressing}, **config}
    return boto3.session.Session().client(
        "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id=access_key,
        aws_secret_access_key=secret_key, config=Config(**options))


@pytest.fixture
def s3(nimbus):
    return make_s3(nimbus.endpoint)


@pytest.fixture
def s3_factory(nimbus):
    def make(region="us-east-1", access_key="test", secret_key="test", addressing="path", endpoint=None,
             **config):
        return make_s3(endpoint or nimbus.endpoint, region, access_key, secret_key, addressing, **config)
    return make


def new_bucket_name(prefix: str = "b") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def bucket(s3):
    """A fresh, empty bucket in us-east-1 of account 000000000000."""
    name = new_bucket_name()
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def aws_s3(nimbus):
    """`aws <args>` against the shared server with a working directory; returns CliResult."""
    import subprocess

    from conftest import CliResult

    if not Path(AWS_CLI).exists():
        pytest.skip(f"AWS CLI not found at {AWS_CLI}")

    def run(*args: str, check: bool = True, region: str = "us-east-1", timeout: float = 180,
            cwd: str | None = None, endpoint: str | None = None, env: dict | None = None):
        proc = subprocess.run([AWS_CLI, "--endpoint-url", endpoint or nimbus.endpoint, "--output", "json", *args],
                              env={**cli_env(region=region), **(env or {})}, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd)
        result = CliResult(proc)
        if check:
            assert result.returncode == 0, f"aws {' '.join(args)} -> {result.returncode}: {result.stderr}"
        return result
    return run


# --- name resolution for virtual-hosted style -------------------------------------------------------

@pytest.fixture
def resolve_localhost(monkeypatch):
    """Makes *.localhost and *.localstack.cloud resolve to 127.0.0.1 inside this process only
    (the sandbox has no wildcard DNS), so boto3's virtual-hosted addressing really connects."""
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if isinstance(host, str) and (host.endswith(".localhost") or host.endswith(".localstack.cloud")):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


# --- raw HTTP --------------------------------------------------------------------------------------

class S3Raw:
    """Raw (optionally SigV4-signed) HTTP requests to nimbus for what SDKs refuse to send."""

    def __init__(self, port: int, access_key: str = "test", secret_key: str = "test", region: str = "us-east-1"):
        self.port = port
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def sign(self, method: str, url: str, body: bytes, headers: dict, unsigned_payload: bool = False,
             payload_hash: str | None = None) -> dict:
        """SigV4 headers for the request; `payload_hash` replaces the body's SHA-256 in the signature
        and the x-amz-content-sha256 header (e.g. STREAMING-UNSIGNED-PAYLOAD-TRAILER)."""
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        if unsigned_payload:
            payload_hash = "UNSIGNED-PAYLOAD"

        class Signer(S3SigV4Auth):
            def payload(self, request):
                return payload_hash if payload_hash else super().payload(request)

        request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
        Signer(Credentials(self.access_key, self.secret_key), "s3", self.region).add_auth(request)
        return dict(request.headers.items())

    def raw_socket(self, method: str, path: str, headers: dict, body_prefix: bytes = b"",
                   payload_hash: str = "UNSIGNED-PAYLOAD") -> socket.socket:
        """Opens a connection and sends a signed request head plus `body_prefix`; the caller sends
        the rest (or not) and reads the answer."""
        signed = self.sign(method, self.url(path), b"", headers, payload_hash=payload_hash)
        signed.setdefault("Host", f"127.0.0.1:{self.port}")
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in signed.items()) + "\r\n"
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock.sendall(head.encode() + body_prefix)
        return sock

    def request(self, method: str, path: str, body: bytes | str = b"", headers: dict | None = None,
                host: str | None = None, sign: bool = True, timeout: float = 30, unsigned_payload: bool = False,
                stream: bool = False, payload_hash: str | None = None):
        """`path` is sent exactly as given (already percent-encoded, with its query)."""
        import requests

        if isinstance(body, str):
            body = body.encode()
        headers = dict(headers or {})
        if host:
            headers["Host"] = host
        url = self.url(path)
        if sign:
            headers = self.sign(method, url, body, headers, unsigned_payload, payload_hash)
        session = requests.Session()
        prepared = requests.Request(method, url, data=body or None, headers=headers).prepare()
        prepared.url = url  # keep the path byte-exact (requests may re-quote)
        if not body and method in ("PUT", "POST"):
            prepared.headers["Content-Length"] = "0"
        return session.send(prepared, timeout=timeout, stream=stream, allow_redirects=False)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, body=b"", **kw):
        return self.request("PUT", path, body, **kw)

    def post(self, path, body=b"", **kw):
        return self.request("POST", path, body, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, sign=False, **kw)


@pytest.fixture
def raw(nimbus):
    return S3Raw(nimbus.port)


def _local(tag: str) -> str:
    return tag.split("}")[-1]


def xml_find(content: bytes, name: str) -> str | None:
    """Text of the first element called `name` (namespace ignored)."""
    root = ET.fromstring(content)
    for element in root.iter():
        if _local(element.tag) == name:
            return element.text
    return None


def xml_findall(content: bytes, name: str) -> list[str | None]:
    root = ET.fromstring(content)
    return [e.text for e in root.iter() if _local(e.tag) == name]


def xml_error(response) -> dict:
    """An S3 <Error> document as {child: text}; asserts its shape."""
    assert response.content, f"no error body (status {response.status_code})"
    root = ET.fromstring(response.content)
    assert _local(root.tag) == "Error", response.content
    return {_local(child.tag): (child.text or "") for child in root}


def assert_s3_serving(server) -> None:
    """The server still answers S3 after whatever a test threw at it."""
    assert server.proc is None or server.proc.poll() is None, "nimbus process died"
    health = server.health()
    assert health["services"].get("s3") == "running", health
    make_s3(server.endpoint).list_buckets()


def files_under(path: Path) -> list[Path]:
    return [p for p in Path(path).rglob("*") if p.is_file()] if Path(path).exists() else []


def bytes_under(path: Path) -> int:
    """Bytes of the files under `path`; a file the server removes while we count counts nothing."""
    total = 0
    for file in files_under(path):
        try:
            total += file.stat().st_size
        except FileNotFoundError:
            pass
    return total


# --- digests computed here, independently of the server --------------------------------------------

def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def etag_of(data: bytes) -> str:
    return f'"{md5_hex(data)}"'


def multipart_etag(parts: list[bytes]) -> str:
    """S3's multipart ETag: MD5 of the concatenated binary part MD5s, a dash and the part count."""
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def crc32_b64(data: bytes) -> str:
    return base64.b64encode((zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")).decode()


def _crc_table(poly: int, width: int) -> list[int]:
    mask = (1 << width) - 1
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & mask)
    return table


_CRC32C = _crc_table(0x82F63B78, 32)
_CRC64NVME = _crc_table(0x9A6C9329AC4BC9B5, 64)


def _reflected_crc(data: bytes, table: list[int], width: int) -> int:
    mask = (1 << width) - 1
    crc = mask
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def crc32c_b64(data: bytes) -> str:
    return base64.b64encode(_reflected_crc(data, _CRC32C, 32).to_bytes(4, "big")).decode()


def crc64nvme_b64(data: bytes) -> str:
    return base64.b64encode(_reflected_crc(data, _CRC64NVME, 64).to_bytes(8, "big")).decode()


def sha1_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


def error_code(exc) -> str:
    return exc.response["Error"]["Code"]


def http_status(exc) -> int:
    return exc.response["ResponseMetadata"]["HTTPStatusCode"]


def with_headers(client, operation: str, headers: dict):
    """Adds raw headers to every `operation` call of a boto3 client (for headers boto3 1.26 does not
    model, e.g. If-None-Match on PutObject). Returns a function that removes the hook."""
    def add(request, **_):
        for name, value in headers.items():
            request.headers[name] = value

    event = f"before-sign.s3.{operation}"
    client.meta.events.register(event, add)
    return lambda: client.meta.events.unregister(event, add)


def quote_key(key: str) -> str:
    return quote(key, safe="/~")
