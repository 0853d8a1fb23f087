"""ListObjectsV2 and ListObjects: prefix, delimiter, max-keys, continuation, start-after, markers,
encoding-type=url, fetch-owner, and UTF-8 binary key order."""

from urllib.parse import unquote

import pytest

from s3_support import *  # noqa: F401,F403

KEYS = [
    "a.txt",
    "photos/2023/jan/1.jpg",
    "photos/2023/jan/2.jpg",
    "photos/2023/feb/1.jpg",
    "photos/2024/mar/1.jpg",
    "photos/index.html",
    "videos/x.mp4",
    "z.txt",
]


@pytest.fixture
def listed(s3, bucket):
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def test_v2_lists_everything_in_order_with_sizes_and_etags(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed)
    assert [o["Key"] for o in resp["Contents"]] == sorted(KEYS)
    assert resp["KeyCount"] == len(KEYS)
    assert resp["IsTruncated"] is False
    assert resp["MaxKeys"] == 1000
    for o in resp["Contents"]:
        assert o["Size"] == len(o["Key"])
        assert o["ETag"] == etag_of(o["Key"].encode())
        assert o["StorageClass"] == "STANDARD"
        assert "Owner" not in o  # only with fetch-owner


def test_v2_fetch_owner(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed, FetchOwner=True)
    assert all(o["Owner"]["ID"] for o in resp["Contents"])


def test_v1_always_includes_owner(s3, listed):
    resp = s3.list_objects(Bucket=listed)
    assert all(o["Owner"]["ID"] for o in resp["Contents"])


def test_prefix_and_delimiter_group_common_prefixes(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed, Delimiter="/")
    assert [o["Key"] for o in resp["Contents"]] == ["a.txt", "z.txt"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["photos/", "videos/"]
    assert resp["KeyCount"] == 4  # keys + common prefixes

    resp = s3.list_objects_v2(Bucket=listed, Prefix="photos/", Delimiter="/")
    assert [o["Key"] for o in resp["Contents"]] == ["photos/index.html"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["photos/2023/", "photos/2024/"]

    resp = s3.list_objects_v2(Bucket=listed, Prefix="photos/2023/", Delimiter="/")
    assert "Contents" not in resp
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["photos/2023/feb/", "photos/2023/jan/"]


def test_non_slash_delimiter(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed, Delimiter=".")
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == [
        "a.", "photos/2023/feb/1.", "photos/2023/jan/1.", "photos/2023/jan/2.", "photos/2024/mar/1.",
        "photos/index.", "videos/x.", "z."]


def test_prefix_matching_nothing(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed, Prefix="nothing/")
    assert resp["KeyCount"] == 0 and "Contents" not in resp


def test_v2_max_keys_and_continuation_tokens_walk_every_key_once(s3, listed):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        resp = s3.list_objects_v2(Bucket=listed, MaxKeys=3, **kwargs)
        pages += 1
        assert resp["MaxKeys"] == 3 and resp["KeyCount"] <= 3
        seen += [o["Key"] for o in resp.get("Contents", [])]
        if not resp["IsTruncated"]:
            assert "NextContinuationToken" not in resp
            break
        token = resp["NextContinuationToken"]
    assert seen == sorted(KEYS)
    assert pages == 3


def test_v2_common_prefixes_count_toward_max_keys_and_are_not_repeated(s3, listed):
    seen, token = [], None
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        resp = s3.list_objects_v2(Bucket=listed, MaxKeys=1, Delimiter="/", **kwargs)
        page = [o["Key"] for o in resp.get("Contents", [])] + [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
        assert len(page) == 1
        seen += page
        if not resp["IsTruncated"]:
            break
        token = resp["NextContinuationToken"]
    assert seen == ["a.txt", "photos/", "videos/", "z.txt"]


def test_v2_paginator_and_max_keys_zero(s3, listed):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=listed, PaginationConfig={"PageSize": 2})
    assert [o["Key"] for p in pages for o in p.get("Contents", [])] == sorted(KEYS)
    resp = s3.list_objects_v2(Bucket=listed, MaxKeys=0)
    assert resp["KeyCount"] == 0 and "Contents" not in resp


def test_v2_start_after(s3, listed):
    resp = s3.list_objects_v2(Bucket=listed, StartAfter="photos/2024")
    assert [o["Key"] for o in resp["Contents"]] == ["photos/2024/mar/1.jpg", "photos/index.html",
                                                    "videos/x.mp4", "z.txt"]
    assert resp["StartAfter"] == "photos/2024"


def test_v1_marker_and_next_marker(s3, listed):
    resp = s3.list_objects(Bucket=listed, MaxKeys=2)
    assert [o["Key"] for o in resp["Contents"]] == sorted(KEYS)[:2]
    assert resp["IsTruncated"] is True
    assert "NextMarker" not in resp  # only returned with a delimiter
    resp = s3.list_objects(Bucket=listed, Marker=sorted(KEYS)[1], MaxKeys=100)
    assert [o["Key"] for o in resp["Contents"]] == sorted(KEYS)[2:]
    resp = s3.list_objects(Bucket=listed, Delimiter="/", MaxKeys=2)
    assert resp["IsTruncated"] is True
    assert resp["NextMarker"] == "photos/"


def test_v1_paginator_walks_everything(s3, listed):
    pages = s3.get_paginator("list_objects").paginate(Bucket=listed, PaginationConfig={"PageSize": 3})
    assert [o["Key"] for p in pages for o in p.get("Contents", [])] == sorted(KEYS)


def test_listing_is_in_utf8_binary_order(s3, bucket):
    keys = ["B", "a", "z", "~", "é", "中", "\uff5a", "😀", "A", "0", "a/", "a-", "a0"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"")
    expected = sorted(keys, key=lambda k: k.encode("utf-8"))
    # UTF-8 byte order puts U+FF5A before U+1F600 (UTF-16 order would not)
    assert expected.index("\uff5a") < expected.index("😀")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == expected
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == expected


def test_encoding_type_url_encodes_keys_and_prefixes_in_the_xml(raw, s3, bucket):
    keys = ["dir one/a b.txt", "dir one/é+ü", "ctrl\x01char"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    resp = raw.get(f"/{bucket}?list-type=2&encoding-type=url&delimiter=/")
    assert resp.status_code == 200, resp.text
    assert xml_find(resp.content, "EncodingType") == "url"
    raw_keys = xml_findall(resp.content, "Key")
    raw_prefixes = xml_findall(resp.content, "Prefix")
    assert "ctrl%01char" in raw_keys
    assert "dir%20one/" in raw_prefixes or "dir+one/" in raw_prefixes
    assert [unquote(k.replace("+", " ")) for k in raw_keys] == ["ctrl\x01char"]
    # boto3 asks for encoding-type=url itself and decodes: the keys come back exact
    got = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in got["Contents"]] == sorted(keys, key=str.encode)
    got = s3.list_objects(Bucket=bucket, Prefix="dir one/")
    assert [o["Key"] for o in got["Contents"]] == ["dir one/a b.txt", "dir one/é+ü"]


def test_list_of_missing_bucket_is_no_such_bucket(s3):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as err:
        s3.list_objects_v2(Bucket=new_bucket_name("gone"))
    assert error_code(err.value) == "NoSuchBucket"


def test_invalid_continuation_token_is_invalid_argument(s3, listed):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as err:
        s3.list_objects_v2(Bucket=listed, ContinuationToken="garbage!!")
    assert error_code(err.value) == "InvalidArgument"
