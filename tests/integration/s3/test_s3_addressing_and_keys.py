"""Path-style and virtual-hosted-style addressing, and keys that must round-trip byte for byte."""

import pytest

from s3_support import *  # noqa: F401,F403

ODD_KEYS = [
    "plain.txt",
    "dir/sub/file.json",
    "spaces in the name.txt",
    "plus+sign+key",
    "percent%20literal%2Fnot-decoded",
    "double//slash//key",
    "/leading-slash",
    "trailing-slash/",
    "dots/../not/./normalised",
    "..",
    "unicode/日本語/ファイル.txt",
    "emoji-😀-key",
    "accents/éàü",
    "query?like=key&x=1",
    "hash#fragment",
    "tilde~and'quote\"",
    "semi;colon:comma,equals=",
    "brackets[]{}()<>",
    "tab\tkey",
]


@pytest.mark.parametrize("key", ODD_KEYS)
def test_key_round_trips_exactly_through_put_get_head_list_delete(s3, bucket, key):
    body = f"body of {key}".encode()
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(body)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])] == [key]
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket).get("Contents", [])] == [key]
    s3.delete_object(Bucket=bucket, Key=key)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_similar_keys_stay_distinct(s3, bucket):
    keys = ["a b", "a+b", "a%20b", "a%2Bb", "a/b", "a//b", "a/./b", "a/../b"]
    for i, key in enumerate(keys):
        s3.put_object(Bucket=bucket, Key=key, Body=str(i).encode())
    for i, key in enumerate(keys):
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == str(i).encode(), key
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]) == sorted(keys)


def test_raw_path_percent_encoding_is_decoded_once_and_plus_is_literal(raw, s3, bucket):
    assert raw.put(f"/{bucket}/a%2Bb%20c%25d", b"x").status_code == 200
    assert raw.put(f"/{bucket}/p+q", b"y").status_code == 200
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["a+b c%d", "p+q"]


def test_virtual_hosted_style_boto3_with_localstack_style_endpoint(s3_factory, resolve_localhost, nimbus):
    vs3 = s3_factory(addressing="virtual", endpoint=f"http://s3.localhost.localstack.cloud:{nimbus.port}")
    name = new_bucket_name()
    vs3.create_bucket(Bucket=name)
    vs3.put_object(Bucket=name, Key="dir/file name+1.txt", Body=b"virtual")
    assert vs3.get_object(Bucket=name, Key="dir/file name+1.txt")["Body"].read() == b"virtual"
    assert [o["Key"] for o in vs3.list_objects_v2(Bucket=name)["Contents"]] == ["dir/file name+1.txt"]
    # the same object through path style
    path = s3_factory()
    assert path.get_object(Bucket=name, Key="dir/file name+1.txt")["Body"].read() == b"virtual"
    vs3.delete_object(Bucket=name, Key="dir/file name+1.txt")
    vs3.delete_bucket(Bucket=name)


def test_virtual_hosted_style_boto3_with_bucket_dot_localhost(s3_factory, resolve_localhost, nimbus):
    vs3 = s3_factory(addressing="virtual", endpoint=f"http://localhost:{nimbus.port}")
    name = new_bucket_name()
    vs3.create_bucket(Bucket=name)
    vs3.put_object(Bucket=name, Key="k", Body=b"v")
    assert s3_factory().get_object(Bucket=name, Key="k")["Body"].read() == b"v"


@pytest.mark.parametrize("host_pattern", [
    "{bucket}.s3.localhost.localstack.cloud:{port}",
    "{bucket}.s3.us-east-1.localhost.localstack.cloud:{port}",
    "{bucket}.localhost:{port}",
    "{bucket}.s3.amazonaws.com",
    "{bucket}.s3.us-east-1.amazonaws.com",
])
def test_virtual_hosted_style_raw_host_header(raw, s3, bucket, nimbus, host_pattern):
    host = host_pattern.format(bucket=bucket, port=nimbus.port)
    put = raw.put("/some%20key/x.txt", b"hello", host=host)
    assert put.status_code == 200, put.text
    assert s3.get_object(Bucket=bucket, Key="some key/x.txt")["Body"].read() == b"hello"
    got = raw.get("/some%20key/x.txt", host=host)
    assert got.status_code == 200 and got.content == b"hello"
    listing = raw.get("/?list-type=2", host=host)
    assert listing.status_code == 200
    assert xml_findall(listing.content, "Key") == ["some key/x.txt"]


def test_key_longer_than_1024_bytes_is_key_too_long(s3, bucket):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as err:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error_code(err.value) == "KeyTooLongError"
    assert http_status(err.value) == 400
    s3.put_object(Bucket=bucket, Key="é" * 512, Body=b"x")  # exactly 1024 UTF-8 bytes is fine
