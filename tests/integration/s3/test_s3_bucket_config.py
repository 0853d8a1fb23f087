"""Bucket and object configuration: tagging, CORS (stored and enforced), bucket policy, lifecycle
expiration under an advanced clock, public-access block, ownership controls and website hosting."""

import json
import time

import pytest
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403


def expect_error(call, code, status=None):
    with pytest.raises(ClientError) as err:
        call()
    assert error_code(err.value) == code, err.value.response
    if status is not None:
        assert http_status(err.value) == status
    return err.value


# --- tagging --------------------------------------------------------------------------------------

def test_bucket_tagging_put_get_delete(s3, bucket):
    expect_error(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet", 404)
    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data lake"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert sorted(s3.get_bucket_tagging(Bucket=bucket)["TagSet"], key=lambda t: t["Key"]) == tags
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(lambda: s3.get_bucket_tagging(Bucket=bucket), "NoSuchTagSet")


def test_bucket_tagging_rejects_duplicate_keys(s3, bucket):
    expect_error(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
        {"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}), "InvalidTag", 400)


def test_object_tagging_on_put_get_and_replace(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="project=nimbus&stage=a%20b")
    got = s3.get_object(Bucket=bucket, Key="t")
    assert got["TagCount"] == 2
    assert sorted(s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"], key=lambda t: t["Key"]) == [
        {"Key": "project", "Value": "nimbus"}, {"Key": "stage", "Value": "a b"}]
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "only", "Value": "one"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="t")


def test_object_tagging_limit_is_ten(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    expect_error(lambda: s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [
        {"Key": f"k{i}", "Value": "v"} for i in range(11)]}), "BadRequest", 400)


def test_object_tagging_of_missing_key_is_no_such_key(s3, bucket):
    expect_error(lambda: s3.get_object_tagging(Bucket=bucket, Key="nope"), "NoSuchKey", 404)


# --- CORS -----------------------------------------------------------------------------------------

CORS = {"CORSRules": [
    {"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["content-type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]}


def test_cors_configuration_round_trip_and_delete(s3, bucket):
    expect_error(lambda: s3.get_bucket_cors(Bucket=bucket), "NoSuchCORSConfiguration", 404)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rules[0]["AllowedOrigins"] == ["https://app.example.com"]
    assert rules[0]["AllowedMethods"] == ["GET", "PUT"]
    assert rules[0]["MaxAgeSeconds"] == 600
    assert rules[1]["AllowedOrigins"] == ["*"]
    s3.delete_bucket_cors(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_cors(Bucket=bucket), "NoSuchCORSConfiguration")


def test_acls_declare_the_xsi_namespace_so_clients_can_parse_the_grantee_type(raw, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    for acl in (s3.get_bucket_acl(Bucket=bucket), s3.get_object_acl(Bucket=bucket, Key="k")):
        [grant] = acl["Grants"]
        assert grant["Permission"] == "FULL_CONTROL"
        assert grant["Grantee"]["Type"] == "CanonicalUser"
        assert grant["Grantee"]["ID"] == acl["Owner"]["ID"]
    body = raw.request("GET", f"/{bucket}?acl").content
    assert b'<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">' in body


def test_cors_preflight_allowed(raw, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    resp = raw.options(f"/{bucket}/some/key", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type, X-Amz-Date"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "PUT" in resp.headers["Access-Control-Allow-Methods"]
    allowed_headers = resp.headers["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed_headers and "x-amz-date" in allowed_headers
    assert resp.headers["Access-Control-Max-Age"] == "600"
    assert "etag" in resp.headers.get("Access-Control-Expose-Headers", "").lower()


def test_cors_preflight_wildcard_origin(raw, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    resp = raw.options(f"/{bucket}/k", headers={"Origin": "https://elsewhere.test",
                                               "Access-Control-Request-Method": "GET"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("origin,method", [
    ("https://elsewhere.test", "PUT"),         # origin only allowed for GET
    ("https://app.example.com", "DELETE"),     # method not allowed
])
def test_cors_preflight_refused_is_403(raw, s3, bucket, origin, method):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    resp = raw.options(f"/{bucket}/k", headers={"Origin": origin, "Access-Control-Request-Method": method})
    assert resp.status_code == 403
    assert xml_error(resp)["Code"] == "AccessForbidden"
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_cors_preflight_without_configuration_is_403(raw, bucket):
    resp = raw.options(f"/{bucket}/k", headers={"Origin": "https://a.test", "Access-Control-Request-Method": "GET"})
    assert resp.status_code == 403


def test_cors_headers_on_actual_get(raw, s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    resp = raw.get(f"/{bucket}/k", headers={"Origin": "https://app.example.com"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "etag" in resp.headers.get("Access-Control-Expose-Headers", "").lower()
    plain = raw.get(f"/{bucket}/k")
    assert "Access-Control-Allow-Origin" not in plain.headers


# --- policy ---------------------------------------------------------------------------------------

def test_bucket_policy_stored_and_returned(s3, bucket):
    expect_error(lambda: s3.get_bucket_policy(Bucket=bucket), "NoSuchBucketPolicy", 404)
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    assert s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    s3.delete_bucket_policy(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_policy(Bucket=bucket), "NoSuchBucketPolicy")


def test_invalid_policy_document_is_malformed_policy(s3, bucket):
    expect_error(lambda: s3.put_bucket_policy(Bucket=bucket, Policy="{not json"), "MalformedPolicy", 400)


# --- lifecycle ------------------------------------------------------------------------------------

def test_lifecycle_configuration_round_trip(s3, bucket):
    expect_error(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket), "NoSuchLifecycleConfiguration", 404)
    rules = [{"ID": "expire-tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
             {"ID": "abort-mpu", "Filter": {}, "Status": "Enabled",
              "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in got] == ["expire-tmp", "abort-mpu"]
    assert got[0]["Expiration"]["Days"] == 1 and got[0]["Filter"]["Prefix"] == "tmp/"
    s3.delete_bucket_lifecycle(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket), "NoSuchLifecycleConfiguration")


def wait_until(predicate, timeout=15.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def test_lifecycle_expiration_removes_matching_objects_when_the_clock_advances(s3, bucket, nimbus):
    for key in ("tmp/a", "tmp/b", "keep/c", "tmpx"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
        {"ID": "disabled", "Filter": {"Prefix": "keep/"}, "Status": "Disabled", "Expiration": {"Days": 1}}]})
    keys = lambda: sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))  # noqa: E731
    time.sleep(0.5)
    assert keys() == ["keep/c", "tmp/a", "tmp/b", "tmpx"]  # nothing expires before its time
    nimbus.advance_clock(3 * 86400)
    assert wait_until(lambda: keys() == ["keep/c", "tmpx"]), keys()


def expected_expiration(last_modified, days, rule_id):
    """AWS's x-amz-expiration: modification + Days, rounded up to the next midnight UTC."""
    import datetime
    midnight = (last_modified + datetime.timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    due = midnight + datetime.timedelta(days=1)
    return f'expiry-date="{due.strftime("%a, %d %b %Y %H:%M:%S GMT")}", rule-id="{rule_id}"'


def test_objects_under_an_expiration_rule_announce_it_in_x_amz_expiration(s3, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    header = s3.head_object(Bucket=bucket, Key="tmp/a")["ResponseMetadata"]["HTTPHeaders"].get("x-amz-expiration", "")
    assert 'rule-id="tmp"' in header and "expiry-date=" in header, header
    assert "x-amz-expiration" not in s3.head_object(Bucket=bucket, Key="other")["ResponseMetadata"]["HTTPHeaders"]


def test_x_amz_expiration_on_put_copy_complete_get_and_head(s3, bucket, aws_s3):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "picture-deletion-rule", "Filter": {"Prefix": "pics/"}, "Status": "Enabled", "Expiration": {"Days": 30}},
        {"ID": "short rule", "Filter": {"And": {"Prefix": "pics/tmp/", "Tags": [{"Key": "t", "Value": "1"}]}},
         "Status": "Enabled", "Expiration": {"Days": 2}},
        {"ID": "dated", "Filter": {"Prefix": "dated/"}, "Status": "Enabled",
         "Expiration": {"Date": "2031-01-01T00:00:00Z"}}]})
    put = s3.put_object(Bucket=bucket, Key="pics/cat.jpg", Body=b"meow")
    head = s3.head_object(Bucket=bucket, Key="pics/cat.jpg")
    expected = expected_expiration(head["LastModified"], 30, "picture-deletion-rule")
    assert put["Expiration"] == expected
    assert head["Expiration"] == expected
    assert s3.get_object(Bucket=bucket, Key="pics/cat.jpg")["Expiration"] == expected
    copied = s3.copy_object(Bucket=bucket, Key="pics/copy.jpg", CopySource={"Bucket": bucket, "Key": "pics/cat.jpg"})
    assert copied["Expiration"] == expected_expiration(
        s3.head_object(Bucket=bucket, Key="pics/copy.jpg")["LastModified"], 30, "picture-deletion-rule")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="pics/big.bin")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="pics/big.bin", UploadId=upload, PartNumber=1, Body=b"x" * 10)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="pics/big.bin", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert done["Expiration"].endswith('rule-id="picture-deletion-rule"')
    # the earliest of several matching rules wins; rule ids are URL-encoded; tag filters apply
    s3.put_object(Bucket=bucket, Key="pics/tmp/a", Body=b"x", Tagging="t=1")
    head = s3.head_object(Bucket=bucket, Key="pics/tmp/a")
    assert head["Expiration"] == expected_expiration(head["LastModified"], 2, "short%20rule")
    s3.put_object(Bucket=bucket, Key="dated/a", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="dated/a")["Expiration"] == \
        'expiry-date="Wed, 01 Jan 2031 00:00:00 GMT", rule-id="dated"'
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert "Expiration" not in s3.get_object(Bucket=bucket, Key="plain")
    # the AWS CLI shows it too
    shown = json.loads(aws_s3("s3api", "head-object", "--bucket", bucket, "--key", "pics/cat.jpg").stdout)
    assert shown["Expiration"] == expected


def test_lifecycle_expiration_by_tag_filter(s3, bucket, nimbus):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="expire=yes")
    s3.put_object(Bucket=bucket, Key="untagged", Body=b"x")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "by-tag", "Filter": {"Tag": {"Key": "expire", "Value": "yes"}}, "Status": "Enabled",
         "Expiration": {"Days": 2}}]})
    nimbus.advance_clock(3 * 86400)
    keys = lambda: [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]  # noqa: E731
    assert wait_until(lambda: keys() == ["untagged"]), keys()


def test_lifecycle_expiration_in_a_versioned_bucket_adds_a_delete_marker(s3, bucket, nimbus):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="old", Body=b"x")["VersionId"]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "all", "Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    nimbus.advance_clock(2 * 86400)
    assert wait_until(lambda: "DeleteMarkers" in s3.list_object_versions(Bucket=bucket))
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [v1]


# --- public access block and ownership controls -----------------------------------------------------

def test_new_bucket_blocks_public_access_by_default_and_block_can_be_replaced_and_deleted(s3, bucket):
    # AWS since April 2023: new buckets have all four Block Public Access settings on
    cfg = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert cfg == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                   "RestrictPublicBuckets": True}
    new = {"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
           "RestrictPublicBuckets": False}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=new)
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == new
    s3.delete_public_access_block(Bucket=bucket)
    expect_error(lambda: s3.get_public_access_block(Bucket=bucket), "NoSuchPublicAccessBlockConfiguration", 404)


def test_new_bucket_enforces_bucket_owner_and_ownership_can_be_changed_and_deleted(s3, bucket):
    # AWS since April 2023: new buckets default to BucketOwnerEnforced (ACLs disabled)
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerPreferred"}]
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_ownership_controls(Bucket=bucket), "OwnershipControlsNotFoundError", 404)


# --- website --------------------------------------------------------------------------------------

def website_get(raw, nimbus, bucket, path, **kw):
    return raw.request("GET", path, sign=False,
                       host=f"{bucket}.s3-website.us-east-1.localhost.localstack.cloud:{nimbus.port}", **kw)


@pytest.fixture
def site(s3, bucket):
    s3.put_object(Bucket=bucket, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="docs/index.html", Body=b"<h1>docs</h1>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="error.html", Body=b"<h1>oops</h1>", ContentType="text/html")
    s3.put_object(Bucket=bucket, Key="style.css", Body=b"body{}", ContentType="text/css")
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    return bucket


def test_website_configuration_round_trip(s3, bucket):
    expect_error(lambda: s3.get_bucket_website(Bucket=bucket), "NoSuchWebsiteConfiguration", 404)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    got = s3.get_bucket_website(Bucket=bucket)
    assert got["IndexDocument"] == {"Suffix": "index.html"}
    assert got["ErrorDocument"] == {"Key": "error.html"}
    s3.delete_bucket_website(Bucket=bucket)
    expect_error(lambda: s3.get_bucket_website(Bucket=bucket), "NoSuchWebsiteConfiguration")


def test_website_serves_index_documents(raw, nimbus, site):
    root = website_get(raw, nimbus, site, "/")
    assert root.status_code == 200 and root.content == b"<h1>home</h1>"
    assert root.headers["Content-Type"].startswith("text/html")
    docs = website_get(raw, nimbus, site, "/docs/")
    assert docs.status_code == 200 and docs.content == b"<h1>docs</h1>"
    css = website_get(raw, nimbus, site, "/style.css")
    assert css.status_code == 200 and css.content == b"body{}"


def test_website_redirects_folder_without_trailing_slash(raw, nimbus, site):
    resp = website_get(raw, nimbus, site, "/docs")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/docs/")


def test_website_missing_key_serves_error_document_with_404(raw, nimbus, site):
    resp = website_get(raw, nimbus, site, "/no/such/page.html")
    assert resp.status_code == 404
    assert resp.content == b"<h1>oops</h1>"


def test_website_endpoint_without_configuration_is_404_html(raw, nimbus, bucket):
    resp = website_get(raw, nimbus, bucket, "/")
    assert resp.status_code == 404
    assert "NoSuchWebsiteConfiguration" in resp.text
    assert resp.headers["Content-Type"].startswith("text/html")


def test_website_routing_rule_redirect(raw, nimbus, s3, bucket):
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={
        "IndexDocument": {"Suffix": "index.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"},
                          "Redirect": {"ReplaceKeyPrefixWith": "new/", "HttpRedirectCode": "301"}}]})
    resp = website_get(raw, nimbus, bucket, "/old/page.html")
    assert resp.status_code == 301
    assert resp.headers["Location"].endswith("/new/page.html")
