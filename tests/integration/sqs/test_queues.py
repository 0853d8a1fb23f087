"""Queue lifecycle through boto3's query protocol: create, get URL, list, delete, purge, isolation."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import DEFAULT_ACCOUNT, error_code, http_status, raw_query, unique


def test_create_queue_returns_url_on_host_header_and_default_account(sqs, nimbus):
    name = unique()
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url == f"http://localhost:{nimbus.port}/{DEFAULT_ACCOUNT}/{name}"


def test_create_queue_is_idempotent_with_same_attributes(sqs):
    name = unique()
    first = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    again = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    assert first == again
    assert len(sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]) == 1


def test_create_queue_with_different_attributes_fails_with_queue_already_exists(sqs):
    name = unique()
    sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
    assert error_code(err.value) == "QueueAlreadyExists"
    assert http_status(err.value) == 400


def test_create_queue_applies_attributes_and_tags(sqs):
    url = sqs.create_queue(QueueName=unique(), Attributes={"DelaySeconds": "5", "MessageRetentionPeriod": "120"},
                           tags={"team": "infra", "env": "test"})["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["DelaySeconds"] == "5"
    assert attrs["MessageRetentionPeriod"] == "120"
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "infra", "env": "test"}


@pytest.mark.parametrize("name", ["has space", "bad!char", "x" * 81, "", "dot.not-fifo"])
def test_create_queue_rejects_invalid_names(sqs, name):
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=name)
    assert error_code(err.value) == "InvalidParameterValue"


def test_create_queue_accepts_80_character_name_with_dash_and_underscore(sqs):
    name = ("a-b_" * 20)[:80]
    assert sqs.create_queue(QueueName=name)["QueueUrl"].endswith("/" + name)


def test_fifo_attribute_requires_fifo_suffix(sqs):
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=unique(), Attributes={"FifoQueue": "true"})
    assert error_code(err.value) == "InvalidParameterValue"


def test_fifo_suffix_requires_fifo_attribute(sqs):
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=unique() + ".fifo")
    assert error_code(err.value) == "InvalidParameterValue"


def test_get_queue_url_finds_existing_queue(sqs, queue):
    name = queue.rsplit("/", 1)[1]
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == queue


def test_get_queue_url_of_missing_queue_is_non_existent_queue(sqs):
    with pytest.raises(ClientError) as err:
        sqs.get_queue_url(QueueName=unique())
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
    assert http_status(err.value) == 400


def test_get_queue_url_with_owner_account_finds_other_accounts_queue(client_factory):
    owner = client_factory(access_key="111111111111")
    name = unique()
    url = owner.create_queue(QueueName=name)["QueueUrl"]
    assert "/111111111111/" in url
    other = client_factory(access_key="222222222222")
    assert other.get_queue_url(QueueName=name, QueueOwnerAWSAccountId="111111111111")["QueueUrl"] == url
    with pytest.raises(ClientError) as err:
        other.get_queue_url(QueueName=name)
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"


def test_list_queues_filters_by_prefix(sqs):
    stem = unique("list")
    wanted = sorted(sqs.create_queue(QueueName=f"{stem}-a{i}")["QueueUrl"] for i in range(3))
    sqs.create_queue(QueueName=f"other-{stem}")
    assert sorted(sqs.list_queues(QueueNamePrefix=stem)["QueueUrls"]) == wanted


def test_list_queues_without_queues_has_no_urls(sqs):
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_list_queues_paginates_with_max_results_and_next_token(sqs):
    stem = unique("page")
    created = {sqs.create_queue(QueueName=f"{stem}-{i:02d}")["QueueUrl"] for i in range(7)}
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"QueueNamePrefix": stem, "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        page = sqs.list_queues(**kwargs)
        pages += 1
        assert len(page.get("QueueUrls", [])) <= 3
        seen += page.get("QueueUrls", [])
        token = page.get("NextToken")
        if not token:
            break
        assert pages < 10
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert set(seen) == created


def test_list_queues_paginator_collects_all(sqs):
    stem = unique("pag")
    for i in range(5):
        sqs.create_queue(QueueName=f"{stem}-{i}")
    urls = [u for page in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=stem,
                                                                       PaginationConfig={"PageSize": 2})
            for u in page.get("QueueUrls", [])]
    assert len(urls) == 5


def test_delete_queue_removes_it(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_delete_missing_queue_is_non_existent_queue(sqs, queue):
    sqs.delete_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.delete_queue(QueueUrl=queue)
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"


def test_recreating_deleted_queue_within_60s_is_queue_deleted_recently(sqs, nimbus):
    name = unique()
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(ClientError) as err:
        sqs.create_queue(QueueName=name)
    assert error_code(err.value) == "AWS.SimpleQueueService.QueueDeletedRecently"
    nimbus.advance_clock(61)
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url


def test_purge_queue_removes_all_messages(sqs, queue):
    for i in range(5):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=2)
    sqs.purge_queue(QueueUrl=queue)
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


def test_second_purge_within_60s_is_purge_queue_in_progress(sqs, queue, nimbus):
    sqs.purge_queue(QueueUrl=queue)
    with pytest.raises(ClientError) as err:
        sqs.purge_queue(QueueUrl=queue)
    assert error_code(err.value) == "AWS.SimpleQueueService.PurgeQueueInProgress"
    assert http_status(err.value) == 403
    nimbus.advance_clock(61)
    sqs.purge_queue(QueueUrl=queue)


def test_queue_in_other_region_is_invisible(client_factory):
    eu = client_factory(region="eu-west-1")
    us = client_factory(region="us-east-1")
    name = unique()
    eu_url = eu.create_queue(QueueName=name)["QueueUrl"]
    assert us.list_queues(QueueNamePrefix=name).get("QueueUrls", []) == []
    with pytest.raises(ClientError) as err:
        us.get_queue_url(QueueName=name)
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
    arn = eu.get_queue_attributes(QueueUrl=eu_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == f"arn:aws:sqs:eu-west-1:{DEFAULT_ACCOUNT}:{name}"


def test_same_name_in_two_regions_are_separate_queues(client_factory):
    eu = client_factory(region="eu-west-1")
    us = client_factory(region="us-east-1")
    name = unique()
    eu_url = eu.create_queue(QueueName=name)["QueueUrl"]
    us_url = us.create_queue(QueueName=name)["QueueUrl"]
    eu.send_message(QueueUrl=eu_url, MessageBody="from-eu")
    assert "Messages" not in us.receive_message(QueueUrl=us_url)
    assert eu.receive_message(QueueUrl=eu_url)["Messages"][0]["Body"] == "from-eu"


def test_accounts_from_12_digit_access_keys_are_isolated(client_factory):
    a = client_factory(access_key="111111111111")
    b = client_factory(access_key="222222222222")
    name = unique()
    a_url = a.create_queue(QueueName=name)["QueueUrl"]
    assert "/111111111111/" in a_url
    assert b.list_queues().get("QueueUrls", []) == []
    b_url = b.create_queue(QueueName=name)["QueueUrl"]
    assert "/222222222222/" in b_url
    a.send_message(QueueUrl=a_url, MessageBody="for-a")
    assert "Messages" not in b.receive_message(QueueUrl=b_url)
    arn = b.get_queue_attributes(QueueUrl=b_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn == f"arn:aws:sqs:us-east-1:222222222222:{name}"


def test_localstack_style_queue_url_is_accepted(sqs, queue, nimbus):
    name = queue.rsplit("/", 1)[1]
    alt = f"http://sqs.us-east-1.localhost.localstack.cloud:{nimbus.port}/{DEFAULT_ACCOUNT}/{name}"
    sqs.send_message(QueueUrl=alt, MessageBody="via-alt-host")
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "via-alt-host"


def test_queue_url_uses_the_request_host_header(nimbus):
    import requests
    from urllib.parse import urlencode
    from conftest import sign_headers

    host = f"sqs.us-east-1.localhost.localstack.cloud:{nimbus.port}"
    name = unique()
    body = urlencode({"Action": "CreateQueue", "QueueName": name, "Version": "2012-11-05"}).encode()
    headers = sign_headers("POST", f"http://{host}/", body,
                           {"Content-Type": "application/x-www-form-urlencoded", "Host": host})
    headers["Host"] = host
    resp = requests.post(f"http://127.0.0.1:{nimbus.port}/", data=body, headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text
    assert f"<QueueUrl>http://{host}/{DEFAULT_ACCOUNT}/{name}</QueueUrl>" in resp.text


def test_health_reports_sqs_running_on_both_paths(nimbus):
    for path in ("/_nimbus/health", "/_localstack/health"):
        status, body = nimbus.http("GET", path)
        assert status == 200
        doc = json.loads(body)
        assert doc["services"]["sqs"] == "running"
        assert "version" in doc and "uptime_seconds" in doc


def test_reset_of_sqs_service_wipes_queues(sqs, nimbus):
    sqs.create_queue(QueueName=unique())
    nimbus.reset("sqs")
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_query_protocol_get_is_accepted(nimbus):
    import requests
    from conftest import sign_headers

    name = unique()
    url = f"http://localhost:{nimbus.port}/?Action=CreateQueue&QueueName={name}&Version=2012-11-05"
    resp = requests.get(url, headers=sign_headers("GET", url, b"", {}), timeout=10)
    assert resp.status_code == 200, resp.text
    assert f"/{name}</QueueUrl>" in resp.text


def test_raw_query_list_queues_answers_xml_with_request_id(nimbus):
    resp = raw_query(nimbus.endpoint, {"Action": "ListQueues", "Version": "2012-11-05"})
    assert resp.status_code == 200
    assert "<ListQueuesResponse" in resp.text
    assert "<RequestId>" in resp.text
