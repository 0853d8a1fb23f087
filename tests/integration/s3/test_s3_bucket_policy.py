"""Bucket policies enforced on a private `--auth verify --credentials` server (two accounts):
explicit Deny, cross-account Allow, anonymous reads through Principal "*", conditions (s3:prefix,
aws:SourceIp, s3:x-amz-acl), and MalformedPolicy; plus the shared (`--auth off`) server, where
policies are stored but not enforced."""

import json
import subprocess
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError

from s3_support import *  # noqa: F401,F403

OWNER, OWNER_KEY, OWNER_SECRET = "111111111111", "AKIAPOLICYOWNER00001", "owner/secret"
OTHER, OTHER_KEY, OTHER_SECRET = "222222222222", "AKIAPOLICYOTHER00002", "other/secret"
BUCKET = "policy-bucket"


@pytest.fixture
def verify_server(server_factory, tmp_path):
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps({"credentials": [
        {"access_key_id": OWNER_KEY, "secret_access_key": OWNER_SECRET, "account_id": OWNER},
        {"access_key_id": OTHER_KEY, "secret_access_key": OTHER_SECRET, "account_id": OTHER}]}))
    return server_factory(extra_args=["--auth", "verify", "--credentials", str(creds)])


@pytest.fixture
def owner(verify_server):
    client = make_s3(verify_server.endpoint, access_key=OWNER_KEY, secret_key=OWNER_SECRET)
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="shared/report.txt", Body=b"report")
    client.put_object(Bucket=BUCKET, Key="private/secret.txt", Body=b"secret")
    return client


@pytest.fixture
def other(verify_server):
    return make_s3(verify_server.endpoint, access_key=OTHER_KEY, secret_key=OTHER_SECRET)


def put_policy(client, *statements, bucket=BUCKET):
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def denied(call, **kwargs):
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    assert error_code(err.value) in ("AccessDenied", "403"), err.value.response
    assert http_status(err.value) == 403
    return err.value


def test_explicit_deny_stops_the_owner_but_never_from_managing_the_policy(owner, verify_server):
    put_policy(owner, {"Sid": "KeepReports", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/shared/*"})
    err = denied(owner.delete_object, Bucket=BUCKET, Key="shared/report.txt")
    assert err.response["Error"]["Message"] == "Access Denied"
    owner.delete_object(Bucket=BUCKET, Key="private/secret.txt")  # outside the denied resource
    assert owner.get_object(Bucket=BUCKET, Key="shared/report.txt")["Body"].read() == b"report"
    # the AWS CLI sees the same AccessDenied
    env = cli_env(access_key=OWNER_KEY, secret_key=OWNER_SECRET)
    proc = subprocess.run([AWS_CLI, "--endpoint-url", verify_server.endpoint, "s3api", "delete-object",
                           "--bucket", BUCKET, "--key", "shared/report.txt"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0 and "AccessDenied" in proc.stderr, proc.stderr
    # a Deny on everything still leaves the owner able to read and remove the policy
    put_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]})
    denied(owner.list_objects_v2, Bucket=BUCKET)
    assert "Deny" in owner.get_bucket_policy(Bucket=BUCKET)["Policy"]
    owner.delete_bucket_policy(Bucket=BUCKET)
    assert owner.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_other_accounts_need_an_explicit_allow(owner, other):
    denied(other.get_object, Bucket=BUCKET, Key="shared/report.txt")
    denied(other.list_objects_v2, Bucket=BUCKET)
    put_policy(owner, {"Sid": "PartnerRead", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                       "Action": ["s3:GetObject", "s3:ListBucket"],
                       "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]})
    assert other.get_object(Bucket=BUCKET, Key="shared/report.txt")["Body"].read() == b"report"
    assert other.head_object(Bucket=BUCKET, Key="shared/report.txt")["ContentLength"] == 6
    keys = [o["Key"] for o in other.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == ["private/secret.txt", "shared/report.txt"]
    denied(other.put_object, Bucket=BUCKET, Key="shared/new.txt", Body=b"x")
    denied(other.delete_object, Bucket=BUCKET, Key="shared/report.txt")
    denied(other.get_bucket_policy, Bucket=BUCKET)
    # an explicit Deny for the partner wins over its Allow
    put_policy(owner,
               {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:*", "Resource": f"arn:aws:s3:::{BUCKET}/*"},
               {"Effect": "Deny", "Principal": {"AWS": [OTHER]}, "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/private/*"})
    other.put_object(Bucket=BUCKET, Key="shared/from-partner.txt", Body=b"hi")
    assert owner.get_object(Bucket=BUCKET, Key="shared/from-partner.txt")["Body"].read() == b"hi"
    denied(other.get_object, Bucket=BUCKET, Key="private/secret.txt")
    # only the owner manages the policy: another account allowed to is told MethodNotAllowed
    put_policy(owner, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetBucketPolicy",
                       "Resource": f"arn:aws:s3:::{BUCKET}"})
    with pytest.raises(ClientError) as err:
        other.get_bucket_policy(Bucket=BUCKET)
    assert error_code(err.value) == "MethodNotAllowed" and http_status(err.value) == 405


def test_batch_delete_reports_refused_keys_one_by_one(owner):
    owner.put_object(Bucket=BUCKET, Key="shared/tmp.txt", Body=b"t")
    put_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/shared/report.txt"})
    answer = owner.delete_objects(Bucket=BUCKET, Delete={"Objects": [
        {"Key": "shared/report.txt"}, {"Key": "shared/tmp.txt"}, {"Key": "private/secret.txt"}]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["private/secret.txt", "shared/tmp.txt"]
    assert [(e["Key"], e["Code"]) for e in answer["Errors"]] == [("shared/report.txt", "AccessDenied")]
    assert [o["Key"] for o in owner.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["shared/report.txt"]


def test_copy_from_another_accounts_bucket_needs_read_on_the_source(owner, other):
    other.create_bucket(Bucket="partner-bucket")
    denied(other.copy_object, Bucket="partner-bucket", Key="copy.txt",
           CopySource={"Bucket": BUCKET, "Key": "shared/report.txt"})
    put_policy(owner, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/shared/*"})
    other.copy_object(Bucket="partner-bucket", Key="copy.txt", CopySource={"Bucket": BUCKET, "Key": "shared/report.txt"})
    assert other.get_object(Bucket="partner-bucket", Key="copy.txt")["Body"].read() == b"report"


def test_anonymous_reads_need_a_policy_for_everyone(owner, verify_server):
    url = f"{verify_server.endpoint}/{BUCKET}/shared/report.txt"
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 403 and xml_error(resp)["Code"] == "AccessDenied"
    put_policy(owner, {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/shared/*"})
    resp = requests.get(url, timeout=10)
    assert resp.status_code == 200 and resp.content == b"report"
    assert requests.head(url, timeout=10).status_code == 200
    assert requests.get(f"{verify_server.endpoint}/{BUCKET}/private/secret.txt", timeout=10).status_code == 403
    assert requests.get(f"{verify_server.endpoint}/{BUCKET}", timeout=10).status_code == 403  # no ListBucket
    assert requests.put(f"{verify_server.endpoint}/{BUCKET}/shared/x", data=b"x", timeout=10).status_code == 403
    assert requests.get(verify_server.endpoint + "/", timeout=10).status_code == 403  # ListBuckets
    missing = requests.get(f"{verify_server.endpoint}/no-such-bucket-here/k", timeout=10)
    assert missing.status_code == 404 and xml_error(missing)["Code"] == "NoSuchBucket"
    assert owner.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"]["IsPublic"] is True


def test_post_uploads_are_checked_against_the_bucket_policy(owner, other, verify_server):
    def post(fields: dict, key: str):
        return requests.post(f"{verify_server.endpoint}/{BUCKET}", data={"key": key, **fields},
                             files={"file": ("f.txt", b"posted")}, timeout=10)

    signed_by_other = other.generate_presigned_post(BUCKET, "inbox/${filename}", ExpiresIn=300)
    resp = requests.post(signed_by_other["url"], data=signed_by_other["fields"], files={"file": ("a.txt", b"x")},
                         timeout=10)
    assert resp.status_code == 403 and xml_error(resp)["Code"] == "AccessDenied"
    assert post({}, "inbox/anonymous.txt").status_code == 403
    put_policy(owner,
               {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/inbox/*"},
               {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/public-drop/*"})
    resp = requests.post(signed_by_other["url"], data=signed_by_other["fields"], files={"file": ("a.txt", b"x")},
                         timeout=10)
    assert resp.status_code == 204, resp.text
    assert owner.get_object(Bucket=BUCKET, Key="inbox/a.txt")["Body"].read() == b"x"
    assert post({}, "inbox/anonymous.txt").status_code == 403
    assert post({}, "public-drop/anonymous.txt").status_code == 204
    assert owner.get_object(Bucket=BUCKET, Key="public-drop/anonymous.txt")["Body"].read() == b"posted"
    signed_by_owner = owner.generate_presigned_post(BUCKET, "private/${filename}", ExpiresIn=300)
    resp = requests.post(signed_by_owner["url"], data=signed_by_owner["fields"], files={"file": ("o.txt", b"o")},
                         timeout=10)
    assert resp.status_code == 204, resp.text


def test_existing_object_tags_decide_reads_but_never_overwrites(owner, other):
    owner.put_object(Bucket=BUCKET, Key="tagged/prod.txt", Body=b"prod", Tagging="env=prod")
    owner.put_object(Bucket=BUCKET, Key="tagged/dev.txt", Body=b"dev", Tagging="env=dev")
    put_policy(owner, {"Effect": "Allow", "Principal": {"AWS": OTHER},
                       "Action": ["s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"],
                       "Resource": f"arn:aws:s3:::{BUCKET}/tagged/*",
                       "Condition": {"StringEquals": {"s3:ExistingObjectTag/env": "prod"}}})
    assert other.get_object(Bucket=BUCKET, Key="tagged/prod.txt")["Body"].read() == b"prod"
    assert other.get_object_tagging(Bucket=BUCKET, Key="tagged/prod.txt")["TagSet"] == [{"Key": "env", "Value": "prod"}]
    denied(other.get_object, Bucket=BUCKET, Key="tagged/dev.txt")
    denied(other.head_object, Bucket=BUCKET, Key="tagged/dev.txt")
    # PutObject never sees existing tags: the condition's key is absent, so the Allow does not apply
    denied(other.put_object, Bucket=BUCKET, Key="tagged/prod.txt", Body=b"overwrite")
    owner.put_object_tagging(Bucket=BUCKET, Key="tagged/dev.txt", Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]})
    assert other.get_object(Bucket=BUCKET, Key="tagged/dev.txt")["Body"].read() == b"dev"


def test_website_serves_only_what_the_policy_makes_public(owner, verify_server):
    owner.put_object(Bucket=BUCKET, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    owner.put_bucket_website(Bucket=BUCKET, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    site = {"Host": f"{BUCKET}.s3-website.us-east-1.localhost.localstack.cloud:{verify_server.port}"}
    resp = requests.get(verify_server.endpoint + "/", headers=site, timeout=10)
    assert resp.status_code == 403 and "AccessDenied" in resp.text
    put_policy(owner, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": [f"arn:aws:s3:::{BUCKET}/index.html", f"arn:aws:s3:::{BUCKET}/shared/*"]})
    resp = requests.get(verify_server.endpoint + "/", headers=site, timeout=10)
    assert resp.status_code == 200 and resp.content == b"<h1>home</h1>"
    assert requests.get(verify_server.endpoint + "/shared/report.txt", headers=site, timeout=10).content == b"report"
    assert requests.get(verify_server.endpoint + "/private/secret.txt", headers=site, timeout=10).status_code == 403


def test_prefix_condition_limits_what_another_account_may_list(owner, other):
    put_policy(owner, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:ListBucket",
                       "Resource": f"arn:aws:s3:::{BUCKET}", "Condition": {"StringLike": {"s3:prefix": "shared/*"}}})
    listing = other.list_objects_v2(Bucket=BUCKET, Prefix="shared/")
    assert [o["Key"] for o in listing["Contents"]] == ["shared/report.txt"]
    denied(other.list_objects_v2, Bucket=BUCKET, Prefix="private/")
    denied(other.list_objects_v2, Bucket=BUCKET)  # no prefix: the condition does not hold


def test_source_ip_conditions(owner, other):
    put_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                       "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}}})
    assert owner.get_object(Bucket=BUCKET, Key="shared/report.txt")["Body"].read() == b"report"
    put_policy(owner, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*", "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}})
    denied(owner.get_object, Bucket=BUCKET, Key="shared/report.txt")
    put_policy(owner, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})
    denied(other.get_object, Bucket=BUCKET, Key="shared/report.txt")


def test_header_condition_requires_a_canned_acl_and_secure_transport_is_false(owner, other):
    put_policy(owner,
               {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{BUCKET}/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    denied(other.put_object, Bucket=BUCKET, Key="shared/up.txt", Body=b"x")
    other.put_object(Bucket=BUCKET, Key="shared/up.txt", Body=b"x", ACL="bucket-owner-full-control")
    denied(owner.delete_object, Bucket=BUCKET, Key="shared/up.txt")  # plain HTTP is never SecureTransport


@pytest.mark.parametrize("policy, message", [
    ("not json", "Policies must be valid JSON and the first byte must be '{'"),
    ({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*"}]},
     "Invalid effect"),
    ({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "nobody"}, "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::B/*"}]}, "Invalid principal in policy"),
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::B/*",
                     "Condition": {"StringEqualsish": {"s3:prefix": "a"}}}]}, "Invalid Condition type"),
    ({"Version": "2099-01-01", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                              "Resource": "arn:aws:s3:::B/*"}]}, "valid version"),
])
def test_malformed_policies_are_refused(s3, bucket, policy, message):
    text = policy if isinstance(policy, str) else json.dumps(policy).replace("arn:aws:s3:::B", f"arn:aws:s3:::{bucket}")
    with pytest.raises(ClientError) as err:
        s3.put_bucket_policy(Bucket=bucket, Policy=text)
    assert error_code(err.value) == "MalformedPolicy"
    assert http_status(err.value) == 400
    assert message in err.value.response["Error"]["Message"]


def test_policies_are_not_enforced_with_auth_off(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}/*"]}]}))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
