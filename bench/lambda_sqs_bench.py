#!/usr/bin/python3
"""Lambda SQS event source mapping benchmark (on demand, never in CI): BENCH_MESSAGES (100,000)
messages through a mapping to a trivial Node.js handler, from a standard queue and from a FIFO
queue (BENCH_GROUPS message groups). The queue is filled first with the mapping disabled, then the
mapping is enabled and timed until the queue is empty and every message was seen. The handler
records the ids of each batch (one SQS message per batch to a `seen` queue, with plain fetch), so
the run checks that none was lost and, for FIFO, that none was processed twice and each group's
order held. Loopback only; every step is bounded (BENCH_MAX_SECONDS per phase).

    NIMBUS_BIN=build/nimbus BENCH_MESSAGES=100000 BENCH_GROUPS=20 BENCH_BATCH=10 bench/lambda_sqs_bench.py
"""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[1]
NIMBUS_BIN = os.environ.get("NIMBUS_BIN", str(ROOT / "build" / "nimbus"))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "100000"))
GROUPS = int(os.environ.get("BENCH_GROUPS", "20"))
BATCH = int(os.environ.get("BENCH_BATCH", "10"))
MAX_SECONDS = int(os.environ.get("BENCH_MAX_SECONDS", "600"))
SKIP = os.environ.get("BENCH_SKIP", "").split()

HANDLER = """
export const handler = async (event) => {
  const ids = event.Records.map((r) => r.body).join(',');
  const response = await fetch(process.env.AWS_ENDPOINT_URL + '/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage',
      'Authorization': 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00' },
    body: JSON.stringify(process.env.SEEN_QUEUE.endsWith('.fifo')
      ? { QueueUrl: process.env.SEEN_QUEUE, MessageBody: ids, MessageGroupId: 'all', MessageDeduplicationId: crypto.randomUUID() }
      : { QueueUrl: process.env.SEEN_QUEUE, MessageBody: ids }),
  });
  if (!response.ok) throw new Error('record failed ' + response.status);
};
"""


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


def start_nimbus(data_dir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([NIMBUS_BIN, "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir,
                             "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith("nimbus ready on http://"):
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, f"http://127.0.0.1:{port}"
    proc.kill()
    sys.exit("nimbus printed no ready line")


def client(endpoint: str, service: str):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 3}, max_pool_connections=32))


def fill(sqs, url: str, fifo: bool) -> float:
    """Sends MESSAGES bodies "0".."N-1" (FIFO: group = i % GROUPS) with 16 threads; returns seconds."""
    def send(start: int) -> None:
        entries = []
        for i in range(start, min(start + 10, MESSAGES)):
            entry = {"Id": str(i - start), "MessageBody": str(i)}
            if fifo:
                entry["MessageGroupId"] = f"g{i % GROUPS}"
                entry["MessageDeduplicationId"] = str(i)
            entries.append(entry)
        result = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert not result.get("Failed"), result["Failed"]

    begun = time.time()
    if fifo:
        # Batches in order per thread of groups would interleave; FIFO order is per group, so send
        # the batches of one stretch sequentially.
        for start in range(0, MESSAGES, 10):
            send(start)
    else:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(send, range(0, MESSAGES, 10)))
    return time.time() - begun


def run_case(endpoint: str, fifo: bool) -> dict:
    sqs = client(endpoint, "sqs")
    lam = client(endpoint, "lambda")
    suffix = ".fifo" if fifo else ""
    attributes = {"VisibilityTimeout": "60"}
    if fifo:
        attributes["FifoQueue"] = "true"
    source = sqs.create_queue(QueueName=f"bench-src{suffix}", Attributes=attributes)["QueueUrl"]
    source_arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # FIFO: the handler records each batch in a FIFO queue (one group) before it returns, and a
    # group's next batch is received only after its previous one was deleted, so the seen queue's
    # order is the processing order within every group.
    seen = sqs.create_queue(QueueName=f"bench-seen-{'fifo.fifo' if fifo else 'std'}",
                            Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
    name = f"bench-{'fifo' if fifo else 'std'}"
    lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role="arn:aws:iam::000000000000:role/r",
                        Handler="index.handler", Code={"ZipFile": zip_of({"index.mjs": HANDLER})},
                        Environment={"Variables": {"SEEN_QUEUE": seen}}, Timeout=30)
    fill_seconds = fill(sqs, source, fifo)
    uuid = lam.create_event_source_mapping(EventSourceArn=source_arn, FunctionName=name, BatchSize=BATCH,
                                           Enabled=False)["UUID"]
    begun = time.time()
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    # Collect the seen ids while the mapping works.
    seen_ids: list[int] = []
    per_group: dict[int, list[int]] = {}
    done_at = None
    deadline = begun + MAX_SECONDS
    lock = threading.Lock()

    def collect() -> int:
        messages = sqs.receive_message(QueueUrl=seen, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if messages:
            with lock:
                for m in messages:
                    ids = [int(x) for x in m["Body"].split(",") if x]
                    seen_ids.extend(ids)
                    if fifo:
                        for i in ids:
                            per_group.setdefault(i % GROUPS, []).append(i)
            sqs.delete_message_batch(QueueUrl=seen, Entries=[
                {"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(messages)])
        return len(messages)

    source_empty_at = None
    with ThreadPoolExecutor(4) as pool:
        while time.time() < deadline:
            list(pool.map(lambda _: collect(), range(4)))
            if source_empty_at is None:
                attrs = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["All"])["Attributes"]
                if attrs["ApproximateNumberOfMessages"] == "0" and attrs["ApproximateNumberOfMessagesNotVisible"] == "0":
                    source_empty_at = time.time()
            with lock:
                unique_seen = len(set(seen_ids))
            if unique_seen >= MESSAGES and source_empty_at is not None:
                done_at = source_empty_at
                # a last sweep for stragglers (duplicates)
                for _ in range(3):
                    list(pool.map(lambda _: collect(), range(4)))
                break
    health = json.loads(__import__("urllib.request").request.urlopen(endpoint + "/_nimbus/health").read())
    esm = health.get("details", {}).get("lambda", {}).get("event_source_mappings", {})
    elapsed = (done_at or time.time()) - begun
    unique_seen = len(set(seen_ids))
    lost = MESSAGES - unique_seen
    twice = len(seen_ids) - unique_seen
    order_ok = all(ids == sorted(ids) for ids in per_group.values()) if fifo else None
    lam.delete_event_source_mapping(UUID=uuid)
    return {"case": "fifo" if fifo else "standard", "messages": MESSAGES, "fill_s": round(fill_seconds, 1),
            "drain_s": round(elapsed, 1), "msg_per_s": round(MESSAGES / elapsed) if done_at else 0,
            "lost": lost, "processed_twice": twice, "group_order_ok": order_ok, "finished": done_at is not None,
            "poller": esm}


def main() -> int:
    if not Path(NIMBUS_BIN).exists():
        sys.exit(f"nimbus binary not found at {NIMBUS_BIN}")
    work = tempfile.mkdtemp(prefix="nimbus-esm-bench.")
    proc, endpoint = start_nimbus(os.path.join(work, "data"))
    failed = False
    try:
        for fifo in (False, True):
            if ("fifo" if fifo else "standard") in SKIP:
                continue
            result = run_case(endpoint, fifo)
            print(" ".join(f"{k}={v}" for k, v in result.items() if k != "poller"), flush=True)
            if result["poller"]:
                print("  poller:", json.dumps(result["poller"]), flush=True)
            if result["lost"] or not result["finished"] or (fifo and (result["processed_twice"] or not result["group_order_ok"])):
                failed = True
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
