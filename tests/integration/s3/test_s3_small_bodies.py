"""Small bodies (up to 16 KiB) are kept in the store beside their record instead of in a file. Every
object operation must behave the same on either side of that limit: reads, ranges, overwrites,
versions, copies and part copies, bad bodies — and a small body makes no file."""

import hashlib

import pytest

from s3_support import *  # noqa: F401,F403

INLINE_LIMIT = 16 * 1024
SIZES = [0, 1, 4096, INLINE_LIMIT - 1, INLINE_LIMIT, INLINE_LIMIT + 1, 64 * 1024]


@pytest.mark.parametrize("size", SIZES)
def test_objects_on_both_sides_of_the_inline_limit_round_trip_with_ranges(s3, bucket, size):
    data = random_bytes(size)
    put = s3.put_object(Bucket=bucket, Key=f"k{size}", Body=data, ChecksumAlgorithm="SHA256")
    assert put["ETag"] == etag_of(data)
    got = s3.get_object(Bucket=bucket, Key=f"k{size}", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ContentLength"] == size and got["ETag"] == etag_of(data)
    assert got["ChecksumSHA256"] == sha256_b64(data)
    assert s3.head_object(Bucket=bucket, Key=f"k{size}")["ContentLength"] == size
    if size >= 10:
        middle = s3.get_object(Bucket=bucket, Key=f"k{size}", Range="bytes=3-8")
        assert middle["Body"].read() == data[3:9] and middle["ContentRange"] == f"bytes 3-8/{size}"
        suffix = s3.get_object(Bucket=bucket, Key=f"k{size}", Range="bytes=-5")
        assert suffix["Body"].read() == data[-5:]
        tail = s3.get_object(Bucket=bucket, Key=f"k{size}", Range=f"bytes={size - 4}-")
        assert tail["Body"].read() == data[-4:]


def test_small_objects_make_no_body_files(nimbus, s3, bucket):
    before = len(files_under(nimbus.data_dir / "s3" / "objects"))
    for i in range(20):
        s3.put_object(Bucket=bucket, Key=f"small/{i}", Body=random_bytes(4096))
    assert len(files_under(nimbus.data_dir / "s3" / "objects")) == before
    s3.put_object(Bucket=bucket, Key="large", Body=random_bytes(INLINE_LIMIT + 1))
    assert len(files_under(nimbus.data_dir / "s3" / "objects")) == before + 1


def test_overwrites_move_between_inline_and_file_bodies(s3, bucket):
    for size in (100, 200 * 1024, 300, 0, 70 * 1024, 5):
        data = random_bytes(size)
        s3.put_object(Bucket=bucket, Key="shifting", Body=data)
        assert s3.get_object(Bucket=bucket, Key="shifting")["Body"].read() == data
    s3.delete_object(Bucket=bucket, Key="shifting")
    assert error_code_of(lambda: s3.get_object(Bucket=bucket, Key="shifting")) == "NoSuchKey"


def error_code_of(call) -> str:
    try:
        call()
    except Exception as exc:  # botocore ClientError
        return error_code(exc)
    raise AssertionError("no error")


def test_versions_of_small_objects_keep_their_own_bytes(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    bodies = [random_bytes(n) for n in (10, 20 * 1024, 30)]
    versions = [s3.put_object(Bucket=bucket, Key="v", Body=b)["VersionId"] for b in bodies]
    for version, body in zip(versions, bodies):
        assert s3.get_object(Bucket=bucket, Key="v", VersionId=version)["Body"].read() == body
    s3.delete_object(Bucket=bucket, Key="v", VersionId=versions[2])
    assert s3.get_object(Bucket=bucket, Key="v")["Body"].read() == bodies[1]
    s3.delete_object(Bucket=bucket, Key="v", VersionId=versions[0])
    assert s3.get_object(Bucket=bucket, Key="v", VersionId=versions[1])["Body"].read() == bodies[1]
    assert error_code_of(lambda: s3.get_object(Bucket=bucket, Key="v", VersionId=versions[0])) == "NoSuchVersion"


def test_suspended_versioning_replaces_the_small_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="n", Body=b"null one")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=bucket, Key="n", Body=b"null two")
    listed = s3.list_object_versions(Bucket=bucket, Prefix="n")["Versions"]
    assert [v["VersionId"] for v in listed] == ["null"]
    assert s3.get_object(Bucket=bucket, Key="n", VersionId="null")["Body"].read() == b"null two"


def test_copies_of_small_objects_are_independent(s3, bucket):
    data = random_bytes(3000)
    s3.put_object(Bucket=bucket, Key="src", Body=data, Metadata={"a": "1"})
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"},
                            ChecksumAlgorithm="CRC32")
    assert copied["CopyObjectResult"]["ETag"] == etag_of(data)
    assert copied["CopyObjectResult"]["ChecksumCRC32"] == crc32_b64(data)
    s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"},
                   MetadataDirective="REPLACE", Metadata={"a": "2"})
    got = s3.get_object(Bucket=bucket, Key="src")
    assert got["Body"].read() == data and got["Metadata"] == {"a": "2"}
    s3.delete_object(Bucket=bucket, Key="src")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == data


def test_upload_part_copy_reads_a_range_of_a_small_source(s3, bucket):
    small = random_bytes(8000)
    s3.put_object(Bucket=bucket, Key="small-src", Body=small)
    first = random_bytes(5 * MiB)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=1, Body=first)["ETag"]
    e2 = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=2,
                             CopySource={"Bucket": bucket, "Key": "small-src"},
                             CopySourceRange="bytes=100-4099")["CopyPartResult"]["ETag"]
    assert e2 == etag_of(small[100:4100])
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    body = s3.get_object(Bucket=bucket, Key="assembled")["Body"].read()
    assert hashlib.sha256(body).digest() == hashlib.sha256(first + small[100:4100]).digest()


def test_small_body_with_wrong_content_md5_is_bad_digest_and_not_stored(s3, bucket):
    try:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"payload", ContentMD5=md5_b64(b"other"))
        raise AssertionError("accepted")
    except AssertionError:
        raise
    except Exception as exc:
        assert error_code(exc) == "BadDigest"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_small_bodies_survive_restart(server_factory):
    server = server_factory()
    s3 = make_s3(server.endpoint)
    s3.create_bucket(Bucket="keep-small")
    bodies = {f"k{i}": random_bytes(i * 1000) for i in range(20)}
    for key, body in bodies.items():
        s3.put_object(Bucket="keep-small", Key=key, Body=body)
    server.restart(kill=True)
    s3 = make_s3(server.endpoint)
    for key, body in bodies.items():
        assert s3.get_object(Bucket="keep-small", Key=key)["Body"].read() == body
