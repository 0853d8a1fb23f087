"""Objects through boto3: put/get/head/delete, metadata and Content-* headers, ETags, ranges,
conditional reads and writes, response-* overrides and GetObjectAttributes."""

import datetime

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403


def test_put_get_head_delete_round_trip(s3, bucket):
    body = random_bytes(100_000)
    put = s3.put_object(Bucket=bucket, Key="obj.bin", Body=body)
    assert put["ETag"] == etag_of(body)
    got = s3.get_object(Bucket=bucket, Key="obj.bin")
    assert got["Body"].read() == body
    assert got["ETag"] == etag_of(body)
    assert got["ContentLength"] == len(body)
    assert got["ResponseMetadata"]["HTTPHeaders"]["accept-ranges"] == "bytes"
    assert isinstance(got["LastModified"], datetime.datetime)
    head = s3.head_object(Bucket=bucket, Key="obj.bin")
    assert head["ContentLength"] == len(body) and head["ETag"] == etag_of(body)
    assert s3.delete_object(Bucket=bucket, Key="obj.bin")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="obj.bin")
    assert error_code(err.value) == "NoSuchKey"


def test_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ContentLength"] == 0
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_empty_put_keeps_the_connection_usable_for_the_next_put(nimbus, bucket):
    # boto3 sends Expect: 100-continue on every PUT; a final answer without the 100 would make it
    # misread the next response on the same connection (and wait for its read timeout).
    client = make_s3(nimbus.endpoint, read_timeout=5)
    client.put_object(Bucket=bucket, Key="folder/", Body=b"")
    client.put_object(Bucket=bucket, Key="after", Body=b"next body")
    assert client.get_object(Bucket=bucket, Key="after")["Body"].read() == b"next body"
    with pytest.raises(ClientError):
        client.put_object(Bucket=bucket + "-missing", Key="k", Body=b"")
    client.put_object(Bucket=bucket, Key="after-error", Body=b"still fine")


def test_overwrite_replaces_body_and_metadata(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"a": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second", Metadata={"b": "2"})
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"second"
    assert got["Metadata"] == {"b": "2"}


def test_delete_of_missing_key_is_204(s3, bucket):
    assert s3.delete_object(Bucket=bucket, Key="never")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_get_from_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=new_bucket_name("gone"), Key="k")
    assert error_code(err.value) == "NoSuchBucket"


def test_head_missing_key_is_404_without_body(s3, bucket, raw):
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket=bucket, Key="missing")
    assert http_status(err.value) == 404
    resp = raw.head(f"/{bucket}/missing")
    assert resp.status_code == 404 and resp.content == b""
    assert resp.headers.get("x-amz-request-id")


def test_user_metadata_and_content_headers_round_trip(s3, bucket):
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    s3.put_object(Bucket=bucket, Key="doc", Body=b"<p>hi</p>", ContentType="text/html; charset=utf-8",
                  ContentEncoding="identity", ContentLanguage="en-GB",
                  ContentDisposition='attachment; filename="doc.html"', CacheControl="max-age=3600, public",
                  Expires=expires, Metadata={"Owner": "Team-A", "trace-id": "abc 123"},
                  StorageClass="STANDARD_IA")
    for resp in (s3.get_object(Bucket=bucket, Key="doc"), s3.head_object(Bucket=bucket, Key="doc")):
        assert resp["ContentType"] == "text/html; charset=utf-8"
        assert resp["ContentEncoding"] == "identity"
        assert resp["ContentLanguage"] == "en-GB"
        assert resp["ContentDisposition"] == 'attachment; filename="doc.html"'
        assert resp["CacheControl"] == "max-age=3600, public"
        assert resp["Expires"] == expires
        # metadata names come back lower-cased, values untouched
        assert resp["Metadata"] == {"owner": "Team-A", "trace-id": "abc 123"}
        assert resp["StorageClass"] == "STANDARD_IA"


def test_default_content_type_is_binary_octet_stream_and_standard_storage_is_not_reported(s3, bucket, raw):
    resp = raw.put(f"/{bucket}/untyped", b"x")
    assert resp.status_code == 200
    head = s3.head_object(Bucket=bucket, Key="untyped")
    assert head["ContentType"] in ("binary/octet-stream", "application/octet-stream")
    assert "StorageClass" not in head  # STANDARD is implied, not sent
    listing = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listing["StorageClass"] == "STANDARD"


def test_invalid_storage_class_is_rejected(raw, bucket):
    resp = raw.put(f"/{bucket}/k", b"x", headers={"x-amz-storage-class": "FREEZER"})
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] == "InvalidStorageClass"


# --- ranges ---------------------------------------------------------------------------------------

BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def ranged(s3, bucket):
    s3.put_object(Bucket=bucket, Key="r", Body=BODY)
    return bucket


@pytest.mark.parametrize("header,start,end", [
    ("bytes=0-9", 0, 9),
    ("bytes=100-199", 100, 199),
    ("bytes=1000-5000", 1000, 1023),  # end past the size is clamped
    ("bytes=-10", 1014, 1023),        # suffix
    ("bytes=-5000", 0, 1023),         # suffix longer than the object
    ("bytes=1020-", 1020, 1023),      # open-ended
    ("bytes=0-", 0, 1023),
])
def test_range_get_returns_206_with_content_range(s3, ranged, header, start, end):
    got = s3.get_object(Bucket=ranged, Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == f"bytes {start}-{end}/1024"
    assert got["ContentLength"] == end - start + 1
    assert got["Body"].read() == BODY[start:end + 1]
    assert got["ETag"] == etag_of(BODY)


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=2000-3000"])
def test_unsatisfiable_range_is_416_invalid_range(s3, ranged, header):
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=ranged, Key="r", Range=header)
    assert http_status(err.value) == 416
    assert error_code(err.value) == "InvalidRange"


@pytest.mark.parametrize("header", ["bytes=abc", "items=0-1", "bytes=10-5"])
def test_malformed_range_is_ignored_and_the_whole_object_returned(s3, ranged, header):
    got = s3.get_object(Bucket=ranged, Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["Body"].read() == BODY


def test_range_on_head_reports_partial_length(s3, ranged):
    head = s3.head_object(Bucket=ranged, Key="r", Range="bytes=0-99")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 100
    # Debian botocore's HeadObject output has no ContentRange member: read the raw header.
    assert head["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes 0-99/1024"


def test_range_on_empty_object_is_416(s3, bucket):
    s3.put_object(Bucket=bucket, Key="e", Body=b"")
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="e", Range="bytes=0-0")
    assert http_status(err.value) == 416


# --- conditional reads ----------------------------------------------------------------------------

@pytest.fixture
def cond(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="c", Body=b"conditional")
    head = s3.head_object(Bucket=bucket, Key="c")
    return bucket, put["ETag"], head["LastModified"]


HOUR = datetime.timedelta(hours=1)


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_match_passes_on_etag_and_fails_with_412(s3, cond, method):
    bucket, etag, _ = cond
    assert getattr(s3, method)(Bucket=bucket, Key="c", IfMatch=etag)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as err:
        getattr(s3, method)(Bucket=bucket, Key="c", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert http_status(err.value) == 412
    if method == "get_object":
        assert error_code(err.value) == "PreconditionFailed"


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_none_match_on_current_etag_is_304(s3, cond, method):
    bucket, etag, _ = cond
    with pytest.raises(ClientError) as err:
        getattr(s3, method)(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert http_status(err.value) == 304
    ok = getattr(s3, method)(Bucket=bucket, Key="c", IfNoneMatch='"other"')
    assert ok["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_not_modified_response_carries_etag_and_no_body(raw, cond):
    bucket, etag, _ = cond
    resp = raw.get(f"/{bucket}/c", headers={"If-None-Match": etag})
    assert resp.status_code == 304
    assert resp.content == b""
    assert resp.headers["ETag"] == etag


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_modified_since(s3, cond, method):
    bucket, _, modified = cond
    assert getattr(s3, method)(Bucket=bucket, Key="c", IfModifiedSince=modified - HOUR)["ContentLength"] == 11
    with pytest.raises(ClientError) as err:
        getattr(s3, method)(Bucket=bucket, Key="c", IfModifiedSince=modified + HOUR)
    assert http_status(err.value) == 304
    with pytest.raises(ClientError) as err:
        getattr(s3, method)(Bucket=bucket, Key="c", IfModifiedSince=modified)  # not modified *since* then
    assert http_status(err.value) == 304


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_if_unmodified_since(s3, cond, method):
    bucket, _, modified = cond
    assert getattr(s3, method)(Bucket=bucket, Key="c", IfUnmodifiedSince=modified + HOUR)["ContentLength"] == 11
    with pytest.raises(ClientError) as err:
        getattr(s3, method)(Bucket=bucket, Key="c", IfUnmodifiedSince=modified - HOUR)
    assert http_status(err.value) == 412


def test_if_match_true_overrides_failing_if_unmodified_since(s3, cond):
    # AWS: If-Match true and If-Unmodified-Since false -> 200 OK
    bucket, etag, modified = cond
    got = s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=modified - HOUR)
    assert got["Body"].read() == b"conditional"


def test_if_none_match_false_with_if_modified_since_true_is_304(s3, cond):
    # AWS: If-None-Match false and If-Modified-Since true -> 304 Not Modified
    bucket, etag, modified = cond
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag, IfModifiedSince=modified - HOUR)
    assert http_status(err.value) == 304


# --- conditional writes ---------------------------------------------------------------------------

def test_put_if_none_match_star_creates_only_when_absent(s3, bucket):
    remove = with_headers(s3, "PutObject", {"If-None-Match": "*"})
    try:
        s3.put_object(Bucket=bucket, Key="once", Body=b"first")
        with pytest.raises(ClientError) as err:
            s3.put_object(Bucket=bucket, Key="once", Body=b"second")
        assert http_status(err.value) == 412
        assert error_code(err.value) == "PreconditionFailed"
    finally:
        remove()
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_put_if_match_replaces_only_the_expected_version(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cas", Body=b"v1")["ETag"]
    remove = with_headers(s3, "PutObject", {"If-Match": '"00000000000000000000000000000000"'})
    try:
        with pytest.raises(ClientError) as err:
            s3.put_object(Bucket=bucket, Key="cas", Body=b"v2-wrong")
        assert http_status(err.value) == 412
    finally:
        remove()
    remove = with_headers(s3, "PutObject", {"If-Match": etag})
    try:
        s3.put_object(Bucket=bucket, Key="cas", Body=b"v2")
    finally:
        remove()
    assert s3.get_object(Bucket=bucket, Key="cas")["Body"].read() == b"v2"


def test_put_if_match_on_missing_key_is_no_such_key(s3, bucket):
    remove = with_headers(s3, "PutObject", {"If-Match": '"00000000000000000000000000000000"'})
    try:
        with pytest.raises(ClientError) as err:
            s3.put_object(Bucket=bucket, Key="absent", Body=b"x")
        assert http_status(err.value) == 404
        assert error_code(err.value) == "NoSuchKey"
    finally:
        remove()


# --- response-* overrides -------------------------------------------------------------------------

def test_response_header_overrides_on_get(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"data", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="o", ResponseContentType="application/json",
                        ResponseContentDisposition="attachment; filename=o.json",
                        ResponseCacheControl="no-cache", ResponseContentLanguage="fr",
                        ResponseContentEncoding="identity", ResponseExpires=datetime.datetime(
                            2031, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc))
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment; filename=o.json"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"
    assert got["ContentEncoding"] == "identity"
    assert got["Expires"].year == 2031
    # overrides never change the stored object
    assert s3.head_object(Bucket=bucket, Key="o")["ContentType"] == "text/plain"


# --- GetObjectAttributes --------------------------------------------------------------------------

def test_get_object_attributes_single_part(s3, bucket):
    body = b"attributes!"
    s3.put_object(Bucket=bucket, Key="a", Body=body, ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(Bucket=bucket, Key="a",
                                     ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum"])
    assert attrs["ETag"] == md5_hex(body)  # unquoted here
    assert attrs["ObjectSize"] == len(body)
    assert attrs["StorageClass"] == "STANDARD"
    assert attrs["Checksum"]["ChecksumSHA256"] == sha256_b64(body)
    assert "LastModified" in attrs


def test_get_object_attributes_multipart_parts(s3, bucket):
    parts = [random_bytes(5 * MiB), b"tail"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=i + 1, Body=p)["ETag"]
             for i, p in enumerate(parts)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]})
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ETag", "ObjectParts", "ObjectSize"])
    assert attrs["ETag"] == multipart_etag(parts).strip('"')
    assert attrs["ObjectSize"] == sum(map(len, parts))
    if "ObjectParts" in attrs:  # AWS may leave it out for objects uploaded without checksums
        assert attrs["ObjectParts"]["TotalPartsCount"] == 2


def test_get_object_attributes_of_missing_key_is_no_such_key(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.get_object_attributes(Bucket=bucket, Key="nope", ObjectAttributes=["ETag"])
    assert error_code(err.value) == "NoSuchKey"
