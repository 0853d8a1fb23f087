"""AWS's S3 error documents and statuses, and hostile input over raw HTTP and sockets: malformed XML,
aws-chunked framing and trailers, bad checksums, truncated bodies and disconnects — each answered with
an error or nothing stored, and the server still serving."""

import socket
import time
import zlib

import pytest

from s3_support import *  # noqa: F401,F403


# --- error documents ------------------------------------------------------------------------------

def test_no_such_key_error_document(raw, bucket):
    resp = raw.get(f"/{bucket}/missing/key.txt")
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/xml")
    error = xml_error(resp)
    assert error["Code"] == "NoSuchKey"
    assert error["Message"] == "The specified key does not exist."
    assert error["Key"] == "missing/key.txt"
    assert error["RequestId"] and error["RequestId"] == resp.headers["x-amz-request-id"]


def test_no_such_bucket_error_document(raw):
    resp = raw.get("/no-such-bucket-here/k")
    assert resp.status_code == 404
    error = xml_error(resp)
    assert error["Code"] == "NoSuchBucket"
    assert error["BucketName"] == "no-such-bucket-here"
    assert error["Message"] == "The specified bucket does not exist"
    assert error["RequestId"]


@pytest.mark.parametrize("method", ["HEAD"])
def test_head_errors_have_status_and_no_body(raw, bucket, method):
    for path in (f"/{bucket}/missing", "/no-such-bucket-here", "/no-such-bucket-here/k"):
        resp = raw.request(method, path)
        assert resp.status_code == 404, path
        assert resp.content == b"", path
        assert resp.headers.get("x-amz-request-id")


def test_unsupported_method_is_method_not_allowed(raw, bucket):
    resp = raw.request("PATCH", f"/{bucket}/k", b"x")
    assert resp.status_code == 405
    assert xml_error(resp)["Code"] == "MethodNotAllowed"


@pytest.mark.parametrize("name", ["Bad_Bucket", "ab", "-x-y-", "a" * 70, "10.0.0.1"])
def test_invalid_bucket_name_over_raw_http(raw, name):
    resp = raw.put(f"/{name}")
    assert resp.status_code == 400
    error = xml_error(resp)
    assert error["Code"] == "InvalidBucketName"
    assert error["BucketName"] == name


def test_error_replies_keep_the_connection_usable(raw, bucket, s3):
    import requests
    session = requests.Session()
    for _ in range(5):
        assert session.get(raw.url(f"/{bucket}/missing")).status_code in (403, 404)
    s3.put_object(Bucket=bucket, Key="after", Body=b"ok")
    assert session.get(raw.url(f"/{bucket}/after")).status_code in (200, 403)


# --- malformed XML --------------------------------------------------------------------------------

@pytest.mark.parametrize("subresource,body", [
    ("tagging", b"<Tagging><TagSet><Tag><Key>a</Key>"),
    ("tagging", b"not xml at all"),
    ("tagging", b"<Wrong><TagSet/></Wrong>"),
    ("versioning", b"<VersioningConfiguration><Status>"),
    ("cors", b"<CORSConfiguration><CORSRule></CORSRule>"),
    ("lifecycle", b"<LifecycleConfiguration><Rule>"),
])
def test_malformed_configuration_xml_is_malformed_xml(raw, bucket, subresource, body):
    resp = raw.put(f"/{bucket}?{subresource}", body, headers={"Content-MD5": md5_b64(body)})
    assert resp.status_code == 400, resp.text
    assert xml_error(resp)["Code"] in ("MalformedXML", "InvalidRequest")


def test_malformed_complete_multipart_xml(raw, s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    resp = raw.post(f"/{bucket}/mp?uploadId={upload}", b"<CompleteMultipartUpload><Part><PartNumber>x")
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] == "MalformedXML"
    empty = raw.post(f"/{bucket}/mp?uploadId={upload}",
                     b"<CompleteMultipartUpload></CompleteMultipartUpload>")
    assert empty.status_code == 400
    assert xml_error(empty)["Code"] == "MalformedXML"


def test_malformed_create_bucket_configuration(raw):
    resp = raw.put("/fresh-bucket-xml", b"<CreateBucketConfiguration><LocationConstraint>")
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] == "MalformedXML"


# --- aws-chunked bodies ---------------------------------------------------------------------------

TRAILER_HASH = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def chunked(data: bytes, sizes: list[int], trailer: str | None) -> bytes:
    out, pos = b"", 0
    for size in sizes:
        out += f"{size:x}\r\n".encode() + data[pos:pos + size] + b"\r\n"
        pos += size
    out += b"0\r\n"
    if trailer:
        out += trailer.encode() + b"\r\n"
    return out + b"\r\n"


def put_chunked(raw, path, body, decoded_length, trailer_name="x-amz-checksum-crc32"):
    headers = {"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(decoded_length),
               "Content-Type": "text/plain"}
    if trailer_name:
        headers["x-amz-trailer"] = trailer_name
    return raw.put(path, body, headers=headers, payload_hash=TRAILER_HASH)


def test_aws_chunked_body_with_crc32_trailer_is_stored_decoded(raw, s3, bucket):
    data = b"0123456789" * 1000
    body = chunked(data, [8192, len(data) - 8192], f"x-amz-checksum-crc32:{crc32_b64(data)}")
    resp = put_chunked(raw, f"/{bucket}/chunked", body, len(data))
    assert resp.status_code == 200, resp.text
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data)
    assert got["ChecksumCRC32"] == crc32_b64(data)
    assert got["ResponseMetadata"]["HTTPHeaders"].get("content-encoding") in (None, "")


def test_aws_chunked_wrong_trailer_checksum_is_bad_digest(raw, s3, bucket):
    data = b"payload" * 100
    body = chunked(data, [len(data)], f"x-amz-checksum-crc32:{crc32_b64(b'not the payload')}")
    resp = put_chunked(raw, f"/{bucket}/bad-trailer", body, len(data))
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] in ("BadDigest", "InvalidRequest")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("body", [
    b"zz\r\nabc\r\n0\r\n\r\n",                  # size is not hex
    b"10\r\nabc\r\n0\r\n\r\n",                   # chunk shorter than announced
    b"3\r\nabcXX0\r\n\r\n",                      # missing CRLF after data
    b"3\r\nabc\r\n",                             # no final chunk
    b"ffffffffffffffff\r\nabc\r\n0\r\n\r\n",     # absurd size
])
def test_aws_chunked_bad_framing_is_rejected_and_nothing_stored(raw, s3, bucket, nimbus, body):
    resp = put_chunked(raw, f"/{bucket}/framing", body, 3, trailer_name=None)
    assert 400 <= resp.status_code < 500, resp.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert_s3_serving(nimbus)


def test_aws_chunked_decoded_length_mismatch_is_rejected(raw, s3, bucket):
    data = b"abcdef"
    body = chunked(data, [6], f"x-amz-checksum-crc32:{crc32_b64(data)}")
    resp = put_chunked(raw, f"/{bucket}/len", body, 10)
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] in ("IncompleteBody", "InvalidRequest", "BadRequest")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


# --- truncated bodies and disconnects -------------------------------------------------------------

def read_reply(sock: socket.socket, timeout: float = 10) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    return data


def test_body_shorter_than_content_length_then_half_close_stores_nothing(raw, s3, bucket, nimbus):
    sock = raw.raw_socket("PUT", f"/{bucket}/short", {"Content-Length": "100000"}, b"x" * 1000)
    sock.shutdown(socket.SHUT_WR)
    reply = read_reply(sock)
    sock.close()
    assert reply == b"" or reply.split(b" ")[1].startswith(b"4"), reply[:200]
    time.sleep(0.3)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert_s3_serving(nimbus)


def test_disconnect_mid_upload_stores_nothing_and_leaks_no_files(raw, s3, bucket, nimbus):
    s3.put_object(Bucket=bucket, Key="existing", Body=b"keep me")
    total = 40 * MiB
    for _ in range(3):
        sock = raw.raw_socket("PUT", f"/{bucket}/big-abandoned", {"Content-Length": str(total)})
        chunk = b"z" * MiB
        for _ in range(12):
            sock.sendall(chunk)
        sock.close()  # abrupt close with 28 MiB still owed
    sock = raw.raw_socket("PUT", f"/{bucket}/existing", {"Content-Length": str(total)}, b"y" * MiB)
    sock.close()  # an interrupted overwrite leaves the old object intact
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stored = bytes_under(nimbus.data_dir / "s3")
        if stored < 2 * MiB:
            break
        time.sleep(0.2)
    assert stored < 2 * MiB, f"{stored} bytes of abandoned uploads still on disk"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["existing"]
    assert s3.get_object(Bucket=bucket, Key="existing")["Body"].read() == b"keep me"
    assert_s3_serving(nimbus)


def test_disconnect_mid_upload_part_stores_no_part(raw, s3, bucket, nimbus):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    sock = raw.raw_socket("PUT", f"/{bucket}/mp?partNumber=1&uploadId={upload}",
                          {"Content-Length": str(10 * MiB)}, b"p" * MiB)
    sock.close()
    time.sleep(0.5)
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", []) == []
    assert_s3_serving(nimbus)


def test_expect_100_continue_upload(raw, s3, bucket):
    data = b"continued" * 1000
    sock = raw.raw_socket("PUT", f"/{bucket}/expect", {"Content-Length": str(len(data)), "Expect": "100-continue"})
    interim = read_reply(sock)
    assert interim.startswith(b"HTTP/1.1 100"), interim[:100]
    sock.sendall(data)
    final = interim.split(b"\r\n\r\n", 1)[1]
    if b"\r\n\r\n" not in final:
        final += read_reply(sock)
    sock.close()
    assert final.startswith(b"HTTP/1.1 200"), final[:200]
    assert s3.get_object(Bucket=bucket, Key="expect")["Body"].read() == data


def test_garbage_request_line_does_not_hurt_the_server(nimbus):
    for junk in (b"\x00\x01\x02garbage\r\n\r\n", b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n",
                 b"PUT /b/k HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", nimbus.port), timeout=5) as sock:
            try:
                sock.sendall(junk)
                sock.recv(1024)
            except OSError:
                pass
    assert_s3_serving(nimbus)


def test_crc_of_large_streamed_body_checked(raw, s3, bucket):
    data = random_bytes(3 * MiB + 5)
    crc = crc32_b64(data)
    body = chunked(data, [MiB, MiB, MiB, 5], f"x-amz-checksum-crc32:{crc}")
    assert put_chunked(raw, f"/{bucket}/streamed", body, len(data)).status_code == 200
    assert zlib.crc32(s3.get_object(Bucket=bucket, Key="streamed")["Body"].read()) == zlib.crc32(data)
