"""Debian's AWS CLI v2 against nimbus S3: mb/rb/ls/cp/mv/rm/sync, s3api calls, multipart uploads of
large files, and the seed's data-lake layout (raw/, processed/, analytics/) synced both ways."""

import filecmp
import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from s3_support import *  # noqa: F401,F403

pytestmark = pytest.mark.slow

# The seed lives beside the repo in CI (../shared/seed); tests that read it skip in a clone without one.
SEED = Path(os.environ.get("NIMBUS_SEED_DIR") or Path(__file__).resolve().parents[3] / ".." / "shared" / "seed")
SEED_FILE = SEED / "000_d902f33c1dc4e7c6.txt"


def test_mb_ls_cp_mv_rm_rb(aws_s3, tmp_path):
    name = new_bucket_name("cli")
    aws_s3("s3", "mb", f"s3://{name}")
    assert name in aws_s3("s3", "ls").stdout
    local = tmp_path / "hello world.txt"
    local.write_text("hello from the cli\n")
    aws_s3("s3", "cp", str(local), f"s3://{name}/dir/hello world.txt")
    aws_s3("s3", "cp", f"s3://{name}/dir/hello world.txt", f"s3://{name}/copy/ü+%.txt")
    listing = aws_s3("s3", "ls", "--recursive", f"s3://{name}").stdout
    assert "dir/hello world.txt" in listing and "copy/ü+%.txt" in listing
    top = aws_s3("s3", "ls", f"s3://{name}/").stdout
    assert "PRE dir/" in top and "PRE copy/" in top
    aws_s3("s3", "mv", f"s3://{name}/copy/ü+%.txt", f"s3://{name}/moved.txt")
    out = tmp_path / "back.txt"
    aws_s3("s3", "cp", f"s3://{name}/moved.txt", str(out))
    assert out.read_text() == "hello from the cli\n"
    failed = aws_s3("s3", "rb", f"s3://{name}", check=False)
    assert failed.returncode != 0 and "BucketNotEmpty" in failed.stderr
    aws_s3("s3", "rm", "--recursive", f"s3://{name}")
    aws_s3("s3", "rb", f"s3://{name}")
    assert name not in aws_s3("s3", "ls").stdout


def test_mb_in_another_region_sets_the_location(aws_s3):
    name = new_bucket_name("eu")
    aws_s3("s3", "mb", f"s3://{name}", region="eu-west-1")
    loc = aws_s3("s3api", "get-bucket-location", "--bucket", name, region="eu-west-1").json
    assert loc["LocationConstraint"] == "eu-west-1"
    aws_s3("s3", "rb", f"s3://{name}", region="eu-west-1")


def test_cp_stdin_and_stdout_streaming(aws_s3, nimbus):
    import subprocess
    from conftest import cli_env
    name = new_bucket_name()
    aws_s3("s3", "mb", f"s3://{name}")
    data = os.urandom(300_000)
    subprocess.run([AWS_CLI, "--endpoint-url", nimbus.endpoint, "s3", "cp", "-", f"s3://{name}/stream.bin"],
                   input=data, env=cli_env(), check=True, capture_output=True, timeout=60)
    out = subprocess.run([AWS_CLI, "--endpoint-url", nimbus.endpoint, "s3", "cp", f"s3://{name}/stream.bin", "-"],
                         env=cli_env(), check=True, capture_output=True, timeout=60)
    assert out.stdout == data


def test_cli_multipart_64_mib_upload_and_download(aws_s3, tmp_path):
    name = new_bucket_name("big")
    aws_s3("s3", "mb", f"s3://{name}")
    data = os.urandom(64 * MiB)
    src = tmp_path / "64mib.bin"
    src.write_bytes(data)
    aws_s3("s3", "cp", str(src), f"s3://{name}/large/64mib.bin")
    head = aws_s3("s3api", "head-object", "--bucket", name, "--key", "large/64mib.bin").json
    assert head["ContentLength"] == 64 * MiB
    # the CLI's default chunk size is 8 MiB: eight parts
    assert head["ETag"] == multipart_etag([data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)])
    dst = tmp_path / "64mib.out"
    aws_s3("s3", "cp", f"s3://{name}/large/64mib.bin", str(dst))
    assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_s3api_object_calls(aws_s3, tmp_path):
    name = new_bucket_name()
    aws_s3("s3api", "create-bucket", "--bucket", name)
    body = tmp_path / "b.json"
    body.write_text('{"a": 1}')
    put = aws_s3("s3api", "put-object", "--bucket", name, "--key", "doc.json", "--body", str(body),
                 "--content-type", "application/json", "--metadata", "k1=v1", "--tagging", "x=y").json
    assert put["ETag"] == etag_of(b'{"a": 1}')
    head = aws_s3("s3api", "head-object", "--bucket", name, "--key", "doc.json").json
    assert head["ContentType"] == "application/json" and head["Metadata"] == {"k1": "v1"}
    tags = aws_s3("s3api", "get-object-tagging", "--bucket", name, "--key", "doc.json").json
    assert tags["TagSet"] == [{"Key": "x", "Value": "y"}]
    listed = aws_s3("s3api", "list-objects-v2", "--bucket", name).json
    assert [o["Key"] for o in listed["Contents"]] == ["doc.json"]
    out = tmp_path / "out.json"
    aws_s3("s3api", "get-object", "--bucket", name, "--key", "doc.json", "--range", "bytes=1-4", str(out))
    assert out.read_bytes() == b'"a":'
    aws_s3("s3api", "delete-object", "--bucket", name, "--key", "doc.json")
    missing = aws_s3("s3api", "head-object", "--bucket", name, "--key", "doc.json", check=False)
    assert missing.returncode != 0 and "404" in missing.stderr


def test_cli_paginates_large_listing(aws_s3, s3):
    name = new_bucket_name()
    s3.create_bucket(Bucket=name)
    for i in range(25):
        s3.put_object(Bucket=name, Key=f"p/{i:03d}", Body=b"x")
    keys = aws_s3("s3api", "list-objects-v2", "--bucket", name, "--page-size", "7").json
    assert [o["Key"] for o in keys["Contents"]] == [f"p/{i:03d}" for i in range(25)]
    assert len(aws_s3("s3", "ls", "--recursive", f"s3://{name}", "--page-size", "4").stdout.splitlines()) == 25


def seed_prefixes() -> list[str]:
    """The data-lake prefixes the seed's S3 + Athena + Glue pattern names (raw/, processed/, analytics/)."""
    if not SEED_FILE.exists():
        pytest.skip(f"seed not found at {SEED_FILE} (set NIMBUS_SEED_DIR to the folder holding it)")
    found = re.findall(r"[├└]── (\w+)/\s+#", SEED_FILE.read_text())
    return found or ["raw", "processed", "analytics"]


def build_data_lake(root: Path) -> None:
    prefixes = seed_prefixes()
    assert {"raw", "processed", "analytics"} <= set(prefixes)
    events = [{"user_id": f"u{i % 7}", "event_type": "purchase" if i % 3 == 0 else "view", "amount": i * 1.5}
              for i in range(200)]
    raw = root / "raw" / "user_events" / "year=2024" / "month=01"
    raw.mkdir(parents=True)
    (raw / "events-0001.json").write_text("\n".join(json.dumps(e) for e in events[:100]) + "\n")
    (raw / "events-0002.json").write_text("\n".join(json.dumps(e) for e in events[100:]) + "\n")
    (root / "raw" / "uploads").mkdir(parents=True)
    (root / "raw" / "uploads" / "customers export (final) v2.csv").write_text("id,name\n1,Zoë\n2,O'Brien\n")
    processed = root / "processed" / "purchases" / "year=2024" / "month=01"
    processed.mkdir(parents=True)
    rows = [e for e in events if e["event_type"] == "purchase"]
    (processed / "part-00000.csv").write_text(
        "user_id,amount\n" + "".join(f"{r['user_id']},{r['amount']}\n" for r in rows))
    analytics = root / "analytics" / "purchases"
    analytics.mkdir(parents=True)
    totals: dict[str, float] = {}
    for r in rows:
        totals[r["user_id"]] = totals.get(r["user_id"], 0) + r["amount"]
    (analytics / "top_spenders.json").write_text(json.dumps(sorted(totals.items(), key=lambda kv: -kv[1])))
    (analytics / "empty-marker").write_bytes(b"")


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_data_lake_layout_round_trips_with_sync_both_ways(aws_s3, s3, tmp_path):
    lake = tmp_path / "lake"
    build_data_lake(lake)
    name = new_bucket_name("lake")
    aws_s3("s3", "mb", f"s3://{name}")
    aws_s3("s3", "sync", str(lake), f"s3://{name}/")
    keys = sorted(o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=name)
                  for o in p.get("Contents", []))
    assert keys == sorted(tree(lake))
    prefixes = [p["Prefix"] for p in s3.list_objects_v2(Bucket=name, Delimiter="/")["CommonPrefixes"]]
    assert prefixes == ["analytics/", "processed/", "raw/"]
    ctype = s3.head_object(Bucket=name, Key="analytics/purchases/top_spenders.json")["ContentType"]
    assert ctype == "application/json"

    # a second sync uploads nothing
    again = aws_s3("s3", "sync", str(lake), f"s3://{name}/")
    assert "upload:" not in again.stdout

    down = tmp_path / "down"
    aws_s3("s3", "sync", f"s3://{name}/", str(down))
    assert tree(down) == tree(lake)
    cmp = filecmp.dircmp(lake, down)
    assert not cmp.left_only and not cmp.right_only

    # change one file locally, delete one remotely: sync both ways converges
    (lake / "processed" / "purchases" / "year=2024" / "month=01" / "part-00000.csv").write_text("user_id,amount\n")
    aws_s3("s3", "sync", str(lake), f"s3://{name}/")
    s3.delete_object(Bucket=name, Key="raw/uploads/customers export (final) v2.csv")
    aws_s3("s3", "sync", "--delete", f"s3://{name}/", str(down))
    assert tree(down) == {k: v for k, v in tree(lake).items() if k != "raw/uploads/customers export (final) v2.csv"}
    # only one prefix
    only = tmp_path / "only"
    aws_s3("s3", "sync", f"s3://{name}/processed/", str(only))
    assert sorted(tree(only)) == ["purchases/year=2024/month=01/part-00000.csv"]
