"""Multipart uploads through boto3: create/upload/copy-part/complete/abort, listings, the errors
CompleteMultipartUpload owes (EntityTooSmall, InvalidPart, InvalidPartOrder), and the transfer manager."""

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403

PART = 5 * MiB


def upload_parts(s3, bucket, key, parts, **create):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=i + 1, Body=p)["ETag"]
             for i, p in enumerate(parts)]
    return upload, [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]


def test_multipart_upload_assembles_parts_with_md5_of_md5s_etag(s3, bucket):
    parts = [random_bytes(PART), random_bytes(PART), random_bytes(1234)]
    upload, done = upload_parts(s3, bucket, "big.bin", parts, ContentType="application/x-test",
                                Metadata={"m": "1"})
    for part, entry in zip(parts, done):
        assert entry["ETag"] == etag_of(part)
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=upload,
                                        MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag(parts)
    assert resp["Key"] == "big.bin" and resp["Bucket"] == bucket
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert got["ContentType"] == "application/x-test"
    assert got["Metadata"] == {"m": "1"}
    # PartNumber on GET/HEAD reads one part and reports the count
    head = s3.head_object(Bucket=bucket, Key="big.bin", PartNumber=2)
    assert head["ContentLength"] == PART
    assert head["PartsCount"] == 3
    part3 = s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=3)
    assert part3["Body"].read() == parts[2]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_single_small_part_is_allowed(s3, bucket):
    upload, done = upload_parts(s3, bucket, "one", [b"tiny"])
    resp = s3.complete_multipart_upload(Bucket=bucket, Key="one", UploadId=upload, MultipartUpload={"Parts": done})
    assert resp["ETag"] == multipart_etag([b"tiny"])
    assert s3.get_object(Bucket=bucket, Key="one")["Body"].read() == b"tiny"


def test_completing_with_a_subset_of_parts_uses_only_those(s3, bucket):
    parts = [random_bytes(PART), b"skipped", b"last"]
    upload, done = upload_parts(s3, bucket, "subset", parts)
    s3.complete_multipart_upload(Bucket=bucket, Key="subset", UploadId=upload,
                                 MultipartUpload={"Parts": [done[0], done[2]]})
    assert s3.get_object(Bucket=bucket, Key="subset")["Body"].read() == parts[0] + parts[2]


def test_reuploading_a_part_number_replaces_it(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="re")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="re", UploadId=upload, PartNumber=1, Body=b"old")
    etag = s3.upload_part(Bucket=bucket, Key="re", UploadId=upload, PartNumber=1, Body=b"new")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="re", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=bucket, Key="re")["Body"].read() == b"new"


def test_small_non_last_part_is_entity_too_small(s3, bucket):
    upload, done = upload_parts(s3, bucket, "small", [b"a" * 100, b"b" * 100])
    with pytest.raises(ClientError) as err:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=upload, MultipartUpload={"Parts": done})
    assert error_code(err.value) == "EntityTooSmall"
    assert http_status(err.value) == 400
    # the upload is still there to fix
    assert [u["UploadId"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == [upload]


def test_wrong_etag_or_missing_part_is_invalid_part(s3, bucket):
    upload, done = upload_parts(s3, bucket, "ip", [b"only"])
    for parts in ([{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}],
                  [done[0], {"PartNumber": 2, "ETag": done[0]["ETag"]}]):
        with pytest.raises(ClientError) as err:
            s3.complete_multipart_upload(Bucket=bucket, Key="ip", UploadId=upload, MultipartUpload={"Parts": parts})
        assert error_code(err.value) == "InvalidPart"
        assert http_status(err.value) == 400


def test_parts_out_of_order_is_invalid_part_order(s3, bucket):
    upload, done = upload_parts(s3, bucket, "order", [random_bytes(PART), random_bytes(PART)])
    with pytest.raises(ClientError) as err:
        s3.complete_multipart_upload(Bucket=bucket, Key="order", UploadId=upload,
                                     MultipartUpload={"Parts": [done[1], done[0]]})
    assert error_code(err.value) == "InvalidPartOrder"
    assert http_status(err.value) == 400


def test_part_number_out_of_range_is_invalid_argument(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="range")["UploadId"]
    for number in (0, 10001):
        with pytest.raises(ClientError) as err:
            s3.upload_part(Bucket=bucket, Key="range", UploadId=upload, PartNumber=number, Body=b"x")
        assert error_code(err.value) == "InvalidArgument"


def test_abort_discards_the_upload(s3, bucket):
    upload, done = upload_parts(s3, bucket, "ab", [b"x"])
    assert s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=upload)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (lambda: s3.list_parts(Bucket=bucket, Key="ab", UploadId=upload),
                 lambda: s3.upload_part(Bucket=bucket, Key="ab", UploadId=upload, PartNumber=2, Body=b"y"),
                 lambda: s3.complete_multipart_upload(Bucket=bucket, Key="ab", UploadId=upload,
                                                      MultipartUpload={"Parts": done})):
        with pytest.raises(ClientError) as err:
            call()
        assert error_code(err.value) == "NoSuchUpload"
        assert http_status(err.value) == 404
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_unknown_upload_id_is_no_such_upload(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.upload_part(Bucket=bucket, Key="k", UploadId="does-not-exist", PartNumber=1, Body=b"x")
    assert error_code(err.value) == "NoSuchUpload"


def test_list_multipart_uploads_with_prefix_delimiter_and_pagination(s3, bucket):
    ids = {}
    for key in ["logs/a", "logs/b", "logs/deep/c", "other"]:
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    resp = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in resp["Uploads"]] == sorted(ids)
    assert {u["Key"]: u["UploadId"] for u in resp["Uploads"]} == ids
    assert all(u["Initiated"] for u in resp["Uploads"])
    resp = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/", Delimiter="/")
    assert [u["Key"] for u in resp["Uploads"]] == ["logs/a", "logs/b"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["logs/deep/"]
    resp = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert resp["IsTruncated"] is True and len(resp["Uploads"]) == 2
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=resp["NextKeyMarker"],
                                      UploadIdMarker=resp["NextUploadIdMarker"])
    assert [u["Key"] for u in rest["Uploads"]] == sorted(ids)[2:]


def test_list_parts_with_pagination(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="lp")["UploadId"]
    bodies = {n: f"part {n}".encode() for n in (1, 2, 5, 7)}
    for n, body in bodies.items():
        s3.upload_part(Bucket=bucket, Key="lp", UploadId=upload, PartNumber=n, Body=body)
    resp = s3.list_parts(Bucket=bucket, Key="lp", UploadId=upload)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in resp["Parts"]] == [
        (n, len(b), etag_of(b)) for n, b in bodies.items()]
    page = s3.list_parts(Bucket=bucket, Key="lp", UploadId=upload, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 2
    page = s3.list_parts(Bucket=bucket, Key="lp", UploadId=upload, PartNumberMarker=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [5, 7]


def test_upload_part_copy_with_ranges(s3, bucket):
    source = random_bytes(12 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    # part 1 is the source's last 5 MiB, part 2 its first 5 MiB
    r1 = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=1,
                             CopySource={"Bucket": bucket, "Key": "src"},
                             CopySourceRange=f"bytes={7 * MiB}-{12 * MiB - 1}")
    assert r1["CopyPartResult"]["ETag"] == etag_of(source[7 * MiB:])
    r2 = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=2,
                             CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=f"bytes=0-{PART - 1}")
    r3 = s3.upload_part(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=3, Body=b"end")
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]},
        {"PartNumber": 3, "ETag": r3["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == source[7 * MiB:] + source[:PART] + b"end"


def test_upload_part_copy_whole_object_and_bad_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="small-src", Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    whole = s3.upload_part_copy(Bucket=bucket, Key="c", UploadId=upload, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "small-src"})
    assert whole["CopyPartResult"]["ETag"] == etag_of(b"0123456789")
    with pytest.raises(ClientError) as err:
        s3.upload_part_copy(Bucket=bucket, Key="c", UploadId=upload, PartNumber=2,
                            CopySource={"Bucket": bucket, "Key": "small-src"}, CopySourceRange="bytes=5-100")
    assert error_code(err.value) in ("InvalidArgument", "InvalidRange")
    assert http_status(err.value) in (400, 416)


def test_transfer_manager_multipart_upload_and_ranged_download(s3, bucket, tmp_path):
    from boto3.s3.transfer import TransferConfig

    data = random_bytes(20 * MiB + 17)
    src = tmp_path / "up.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)
    s3.upload_file(str(src), bucket, "tm/up.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="tm/up.bin")
    assert head["ContentLength"] == len(data)
    chunks = [data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
    assert head["ETag"] == multipart_etag(chunks)
    dst = tmp_path / "down.bin"
    s3.download_file(bucket, "tm/up.bin", str(dst), Config=config)
    assert dst.read_bytes() == data


@pytest.mark.slow
def test_64_mib_multipart_round_trip_through_boto3(s3, bucket, tmp_path):
    from boto3.s3.transfer import TransferConfig

    data = random_bytes(64 * MiB)
    src = tmp_path / "64.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=8)
    s3.upload_file(str(src), bucket, "large/64.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="large/64.bin")["ETag"] == multipart_etag(
        [data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)])
    dst = tmp_path / "64.out"
    s3.download_file(bucket, "large/64.bin", str(dst), Config=config)
    assert dst.read_bytes() == data
