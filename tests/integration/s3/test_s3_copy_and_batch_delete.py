"""CopyObject (directives, conditions, copy onto itself) and DeleteObjects (quiet mode, per-key errors)."""

import datetime

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403


@pytest.fixture
def source(s3, bucket):
    body = random_bytes(20_000)
    etag = s3.put_object(Bucket=bucket, Key="src/orig.bin", Body=body, ContentType="image/png",
                         CacheControl="max-age=60", Metadata={"colour": "blue"})["ETag"]
    return bucket, body, etag


def test_copy_with_default_copy_directive_keeps_metadata(s3, source):
    bucket, body, etag = source
    resp = s3.copy_object(Bucket=bucket, Key="dst/copy.bin", CopySource={"Bucket": bucket, "Key": "src/orig.bin"})
    assert resp["CopyObjectResult"]["ETag"] == etag
    assert resp["CopyObjectResult"]["LastModified"]
    got = s3.get_object(Bucket=bucket, Key="dst/copy.bin")
    assert got["Body"].read() == body
    assert got["ContentType"] == "image/png"
    assert got["CacheControl"] == "max-age=60"
    assert got["Metadata"] == {"colour": "blue"}


def test_copy_with_replace_directive_takes_new_metadata(s3, source):
    bucket, body, _ = source
    s3.copy_object(Bucket=bucket, Key="dst/r.bin", CopySource={"Bucket": bucket, "Key": "src/orig.bin"},
                   MetadataDirective="REPLACE", ContentType="text/plain", Metadata={"shape": "round"})
    got = s3.get_object(Bucket=bucket, Key="dst/r.bin")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"shape": "round"}
    assert "CacheControl" not in got


def test_copy_across_buckets_and_keys_needing_encoding(s3, source):
    bucket, body, _ = source
    s3.put_object(Bucket=bucket, Key="weird key+%/ü.txt", Body=b"odd")
    other = new_bucket_name()
    s3.create_bucket(Bucket=other)
    s3.copy_object(Bucket=other, Key="x/y z", CopySource={"Bucket": bucket, "Key": "weird key+%/ü.txt"})
    assert s3.get_object(Bucket=other, Key="x/y z")["Body"].read() == b"odd"
    s3.copy_object(Bucket=other, Key="copy", CopySource=f"{bucket}/src/orig.bin")
    assert s3.get_object(Bucket=other, Key="copy")["Body"].read() == body


def test_copy_onto_itself_without_changes_is_invalid_request(s3, source):
    bucket, _, _ = source
    with pytest.raises(ClientError) as err:
        s3.copy_object(Bucket=bucket, Key="src/orig.bin", CopySource={"Bucket": bucket, "Key": "src/orig.bin"})
    assert error_code(err.value) == "InvalidRequest"
    assert http_status(err.value) == 400


def test_copy_onto_itself_with_replace_changes_metadata_only(s3, source):
    bucket, body, etag = source
    s3.copy_object(Bucket=bucket, Key="src/orig.bin", CopySource={"Bucket": bucket, "Key": "src/orig.bin"},
                   MetadataDirective="REPLACE", Metadata={"colour": "red"}, ContentType="image/jpeg")
    got = s3.get_object(Bucket=bucket, Key="src/orig.bin")
    assert got["Body"].read() == body
    assert got["ETag"] == etag
    assert got["Metadata"] == {"colour": "red"}
    assert got["ContentType"] == "image/jpeg"


def test_copy_onto_itself_changing_storage_class_is_allowed(s3, source):
    bucket, _, _ = source
    s3.copy_object(Bucket=bucket, Key="src/orig.bin", CopySource={"Bucket": bucket, "Key": "src/orig.bin"},
                   StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="src/orig.bin")["StorageClass"] == "STANDARD_IA"


def test_conditional_copy_headers(s3, source):
    bucket, _, etag = source
    modified = s3.head_object(Bucket=bucket, Key="src/orig.bin")["LastModified"]
    hour = datetime.timedelta(hours=1)
    src = {"Bucket": bucket, "Key": "src/orig.bin"}
    s3.copy_object(Bucket=bucket, Key="ok1", CopySource=src, CopySourceIfMatch=etag)
    s3.copy_object(Bucket=bucket, Key="ok2", CopySource=src, CopySourceIfNoneMatch='"different"')
    s3.copy_object(Bucket=bucket, Key="ok3", CopySource=src, CopySourceIfModifiedSince=modified - hour)
    s3.copy_object(Bucket=bucket, Key="ok4", CopySource=src, CopySourceIfUnmodifiedSince=modified + hour)
    failing = [
        {"CopySourceIfMatch": '"different"'},
        {"CopySourceIfNoneMatch": etag},
        {"CopySourceIfModifiedSince": modified + hour},
        {"CopySourceIfUnmodifiedSince": modified - hour},
    ]
    for condition in failing:
        with pytest.raises(ClientError) as err:
            s3.copy_object(Bucket=bucket, Key="never", CopySource=src, **condition)
        assert http_status(err.value) == 412, condition
        assert error_code(err.value) == "PreconditionFailed", condition
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert "never" not in keys and {"ok1", "ok2", "ok3", "ok4"} <= keys


def test_copy_of_missing_source_is_no_such_key(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "missing"})
    assert error_code(err.value) == "NoSuchKey"
    assert http_status(err.value) == 404


def test_copy_sets_tagging_by_directive(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=bucket, Key="t-copy", CopySource={"Bucket": bucket, "Key": "t"})
    assert s3.get_object_tagging(Bucket=bucket, Key="t-copy")["TagSet"] == [{"Key": "a", "Value": "1"}]
    s3.copy_object(Bucket=bucket, Key="t-replaced", CopySource={"Bucket": bucket, "Key": "t"},
                   TaggingDirective="REPLACE", Tagging="b=2")
    assert s3.get_object_tagging(Bucket=bucket, Key="t-replaced")["TagSet"] == [{"Key": "b", "Value": "2"}]


# --- DeleteObjects --------------------------------------------------------------------------------

def test_delete_objects_reports_each_deleted_key(s3, bucket):
    keys = [f"d/{i}" for i in range(5)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys + ["d/missing"]]})
    # deleting a missing key counts as deleted
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys + ["d/missing"])
    assert "Errors" not in resp
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_quiet_reports_only_errors(s3, bucket):
    for k in ("q1", "q2"):
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "q1"}, {"Key": "q2"}], "Quiet": True})
    assert "Deleted" not in resp and "Errors" not in resp
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_keeps_keys_that_are_only_whitespace(s3, bucket):
    keys = [" ", "  ", "\t", " padded "]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys)
    assert "Errors" not in resp
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_boolean_headers_in_pythons_spelling_are_read_as_aws_reads_them(s3, bucket):
    # Debian's botocore (1.29) writes boolean headers as "True"; AWS reads them in any case.
    sent = {}
    s3.meta.events.register("before-send.s3.DeleteObjects",
                            lambda request, **_: sent.update(request.headers.items()))
    s3.put_object(Bucket=bucket, Key="g1", Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "g1"}]}, BypassGovernanceRetention=True)
    assert [d["Key"] for d in resp["Deleted"]] == ["g1"]
    header = sent.get("x-amz-bypass-governance-retention")
    assert (header.decode() if isinstance(header, bytes) else header).lower() == "true"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_per_key_errors(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="good", Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "good"}, {"Key": "bad-version", "VersionId": "not-a-real-version-id"}]})
    assert [d["Key"] for d in resp["Deleted"]] == ["good"]
    assert resp["Deleted"][0]["DeleteMarker"] is True
    assert [e["Key"] for e in resp["Errors"]] == ["bad-version"]
    assert resp["Errors"][0]["Code"] in ("NoSuchVersion", "InvalidArgument")
    assert resp["Errors"][0]["Message"]


def test_delete_objects_with_keys_needing_xml_escaping(s3, bucket):
    keys = ["a&b", "c<d>", "e'f\"g", "日本/語"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert sorted(d["Key"] for d in resp["Deleted"]) == sorted(keys)


def test_delete_objects_over_1000_keys_is_malformed(s3, bucket):
    with pytest.raises(ClientError) as err:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]})
    assert error_code(err.value) == "MalformedXML"


def test_delete_objects_requires_content_md5_or_checksum(raw, bucket):
    body = b'<Delete><Object><Key>x</Key></Object></Delete>'
    resp = raw.post(f"/{bucket}?delete", body)
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] in ("InvalidRequest", "MissingContentMD5")
    ok = raw.post(f"/{bucket}?delete", body, headers={"Content-MD5": md5_b64(body)})
    assert ok.status_code == 200, ok.text
    assert xml_findall(ok.content, "Key") == ["x"]
