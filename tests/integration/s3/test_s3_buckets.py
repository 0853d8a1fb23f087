"""Buckets through boto3: create with region rules, the shared namespace across accounts, names,
delete-only-when-empty, HeadBucket, ListBuckets and GetBucketLocation."""

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403


def test_create_bucket_in_us_east_1_without_location_is_listed_with_null_location(s3):
    name = new_bucket_name()
    resp = s3.create_bucket(Bucket=name)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert resp["Location"] == f"/{name}"
    assert name in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    # us-east-1 is reported as an empty LocationConstraint
    assert s3.get_bucket_location(Bucket=name).get("LocationConstraint") is None


def test_create_bucket_with_matching_location_constraint_reports_that_region(s3_factory):
    eu = s3_factory(region="eu-west-1")
    name = new_bucket_name()
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    head = eu.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"


def test_explicit_us_east_1_location_constraint_is_invalid(s3):
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket=new_bucket_name(), CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error_code(err.value) == "InvalidLocationConstraint"
    assert http_status(err.value) == 400


def test_location_constraint_other_than_the_endpoint_region_is_illegal(s3_factory):
    eu = s3_factory(region="eu-west-1")
    with pytest.raises(ClientError) as err:
        eu.create_bucket(Bucket=new_bucket_name(), CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert error_code(err.value) == "IllegalLocationConstraintException"
    assert http_status(err.value) == 400


def test_missing_location_constraint_outside_us_east_1_is_illegal(s3_factory):
    eu = s3_factory(region="eu-west-1")
    with pytest.raises(ClientError) as err:
        eu.create_bucket(Bucket=new_bucket_name())
    assert error_code(err.value) == "IllegalLocationConstraintException"


def test_unknown_location_constraint_is_invalid(s3_factory):
    client = s3_factory(region="eu-west-1")
    with pytest.raises(ClientError) as err:
        client.create_bucket(Bucket=new_bucket_name(), CreateBucketConfiguration={"LocationConstraint": "mars-1"})
    assert error_code(err.value) in ("InvalidLocationConstraint", "IllegalLocationConstraintException")
    assert http_status(err.value) == 400


def test_recreating_own_bucket_in_us_east_1_succeeds_as_a_no_op(s3, bucket):
    # AWS: "in the North Virginia Region, Amazon S3 returns 200 OK" for a bucket you already own.
    s3.put_object(Bucket=bucket, Key="kept", Body=b"x")
    s3.create_bucket(Bucket=bucket)
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"x"


def test_recreating_own_bucket_elsewhere_is_bucket_already_owned_by_you(s3_factory):
    eu = s3_factory(region="eu-west-1")
    name = new_bucket_name()
    cfg = {"LocationConstraint": "eu-west-1"}
    eu.create_bucket(Bucket=name, CreateBucketConfiguration=cfg)
    with pytest.raises(ClientError) as err:
        eu.create_bucket(Bucket=name, CreateBucketConfiguration=cfg)
    assert error_code(err.value) == "BucketAlreadyOwnedByYou"
    assert http_status(err.value) == 409


def test_bucket_names_are_global_across_accounts(s3_factory):
    alice = s3_factory(access_key="111111111111")
    bob = s3_factory(access_key="222222222222")
    name = new_bucket_name()
    alice.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as err:
        bob.create_bucket(Bucket=name)
    assert error_code(err.value) == "BucketAlreadyExists"
    assert http_status(err.value) == 409
    assert name in [b["Name"] for b in alice.list_buckets()["Buckets"]]
    assert name not in [b["Name"] for b in bob.list_buckets()["Buckets"]]


def test_list_buckets_shows_only_the_callers_buckets_with_owner_and_creation_date(s3_factory):
    alice = s3_factory(access_key="111111111111")
    names = sorted(new_bucket_name("a") for _ in range(3))
    for n in names:
        alice.create_bucket(Bucket=n)
    listed = alice.list_buckets()
    assert [b["Name"] for b in listed["Buckets"]] == names  # alphabetical
    assert all(b["CreationDate"] for b in listed["Buckets"])
    assert listed["Owner"]["ID"]


@pytest.mark.parametrize("name", [
    "ab",                       # too short
    "a" * 64,                   # too long
    "UpperCase",                # capitals
    "under_score",              # underscore
    "-leading-dash",
    "trailing-dash-",
    "double..dot",
    "192.168.5.4",              # IP address form
    "xn--punycode-prefix",      # reserved prefix
    "bucket-s3alias",           # reserved suffix
    "bucket--ol-s3",            # reserved suffix
])
def test_invalid_bucket_names_are_rejected(s3, name):
    with pytest.raises(ClientError) as err:
        s3.create_bucket(Bucket=name)
    assert error_code(err.value) == "InvalidBucketName"
    assert http_status(err.value) == 400


def test_delete_bucket_only_when_empty(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    with pytest.raises(ClientError) as err:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(err.value) == "BucketNotEmpty"
    assert http_status(err.value) == 409
    s3.delete_object(Bucket=bucket, Key="k")
    assert s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_multipart_uploads_in_progress_are_discarded_with_their_bucket(s3):
    name = new_bucket_name("uploads")
    s3.create_bucket(Bucket=name)
    upload = s3.create_multipart_upload(Bucket=name, Key="big")["UploadId"]
    s3.upload_part(Bucket=name, Key="big", UploadId=upload, PartNumber=1, Body=b"p" * 1024)
    assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    s3.create_bucket(Bucket=name)  # the same name again: nothing of the old uploads is left
    assert s3.list_multipart_uploads(Bucket=name).get("Uploads", []) == []
    with pytest.raises(ClientError) as err:
        s3.list_parts(Bucket=name, Key="big", UploadId=upload)
    assert error_code(err.value) == "NoSuchUpload"
    s3.delete_bucket(Bucket=name)


def test_bucket_with_old_versions_or_delete_markers_is_not_empty(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"1")
    s3.delete_object(Bucket=bucket, Key="k")  # leaves a version and a delete marker
    with pytest.raises(ClientError) as err:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(err.value) == "BucketNotEmpty"


def test_delete_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as err:
        s3.delete_bucket(Bucket=new_bucket_name("gone"))
    assert error_code(err.value) == "NoSuchBucket"
    assert http_status(err.value) == 404


def test_head_bucket_answers_200_or_404_without_body(s3, bucket):
    head = s3.head_bucket(Bucket=bucket)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    with pytest.raises(ClientError) as err:
        s3.head_bucket(Bucket=new_bucket_name("gone"))
    assert http_status(err.value) == 404
    assert error_code(err.value) == "404"  # a HEAD error has no body to name the code


def test_other_accounts_bucket_is_forbidden_not_missing(s3_factory):
    alice = s3_factory(access_key="111111111111")
    bob = s3_factory(access_key="222222222222")
    name = new_bucket_name()
    alice.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as err:
        bob.head_bucket(Bucket=name)
    assert http_status(err.value) == 403


def test_get_bucket_location_of_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as err:
        s3.get_bucket_location(Bucket=new_bucket_name("gone"))
    assert error_code(err.value) == "NoSuchBucket"


def test_list_buckets_paginates_with_max_buckets_and_filters_by_prefix(raw, s3):
    """ListBuckets' max-buckets / continuation-token / prefix (newer than boto3 1.26: raw HTTP)."""
    names = sorted([new_bucket_name("pg") for _ in range(3)] + [new_bucket_name("other")])
    for n in names:
        s3.create_bucket(Bucket=n)
    page = raw.get("/?max-buckets=2&prefix=pg-")
    assert page.status_code == 200, page.text
    first = xml_findall(page.content, "Name")
    token = xml_find(page.content, "ContinuationToken")
    assert first == [n for n in names if n.startswith("pg-")][:2]
    assert token
    page2 = raw.get(f"/?max-buckets=2&prefix=pg-&continuation-token={quote_key(token)}")
    assert xml_findall(page2.content, "Name") == [n for n in names if n.startswith("pg-")][2:]
    assert xml_find(page2.content, "ContinuationToken") is None
