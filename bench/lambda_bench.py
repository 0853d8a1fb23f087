#!/usr/bin/python3
"""Lambda benchmarks (on demand, never in CI): warm Invoke latency and rate of a trivial Node.js
handler, cold start against Node.js's own process start, and 10,000 asynchronous invokes with none
lost. Loopback only; every step is bounded. Uses Debian's boto3 for set-up and wrk for load.

    NIMBUS_BIN=build/nimbus LAMBDA_DURATION=5 LAMBDA_CONNECTIONS=8 LAMBDA_ASYNC=10000 bench/lambda_bench.py
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
NIMBUS_BIN = os.environ.get("NIMBUS_BIN", str(ROOT / "build" / "nimbus"))
DURATION = int(os.environ.get("LAMBDA_DURATION", "5"))
CONNECTIONS = int(os.environ.get("LAMBDA_CONNECTIONS", "8"))
ASYNC_COUNT = int(os.environ.get("LAMBDA_ASYNC", "10000"))
COLD_RUNS = int(os.environ.get("LAMBDA_COLD_RUNS", "10"))
HANDLER = "exports.handler = async (event) => ({ ok: true });\n"
# An unverified SigV4 header: nimbus routes by its scope (--auth off checks nothing else).
AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def wrk(port: int, path: str, connections: int, seconds: int, body: str = "", headers: dict | None = None) -> dict:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    lines = ['wrk.method = "POST"' if body else 'wrk.method = "GET"', f"wrk.body = {json.dumps(body)}"]
    for name, value in (headers or {}).items():
        lines.append(f'wrk.headers["{name}"] = {json.dumps(value)}')
    lines.append("done = function(summary, latency, requests)\n"
                 "  io.write(string.format('RESULT requests=%d seconds=%f p50=%f p99=%f errors=%d\\n', summary.requests,"
                 " summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,"
                 " summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))\nend")
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
                          "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    match = re.search(r"RESULT requests=(\d+) seconds=([\d.]+) p50=([\d.]+) p99=([\d.]+) errors=(\d+)", out)
    if not match:
        raise RuntimeError("wrk printed no result:\n" + out)
    requests, seconds_run, p50, p99, errors = match.groups()
    return {"rate": int(requests) / float(seconds_run), "p50_ms": float(p50), "p99_ms": float(p99), "errors": int(errors)}


def node_process_start_ms(runs: int = 15) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(["node", "-e", "0"], check=True)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    if not shutil.which("wrk"):
        print("lambda_bench: wrk is required (Debian package wrk)", file=sys.stderr)
        return 2
    port = free_port()
    data = tempfile.mkdtemp(prefix="nimbus-lambda-bench-")
    server = subprocess.Popen([NIMBUS_BIN, "--port", str(port), "--data-dir", data, "--log-level", "warn"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdout.readline()
        endpoint = f"http://127.0.0.1:{port}"
        lam = boto3.session.Session().client("lambda", region_name="us-east-1", endpoint_url=endpoint,
                                             aws_access_key_id="test", aws_secret_access_key="test",
                                             config=Config(retries={"max_attempts": 1}, read_timeout=120))
        lam.create_function(FunctionName="bench", Runtime="nodejs20.x", Handler="index.handler", MemorySize=256,
                            Role="arn:aws:iam::000000000000:role/bench", Code={"ZipFile": zip_of({"index.js": HANDLER})})
        path = "/2015-03-31/functions/bench/invocations"
        headers = {"Authorization": AUTH, "X-Amz-Date": "20260101T000000Z", "Content-Type": "application/json"}

        # Cold starts: each configuration change retires the environments; the next invoke starts one.
        node_ms = node_process_start_ms()
        cold, warm_single = [], []
        for i in range(COLD_RUNS):
            lam.update_function_configuration(FunctionName="bench", Description=f"cold {i}")
            started = time.perf_counter()
            lam.invoke(FunctionName="bench", Payload=b"{}")
            cold.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            lam.invoke(FunctionName="bench", Payload=b"{}")
            warm_single.append((time.perf_counter() - started) * 1000)
        cold_ms, warm_boto_ms = statistics.median(cold), statistics.median(warm_single)

        # Warm: one connection for latency, then CONNECTIONS for the rate; the HTTP floor (nimbus's
        # own health endpoint, no function) in the same run.
        # Warm-up at the loaded concurrency first: its environments start here, not in the figures.
        wrk(port, path, CONNECTIONS, 2, "{}", headers)
        floor = wrk(port, "/_nimbus/health", 1, DURATION)
        single = wrk(port, path, 1, DURATION, "{}", headers)
        loaded = wrk(port, path, CONNECTIONS, DURATION, "{}", headers)
        floor_loaded = wrk(port, "/_nimbus/health", CONNECTIONS, DURATION)

        # Asynchronous invokes: all accepted, all delivered, none dropped.
        async_headers = dict(headers, **{"X-Amz-Invocation-Type": "Event"})
        started = time.perf_counter()
        failures: list[str] = []

        def send(first: int, step: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for i in range(first, ASYNC_COUNT, step):
                conn.request("POST", path, body=json.dumps({"n": i}), headers=async_headers)
                response = conn.getresponse()
                response.read()
                if response.status != 202:
                    failures.append(f"async invoke {i} answered {response.status}")

        # Each Event invoke is a durable write: 8 senders let the store group their commits.
        senders = [threading.Thread(target=send, args=(k, 8)) for k in range(8)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        if failures:
            raise RuntimeError(failures[0])
        accepted_s = time.perf_counter() - started
        deadline = time.time() + 300
        delivered = dropped = 0
        while time.time() < deadline:
            report = json.load(urllib.request.urlopen(f"{endpoint}/_nimbus/deliveries", timeout=10))
            delivered, dropped = report["delivered"], report["dropped"] + report["dead_lettered"]
            if delivered >= ASYNC_COUNT:
                break
            time.sleep(0.5)
        processed_s = time.perf_counter() - started

        handler_ms = 0.05  # the handler returns a constant: its own time is far below a millisecond
        print("\n== Lambda (trivial nodejs20.x handler, 2 cores shared with the load generator)")
        print(f"warm invoke, 1 connection: p50 {single['p50_ms']:.3f} ms, p99 {single['p99_ms']:.3f} ms "
              f"({single['rate']:.0f}/s); HTTP floor (GET /_nimbus/health) p50 {floor['p50_ms']:.3f} ms")
        print(f"  overhead over the handler's own time: p50 {single['p50_ms'] - handler_ms:.3f} ms (target <= 1 ms)")
        print(f"warm invokes, {CONNECTIONS} connections: {loaded['rate']:.0f}/s, p50 {loaded['p50_ms']:.3f} ms, "
              f"p99 {loaded['p99_ms']:.3f} ms, errors {loaded['errors']} (target >= 2000/s); "
              f"floor {floor_loaded['rate']:.0f}/s, ratio {loaded['rate'] / floor_loaded['rate']:.2f}x")
        print(f"cold start: invoke {cold_ms:.1f} ms (median of {COLD_RUNS}, boto3), warm invoke through boto3 "
              f"{warm_boto_ms:.1f} ms, node -e 0 {node_ms:.1f} ms; cold - warm = {cold_ms - warm_boto_ms:.1f} ms "
              f"(target <= node start + 15 = {node_ms + 15:.1f} ms)")
        print(f"async: {ASYNC_COUNT} Event invokes accepted in {accepted_s:.2f} s ({ASYNC_COUNT / accepted_s:.0f}/s), "
              f"{delivered} delivered, {dropped} dropped, all done after {processed_s:.2f} s")
        return 0 if delivered >= ASYNC_COUNT and dropped == 0 else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
