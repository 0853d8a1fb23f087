"""Versioning: enable/suspend, version ids, delete markers, ListObjectVersions, GET/HEAD/DELETE by
versionId, and the `null` version while unversioned or suspended."""

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def test_new_bucket_has_no_versioning_status(s3, bucket):
    resp = s3.get_bucket_versioning(Bucket=bucket)
    assert "Status" not in resp and "MFADelete" not in resp


def test_enable_and_suspend_are_reported(s3, versioned):
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=versioned)["Status"] == "Suspended"


def test_invalid_versioning_status_is_malformed_xml(raw, bucket):
    body = b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Sometimes</Status></VersioningConfiguration>'
    resp = raw.put(f"/{bucket}?versioning", body)
    assert resp.status_code == 400
    assert xml_error(resp)["Code"] == "MalformedXML"


def test_each_put_creates_a_version_readable_by_id(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    assert v1 and v2 and v1 != v2 and v1 != "null"
    latest = s3.get_object(Bucket=versioned, Key="k")
    assert latest["Body"].read() == b"two" and latest["VersionId"] == v2
    old = s3.get_object(Bucket=versioned, Key="k", VersionId=v1)
    assert old["Body"].read() == b"one" and old["VersionId"] == v1
    assert s3.head_object(Bucket=versioned, Key="k", VersionId=v1)["ContentLength"] == 3
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(v2, True), (v1, False)]  # newest first


def test_delete_without_version_creates_a_delete_marker(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    resp = s3.delete_object(Bucket=versioned, Key="k")
    assert resp["DeleteMarker"] is True
    marker = resp["VersionId"]
    assert marker and marker != v1
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=versioned, Key="k")
    assert error_code(err.value) == "NoSuchKey"
    headers = err.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers.get("x-amz-delete-marker") == "true"
    assert headers.get("x-amz-version-id") == marker
    assert s3.list_objects_v2(Bucket=versioned)["KeyCount"] == 0
    listing = s3.list_object_versions(Bucket=versioned)
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(marker, True)]
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [(v1, False)]
    # the old version is still readable by id
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=v1)["Body"].read() == b"one"


def test_get_of_a_delete_marker_version_is_method_not_allowed(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    assert http_status(err.value) == 405
    assert error_code(err.value) == "MethodNotAllowed"


def test_deleting_the_delete_marker_restores_the_object(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"back")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    resp = s3.delete_object(Bucket=versioned, Key="k", VersionId=marker)
    assert resp["DeleteMarker"] is True and resp["VersionId"] == marker
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"back"


def test_delete_by_version_id_removes_that_version_permanently(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    resp = s3.delete_object(Bucket=versioned, Key="k", VersionId=v2)
    assert resp["VersionId"] == v2 and "DeleteMarker" not in resp
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"one"  # v1 is latest again
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(v1, True)]
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=versioned, Key="k", VersionId=v2)
    assert error_code(err.value) in ("NoSuchVersion", "InvalidArgument")


def test_unknown_version_id_is_no_such_version(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"one")
    with pytest.raises(ClientError) as err:
        s3.get_object(Bucket=versioned, Key="k", VersionId="3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY")
    assert error_code(err.value) in ("NoSuchVersion", "InvalidArgument")
    assert http_status(err.value) in (400, 404)


def test_objects_from_before_versioning_have_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"pre")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"post")["VersionId"]
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [v["VersionId"] for v in versions] == [v2, "null"]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"pre"


def test_suspended_bucket_writes_and_overwrites_the_null_version(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    r1 = s3.put_object(Bucket=versioned, Key="k", Body=b"null one")
    assert r1.get("VersionId", "null") == "null"
    s3.put_object(Bucket=versioned, Key="k", Body=b"null two")
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (v1, False)]
    assert s3.get_object(Bucket=versioned, Key="k", VersionId="null")["Body"].read() == b"null two"
    # a delete while suspended puts a null delete marker in place of the null version
    resp = s3.delete_object(Bucket=versioned, Key="k")
    assert resp["DeleteMarker"] is True and resp.get("VersionId", "null") == "null"
    listing = s3.list_object_versions(Bucket=versioned)
    assert [v["VersionId"] for v in listing.get("Versions", [])] == [v1]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == ["null"]


def test_list_object_versions_prefix_delimiter_and_pagination(s3, versioned):
    ids = {}
    for key in ("a/1", "a/2", "b"):
        ids[key] = [s3.put_object(Bucket=versioned, Key=key, Body=str(i).encode())["VersionId"] for i in range(2)]
    resp = s3.list_object_versions(Bucket=versioned, Prefix="a/")
    assert [(v["Key"], v["VersionId"]) for v in resp["Versions"]] == [
        ("a/1", ids["a/1"][1]), ("a/1", ids["a/1"][0]), ("a/2", ids["a/2"][1]), ("a/2", ids["a/2"][0])]
    resp = s3.list_object_versions(Bucket=versioned, Delimiter="/")
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["a/"]
    assert [v["Key"] for v in resp["Versions"]] == ["b", "b"]
    page = s3.list_object_versions(Bucket=versioned, MaxKeys=3)
    assert page["IsTruncated"] is True and len(page["Versions"]) == 3
    rest = s3.list_object_versions(Bucket=versioned, KeyMarker=page["NextKeyMarker"],
                                   VersionIdMarker=page["NextVersionIdMarker"])
    got = [(v["Key"], v["VersionId"]) for v in page["Versions"] + rest["Versions"]]
    assert len(got) == 6 and len(set(got)) == 6


def test_copy_from_a_specific_version(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="src", Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key="src", Body=b"second")
    resp = s3.copy_object(Bucket=versioned, Key="dst", CopySource={"Bucket": versioned, "Key": "src", "VersionId": v1})
    assert resp["CopySourceVersionId"] == v1
    assert resp["VersionId"]
    assert s3.get_object(Bucket=versioned, Key="dst")["Body"].read() == b"first"


def test_delete_objects_with_version_ids(s3, versioned):
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=versioned, Key="k", Body=b"2")["VersionId"]
    resp = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "k", "VersionId": v1},
                                                                   {"Key": "k", "VersionId": v2}]})
    assert sorted(d["VersionId"] for d in resp["Deleted"]) == sorted([v1, v2])
    assert "Versions" not in s3.list_object_versions(Bucket=versioned)
