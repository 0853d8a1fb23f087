"""Presigned GET/PUT URLs (boto3 and `aws s3 presign`) and browser POST-policy uploads, on the shared
server and on a private one with `--auth verify` where signatures, expiry and policies are enforced."""

import json
import time

import pytest
import requests

from s3_support import *  # noqa: F401,F403

ACCOUNT = "123456789012"
KEY_ID = "AKIAPRESIGNTEST00001"
SECRET = "presign/secret/key+value"


@pytest.fixture
def verify_server(server_factory, tmp_path):
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps({"credentials": [
        {"access_key_id": KEY_ID, "secret_access_key": SECRET, "account_id": ACCOUNT}]}))
    return server_factory(extra_args=["--auth", "verify", "--credentials", str(creds)])


@pytest.fixture
def vs3(verify_server):
    return make_s3(verify_server.endpoint, access_key=KEY_ID, secret_key=SECRET)


def test_presigned_get_and_put_on_the_shared_server(s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "p/up load.txt"}, ExpiresIn=300)
    assert requests.put(put_url, data=b"presigned body", timeout=10).status_code == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p/up load.txt"}, ExpiresIn=300)
    resp = requests.get(get_url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"presigned body"


def test_presigned_get_with_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={
        "Bucket": bucket, "Key": "o", "ResponseContentDisposition": "attachment; filename=x.bin"})
    resp = requests.get(url, timeout=10)
    assert resp.headers["Content-Disposition"] == "attachment; filename=x.bin"


def test_verify_mode_accepts_signed_sdk_calls_and_rejects_bad_signatures(verify_server, vs3):
    vs3.create_bucket(Bucket="verified")
    vs3.put_object(Bucket="verified", Key="k", Body=b"v")
    assert vs3.get_object(Bucket="verified", Key="k")["Body"].read() == b"v"
    wrong = make_s3(verify_server.endpoint, access_key=KEY_ID, secret_key="wrong-secret")
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as err:
        wrong.get_object(Bucket="verified", Key="k")
    assert error_code(err.value) == "SignatureDoesNotMatch"
    assert http_status(err.value) == 403
    unknown = make_s3(verify_server.endpoint, access_key="AKIAUNKNOWNKEY000000", secret_key="x")
    with pytest.raises(ClientError) as err:
        unknown.list_buckets()
    assert error_code(err.value) == "InvalidAccessKeyId"
    assert requests.get(f"{verify_server.endpoint}/verified/k", timeout=10).status_code == 403


def test_verify_mode_presigned_get_put_and_tampering(verify_server, vs3):
    vs3.create_bucket(Bucket="pre")
    put_url = vs3.generate_presigned_url("put_object", Params={"Bucket": "pre", "Key": "a b+c.txt"}, ExpiresIn=60)
    assert requests.put(put_url, data=b"signed upload", timeout=10).status_code == 200
    get_url = vs3.generate_presigned_url("get_object", Params={"Bucket": "pre", "Key": "a b+c.txt"}, ExpiresIn=60)
    resp = requests.get(get_url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"signed upload"
    # another key under the same signature
    tampered = get_url.replace("a%20b%2Bc.txt", "other.txt")
    assert tampered != get_url
    resp = requests.get(tampered, timeout=10)
    assert resp.status_code == 403
    assert xml_error(resp)["Code"] == "SignatureDoesNotMatch"


def test_verify_mode_presigned_url_expires(verify_server, vs3):
    vs3.create_bucket(Bucket="exp")
    vs3.put_object(Bucket="exp", Key="k", Body=b"v")
    url = vs3.generate_presigned_url("get_object", Params={"Bucket": "exp", "Key": "k"}, ExpiresIn=1)
    time.sleep(2.2)
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 403
    error = xml_error(resp)
    assert error["Code"] == "AccessDenied"
    assert "expired" in error["Message"].lower()


def test_cli_presign_url_works_in_verify_mode(verify_server, vs3, aws_s3):
    vs3.create_bucket(Bucket="clipre")
    vs3.put_object(Bucket="clipre", Key="dir/file.txt", Body=b"from cli presign")
    env = {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET}
    url = aws_s3("s3", "presign", "s3://clipre/dir/file.txt", "--expires-in", "120",
                 endpoint=verify_server.endpoint, env=env).stdout.strip()
    assert "X-Amz-Signature=" in url
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"from cli presign"


# --- POST policy uploads --------------------------------------------------------------------------

def post_form(post: dict, body: bytes, filename: str = "upload.bin", extra: dict | None = None):
    fields = dict(post["fields"])
    fields.update(extra or {})
    return requests.post(post["url"], data=fields, files={"file": (filename, body)}, timeout=30)


def test_post_policy_upload_on_the_shared_server(s3, bucket):
    post = s3.generate_presigned_post(bucket, "uploads/${filename}", ExpiresIn=300)
    resp = post_form(post, b"posted bytes", filename="photo.jpg")
    assert resp.status_code == 204, resp.text
    assert s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")["Body"].read() == b"posted bytes"


def test_post_policy_success_action_status_201_returns_xml(s3, bucket):
    post = s3.generate_presigned_post(bucket, "k201", Fields={"success_action_status": "201"},
                                      Conditions=[{"success_action_status": "201"}])
    resp = post_form(post, b"x")
    assert resp.status_code == 201, resp.text
    assert xml_find(resp.content, "Key") == "k201"
    assert xml_find(resp.content, "ETag") == etag_of(b"x")


def test_verify_mode_post_policy_upload_with_conditions(verify_server, vs3):
    vs3.create_bucket(Bucket="posts")
    post = vs3.generate_presigned_post(
        "posts", "user/${filename}", Fields={"Content-Type": "text/plain", "x-amz-meta-origin": "form"},
        Conditions=[["starts-with", "$key", "user/"], {"Content-Type": "text/plain"},
                    {"x-amz-meta-origin": "form"}, ["content-length-range", 1, 100]],
        ExpiresIn=300)
    resp = post_form(post, b"hello form", filename="note.txt")
    assert resp.status_code == 204, resp.text
    head = vs3.head_object(Bucket="posts", Key="user/note.txt")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"origin": "form"}

    too_big = post_form(post, b"x" * 101, filename="big.txt")
    assert too_big.status_code == 400
    assert xml_error(too_big)["Code"] == "EntityTooLarge"

    wrong_prefix = post_form(post, b"x", extra={"key": "elsewhere/x"})
    assert wrong_prefix.status_code == 403
    assert xml_error(wrong_prefix)["Code"] == "AccessDenied"

    forged = post_form(post, b"x", extra={"x-amz-signature": "0" * 64})
    assert forged.status_code == 403
    assert xml_error(forged)["Code"] == "SignatureDoesNotMatch"
    keys = [o["Key"] for o in vs3.list_objects_v2(Bucket="posts")["Contents"]]
    assert keys == ["user/note.txt"]


def test_verify_mode_expired_post_policy_is_rejected(verify_server, vs3):
    vs3.create_bucket(Bucket="late")
    post = vs3.generate_presigned_post("late", "k", ExpiresIn=1)
    time.sleep(2.2)
    resp = post_form(post, b"x")
    assert resp.status_code == 403
    assert xml_error(resp)["Code"] == "AccessDenied"
