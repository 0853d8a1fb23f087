"""Data integrity: Content-MD5, flexible checksums (CRC32, CRC32C, SHA1, SHA256, CRC64NVME), checksum
mode on GET/HEAD, multipart checksums, and the signed payload hash — each wrong value is refused and
nothing is stored."""

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403

BODY = b"The quick brown fox jumps over the lazy dog" * 100


def test_correct_content_md5_is_accepted(s3, bucket):
    s3.put_object(Bucket=bucket, Key="md5", Body=BODY, ContentMD5=md5_b64(BODY))
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == BODY


def test_wrong_content_md5_is_bad_digest_and_nothing_is_stored(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket=bucket, Key="md5", Body=BODY, ContentMD5=md5_b64(b"other"))
    assert error_code(err.value) == "BadDigest"
    assert http_status(err.value) == 400
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_malformed_content_md5_is_invalid_digest(raw, bucket):
    resp = raw.put(f"/{bucket}/k", BODY, headers={"Content-MD5": "not-base64-md5"})
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] == "InvalidDigest"


def test_wrong_content_md5_on_upload_part_is_bad_digest(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    with pytest.raises(ClientError) as err:
        s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=1, Body=BODY,
                       ContentMD5=md5_b64(b"x"))
    assert error_code(err.value) == "BadDigest"
    assert s3.list_parts(Bucket=bucket, Key="mp", UploadId=upload).get("Parts", []) == []


CHECKSUMS = {
    "CRC32": crc32_b64,
    "CRC32C": crc32c_b64,
    "SHA1": sha1_b64,
    "SHA256": sha256_b64,
}


@pytest.mark.parametrize("algorithm", list(CHECKSUMS))
def test_sdk_computed_checksum_is_stored_and_returned_in_checksum_mode(s3, bucket, algorithm):
    expected = CHECKSUMS[algorithm](BODY)
    put = s3.put_object(Bucket=bucket, Key="ck", Body=BODY, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == expected
    # boto3 validates the returned checksum against the body it reads
    got = s3.get_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert got["Body"].read() == BODY
    assert got[f"Checksum{algorithm}"] == expected
    head = s3.head_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == expected
    # without checksum mode the checksum is not sent
    assert f"Checksum{algorithm}" not in s3.get_object(Bucket=bucket, Key="ck")


@pytest.mark.parametrize("algorithm", list(CHECKSUMS) + ["CRC64NVME"])
def test_wrong_checksum_header_is_bad_digest_and_nothing_is_stored(raw, s3, bucket, algorithm):
    wrong = {"CRC32": crc32_b64, "CRC32C": crc32c_b64, "SHA1": sha1_b64, "SHA256": sha256_b64,
             "CRC64NVME": crc64nvme_b64}[algorithm](b"something else")
    resp = raw.put(f"/{bucket}/ck", BODY, headers={f"x-amz-checksum-{algorithm.lower()}": wrong})
    assert resp.status_code == 400, resp.text
    assert xml_error(resp)["Code"] in ("BadDigest", "InvalidRequest")
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_correct_crc64nvme_header_is_accepted_and_returned(raw, s3, bucket):
    value = crc64nvme_b64(BODY)
    resp = raw.put(f"/{bucket}/nv", BODY, headers={"x-amz-checksum-crc64nvme": value})
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-amz-checksum-crc64nvme"] == value
    got = raw.get(f"/{bucket}/nv", headers={"x-amz-checksum-mode": "ENABLED"})
    assert got.headers["x-amz-checksum-crc64nvme"] == value


def test_malformed_checksum_value_is_invalid_request(raw, bucket):
    resp = raw.put(f"/{bucket}/ck", BODY, headers={"x-amz-checksum-crc32": "!!notbase64!!"})
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] in ("InvalidRequest", "InvalidArgument", "BadDigest")


def test_wrong_signed_payload_hash_is_content_sha256_mismatch(raw, s3, bucket):
    headers = raw.sign("PUT", raw.url(f"/{bucket}/sha"), BODY, {})
    resp = raw.request("PUT", f"/{bucket}/sha", b"tampered body", headers=headers, sign=False)
    assert resp.status_code == 400
    error = xml_error(resp)
    assert error["Code"] == "XAmzContentSHA256Mismatch"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_multipart_upload_with_sha256_checksums_reports_composite_checksum(s3, bucket):
    parts = [random_bytes(5 * MiB), b"tail bytes"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mpck", ChecksumAlgorithm="SHA256")["UploadId"]
    done = []
    for i, body in enumerate(parts):
        resp = s3.upload_part(Bucket=bucket, Key="mpck", UploadId=upload, PartNumber=i + 1, Body=body,
                              ChecksumAlgorithm="SHA256")
        assert resp["ChecksumSHA256"] == sha256_b64(body)
        done.append({"PartNumber": i + 1, "ETag": resp["ETag"], "ChecksumSHA256": resp["ChecksumSHA256"]})
    listed = s3.list_parts(Bucket=bucket, Key="mpck", UploadId=upload)["Parts"]
    assert [p["ChecksumSHA256"] for p in listed] == [sha256_b64(p) for p in parts]
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="mpck", UploadId=upload, MultipartUpload={"Parts": done})
    import base64
    import hashlib
    composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest())
    assert resp["ChecksumSHA256"] == f"{composite.decode()}-2"
    head = s3.head_object(Bucket=bucket, Key="mpck", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == f"{composite.decode()}-2"


def test_complete_with_wrong_part_checksum_is_invalid_part(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="bad", ChecksumAlgorithm="CRC32")["UploadId"]
    resp = s3.upload_part(Bucket=bucket, Key="bad", UploadId=upload, PartNumber=1, Body=b"abc",
                          ChecksumAlgorithm="CRC32")
    with pytest.raises(ClientError) as err:
        s3.complete_multipart_upload(Bucket=bucket, Key="bad", UploadId=upload, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": resp["ETag"], "ChecksumCRC32": crc32_b64(b"xyz")}]})
    assert error_code(err.value) in ("InvalidPart", "BadDigest")


def test_copy_object_can_add_a_checksum(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=BODY)
    resp = s3.copy_object(Bucket=bucket, Key="with-crc", CopySource={"Bucket": bucket, "Key": "plain"},
                          ChecksumAlgorithm="CRC32")
    assert resp["CopyObjectResult"]["ChecksumCRC32"] == crc32_b64(BODY)
