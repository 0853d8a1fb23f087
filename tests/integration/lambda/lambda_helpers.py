"""Helpers for the Lambda suites: zips built in memory, functions created through boto3, and
waiting for what a function wrote to CloudWatch Logs."""

from __future__ import annotations

import io
import json
import time
import zipfile

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def make_zip(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) & 0xFFFF) << 16
            info.create_system = 3  # Unix: keep the mode bits
            archive.writestr(info, content)
    return buffer.getvalue()


def create_function(client, name: str, files: dict[str, str | bytes], runtime: str = "nodejs20.x",
                    handler: str = "index.handler", modes: dict[str, int] | None = None, **extra) -> dict:
    return client.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler=handler,
                                  Code={"ZipFile": make_zip(files, modes)}, **extra)


def invoke(client, name: str, payload: object | None = None, **extra) -> tuple[dict, object]:
    args = {"FunctionName": name, **extra}
    if payload is not None:
        args["Payload"] = json.dumps(payload).encode()
    response = client.invoke(**args)
    raw = response["Payload"].read()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw
    return response, body


def log_messages(logs, group: str, contains: str = "", timeout: float = 10.0, at_least: int = 1) -> list[str]:
    """Messages of `group` (all streams) containing `contains`, waiting until `at_least` are there."""
    deadline = time.time() + timeout
    found: list[str] = []
    while time.time() < deadline:
        try:
            events = logs.filter_log_events(logGroupName=group)["events"]
            found = [e["message"] for e in events if contains in e["message"]]
            if len(found) >= at_least:
                return found
        except logs.exceptions.ResourceNotFoundException:
            pass
        time.sleep(0.1)
    return found
