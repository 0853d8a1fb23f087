"""S3 state survives a SIGTERM restart, and every acknowledged object survives SIGKILL with the right
bytes and no leaked temporary files. Each test runs a private server (server_factory)."""

import concurrent.futures
import hashlib
import threading
import time

import pytest

from s3_support import *  # noqa: F401,F403

pytestmark = pytest.mark.slow


def stored_bytes(server) -> int:
    return bytes_under(server.data_dir / "s3")


def test_buckets_objects_versions_config_and_uploads_survive_sigterm_restart(server_factory):
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="keep")
    big = random_bytes(3 * MiB)
    s3.put_object(Bucket="keep", Key="big.bin", Body=big, Metadata={"m": "v"}, ContentType="x/y")
    s3.put_object(Bucket="keep", Key="unicode/ü 1.txt", Body=b"small")
    s3.put_object(Bucket="keep", Key="gone", Body=b"deleted later")
    s3.delete_object(Bucket="keep", Key="gone")
    s3.put_bucket_tagging(Bucket="keep", Tagging={"TagSet": [{"Key": "t", "Value": "1"}]})
    s3.create_bucket(Bucket="vers")
    s3.put_bucket_versioning(Bucket="vers", VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket="vers", Key="k", Body=b"one")["VersionId"]
    s3.put_object(Bucket="vers", Key="k", Body=b"two")
    upload = s3.create_multipart_upload(Bucket="keep", Key="mp")["UploadId"]
    part = s3.upload_part(Bucket="keep", Key="mp", UploadId=upload, PartNumber=1, Body=b"part one")["ETag"]

    server.restart()
    s3 = make_s3(server.endpoint)
    assert sorted(b["Name"] for b in s3.list_buckets()["Buckets"]) == ["keep", "vers"]
    got = s3.get_object(Bucket="keep", Key="big.bin")
    assert got["Body"].read() == big and got["Metadata"] == {"m": "v"} and got["ContentType"] == "x/y"
    assert s3.get_object(Bucket="keep", Key="unicode/ü 1.txt")["Body"].read() == b"small"
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket="keep")["Contents"]) == ["big.bin", "unicode/ü 1.txt"]
    assert s3.get_bucket_tagging(Bucket="keep")["TagSet"] == [{"Key": "t", "Value": "1"}]
    assert s3.get_bucket_versioning(Bucket="vers")["Status"] == "Enabled"
    assert s3.get_object(Bucket="vers", Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object(Bucket="vers", Key="k")["Body"].read() == b"two"
    parts = s3.list_parts(Bucket="keep", Key="mp", UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, part)]
    s3.complete_multipart_upload(Bucket="keep", Key="mp", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
    assert s3.get_object(Bucket="keep", Key="mp")["Body"].read() == b"part one"


def test_deleted_objects_free_their_files(server_factory):
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="space")
    for i in range(4):
        s3.put_object(Bucket="space", Key=f"k{i}", Body=random_bytes(2 * MiB))
    assert stored_bytes(server) >= 8 * MiB
    s3.delete_objects(Bucket="space", Delete={"Objects": [{"Key": f"k{i}"} for i in range(4)]})
    s3.put_object(Bucket="space", Key="over", Body=random_bytes(2 * MiB))
    s3.put_object(Bucket="space", Key="over", Body=b"small now")  # overwrite frees the old body
    deadline = time.monotonic() + 10
    while stored_bytes(server) > MiB and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stored_bytes(server) <= MiB


def test_every_acknowledged_put_survives_sigkill_without_leaked_files(server_factory):
    """Writers PUT objects (small and multi-MiB) concurrently; the server is SIGKILLed while they are
    still writing. After restart every object that got a 200 is there with its bytes, and the files
    on disk hold no more than the objects that exist (no leaked temporaries)."""
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="crash")
    acked: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int):
        client = make_s3(server.endpoint, connect_timeout=2, read_timeout=10)
        i = 0
        while not stop.is_set():
            size = (1 + (i % 3)) * MiB + i if i % 4 == 0 else 1000 + i
            body = random_bytes(size)
            key = f"w{w}/obj-{i:05d}"
            try:
                client.put_object(Bucket="crash", Key=key, Body=body)
            except Exception:  # the kill lands mid-request
                return
            with lock:
                acked[key] = hashlib.sha256(body).hexdigest()
            i += 1

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(writer, w) for w in range(6)]
        deadline = time.monotonic() + 20
        while len(acked) < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()
        stop.set()
        for f in futures:
            f.result()
    snapshot = dict(acked)
    assert len(snapshot) >= 20, "too few writes acknowledged before the kill"

    server.start()
    s3 = make_s3(server.endpoint)
    listed = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash"):
        for o in page.get("Contents", []):
            listed[o["Key"]] = o["Size"]
    missing = sorted(set(snapshot) - set(listed))
    assert not missing, f"{len(missing)} acknowledged objects lost, e.g. {missing[:5]}"
    for key, digest in snapshot.items():
        assert hashlib.sha256(s3.get_object(Bucket="crash", Key=key)["Body"].read()).hexdigest() == digest, key
    # whatever survived unacknowledged must be whole too (listed size == readable bytes)
    for key in set(listed) - set(snapshot):
        assert len(s3.get_object(Bucket="crash", Key=key)["Body"].read()) == listed[key], key
    # no temporaries left behind: files on disk never exceed the live objects' bytes (+ small slack)
    live = sum(listed.values())
    deadline = time.monotonic() + 10
    while stored_bytes(server) > live + 64 * 1024 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert stored_bytes(server) <= live + 64 * 1024, (stored_bytes(server), live)
    leftovers = [p for p in files_under(server.data_dir / "s3")
                 if any(t in p.name.lower() for t in ("tmp", "temp", ".part", "partial", "upload-in-progress"))]
    assert not leftovers, leftovers[:5]


def test_acknowledged_multipart_completion_survives_sigkill(server_factory):
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="mpcrash")
    parts = [random_bytes(5 * MiB), random_bytes(1234)]
    upload = s3.create_multipart_upload(Bucket="mpcrash", Key="mp")["UploadId"]
    etags = [s3.upload_part(Bucket="mpcrash", Key="mp", UploadId=upload, PartNumber=i + 1, Body=p)["ETag"]
             for i, p in enumerate(parts)]
    s3.complete_multipart_upload(Bucket="mpcrash", Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    pending = s3.create_multipart_upload(Bucket="mpcrash", Key="pending")["UploadId"]
    s3.upload_part(Bucket="mpcrash", Key="pending", UploadId=pending, PartNumber=1, Body=b"acked part")
    server.restart(kill=True)
    s3 = make_s3(server.endpoint)
    got = s3.get_object(Bucket="mpcrash", Key="mp")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert [p["Size"] for p in s3.list_parts(Bucket="mpcrash", Key="pending", UploadId=pending)["Parts"]] == [10]
