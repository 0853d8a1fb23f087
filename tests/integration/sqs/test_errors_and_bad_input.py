"""AWS error codes for bad requests, raw malformed input, and SigV4 verification (--auth verify).

Every bad request must get an AWS-shaped error AND leave the server serving (checked after each).
"""

import datetime
import json
import socket

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import (error_code, http_status, make_client, query_error_code, raw_json, raw_query,
                      sign_headers, unique)

MISSING = "http://localhost:{port}/000000000000/does-not-exist"


@pytest.fixture
def missing_url(nimbus):
    return MISSING.format(port=nimbus.port)


OPS_ON_MISSING_QUEUE = {
    "send_message": lambda c, u: c.send_message(QueueUrl=u, MessageBody="x"),
    "receive_message": lambda c, u: c.receive_message(QueueUrl=u),
    "delete_message": lambda c, u: c.delete_message(QueueUrl=u, ReceiptHandle="h"),
    "change_message_visibility": lambda c, u: c.change_message_visibility(QueueUrl=u, ReceiptHandle="h",
                                                                          VisibilityTimeout=1),
    "get_queue_attributes": lambda c, u: c.get_queue_attributes(QueueUrl=u, AttributeNames=["All"]),
    "set_queue_attributes": lambda c, u: c.set_queue_attributes(QueueUrl=u, Attributes={"DelaySeconds": "1"}),
    "purge_queue": lambda c, u: c.purge_queue(QueueUrl=u),
    "delete_queue": lambda c, u: c.delete_queue(QueueUrl=u),
    "delete_message_batch": lambda c, u: c.delete_message_batch(QueueUrl=u, Entries=[{"Id": "a",
                                                                                      "ReceiptHandle": "h"}]),
    "change_message_visibility_batch": lambda c, u: c.change_message_visibility_batch(
        QueueUrl=u, Entries=[{"Id": "a", "ReceiptHandle": "h", "VisibilityTimeout": 1}]),
    "remove_permission": lambda c, u: c.remove_permission(QueueUrl=u, Label="x"),
}


@pytest.mark.parametrize("op", sorted(OPS_ON_MISSING_QUEUE))
def test_operation_on_missing_queue_is_non_existent_queue(sqs, missing_url, op):
    with pytest.raises(ClientError) as err:
        OPS_ON_MISSING_QUEUE[op](sqs, missing_url)
    assert error_code(err.value) == "AWS.SimpleQueueService.NonExistentQueue"
    assert http_status(err.value) == 400
    assert err.value.response["Error"].get("Type") == "Sender"
    assert err.value.response["ResponseMetadata"].get("RequestId")


def test_missing_required_parameter_is_missing_parameter(nimbus):
    resp = raw_query(nimbus.endpoint, {"Action": "CreateQueue", "Version": "2012-11-05"})
    assert resp.status_code == 400
    assert query_error_code(resp) == "MissingParameter"
    nimbus.assert_serving()


def test_unknown_query_action_is_invalid_action(nimbus):
    resp = raw_query(nimbus.endpoint, {"Action": "FlyToTheMoon", "Version": "2012-11-05"})
    assert resp.status_code == 400
    assert "<ErrorResponse" in resp.text
    assert query_error_code(resp) == "InvalidAction"
    nimbus.assert_serving()


def test_query_without_action_is_an_aws_error(nimbus):
    resp = raw_query(nimbus.endpoint, {"Version": "2012-11-05", "QueueName": "x"})
    assert resp.status_code == 400
    assert query_error_code(resp) in ("MissingAction", "InvalidAction", "MissingParameter")
    nimbus.assert_serving()


@pytest.mark.parametrize("body", [
    b"Action=ListQueues&%ZZ=1",
    b"Action=ListQueues&Version=2012-11-05&QueueNamePrefix=%",
    b"Action=ListQueues&&&==&Version=2012-11-05&MaxResults=%G1",
    b"\xff\xfe\x00garbage",
])
def test_malformed_query_strings_get_an_aws_error(nimbus, body):
    resp = raw_query(nimbus.endpoint, body)
    assert resp.status_code == 400, resp.text
    assert query_error_code(resp)
    nimbus.assert_serving()


@pytest.mark.parametrize("value", ["ten", "-1", "99999999999999999999999", "1.5"])
def test_wrong_typed_query_parameter_is_rejected(nimbus, value):
    url = make_client(nimbus.endpoint).create_queue(QueueName=unique())["QueueUrl"]
    resp = raw_query(nimbus.endpoint, {"Action": "ReceiveMessage", "Version": "2012-11-05", "QueueUrl": url,
                                       "MaxNumberOfMessages": value})
    assert resp.status_code == 400, resp.text
    assert query_error_code(resp) in ("InvalidParameterValue", "MalformedQueryString", "ValidationError")
    nimbus.assert_serving()


def test_json_protocol_invalid_json_is_serialization_exception(nimbus):
    resp = raw_json(nimbus.endpoint, "AmazonSQS.ListQueues", b"{not json")
    assert resp.status_code == 400
    assert resp.json()["__type"].endswith("SerializationException")
    nimbus.assert_serving()


def test_json_protocol_unknown_target_is_unknown_operation(nimbus):
    resp = raw_json(nimbus.endpoint, "AmazonSQS.FlyToTheMoon", b"{}")
    assert resp.status_code == 400
    assert resp.json()["__type"].endswith("UnknownOperationException")
    nimbus.assert_serving()


@pytest.mark.parametrize("payload", [
    {"QueueName": 5},
    {"QueueName": ["a"]},
    {"QueueName": "ok", "Attributes": "not-a-map"},
    [1, 2, 3],
    "just a string",
])
def test_json_protocol_wrong_types_are_rejected(nimbus, payload):
    resp = raw_json(nimbus.endpoint, "AmazonSQS.CreateQueue", json.dumps(payload))
    assert resp.status_code == 400, resp.text
    assert resp.json()["__type"]
    nimbus.assert_serving()


def test_json_protocol_error_carries_query_compatible_header(nimbus):
    resp = raw_json(nimbus.endpoint, "AmazonSQS.GetQueueUrl", {"QueueName": "nope-" + unique()})
    assert resp.status_code == 400
    assert resp.json()["__type"].endswith("QueueDoesNotExist")
    assert resp.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_declared_huge_body_is_refused_before_it_is_sent(nimbus):
    with socket.create_connection(("127.0.0.1", nimbus.port), timeout=10) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                  b"Content-Length: 1073741824\r\n\r\nAction=SendMessage&")
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    status_line = data.split(b"\r\n", 1)[0]
    assert status_line.split(b" ")[1] in (b"413", b"400"), data[:300]
    nimbus.assert_serving()


def test_oversized_body_gets_413_or_aws_error(nimbus):
    body = b"Action=SendMessage&Version=2012-11-05&MessageBody=" + b"a" * (12 * 1024 * 1024)
    try:
        resp = requests.post(nimbus.endpoint + "/", data=body, timeout=30,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert resp.status_code in (413, 400), resp.status_code
        if resp.status_code == 400:
            assert query_error_code(resp)
    except requests.exceptions.ConnectionError:
        pytest.fail("server reset the connection instead of answering 413 / an AWS error")
    nimbus.assert_serving()


def test_non_http_garbage_on_the_socket_does_not_hurt_the_server(nimbus):
    with socket.create_connection(("127.0.0.1", nimbus.port), timeout=5) as s:
        s.sendall(b"\x16\x03\x01\x00\xa5garbage that is not http\r\n\r\n")
        try:
            s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
    nimbus.assert_serving()


def test_half_sent_request_then_close_does_not_hurt_the_server(nimbus):
    with socket.create_connection(("127.0.0.1", nimbus.port), timeout=5) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nAction=")
    nimbus.assert_serving()


def test_unknown_path_and_method_get_an_error_not_a_crash(nimbus):
    for method in ("PUT", "DELETE", "PATCH"):
        resp = requests.request(method, nimbus.endpoint + "/nowhere/at/all", timeout=10)
        assert 400 <= resp.status_code < 500
    nimbus.assert_serving()


# --- --auth verify ------------------------------------------------------------------------------

ACCESS_KEY = "AKIANIMBUSTEST000001"
SECRET_KEY = "nimbus-secret-key-for-tests"
ACCOUNT = "555555555555"


@pytest.fixture
def verifying_server(server_factory, tmp_path):
    creds = tmp_path / "credentials.json"
    creds.write_text(json.dumps({"credentials": [
        {"access_key_id": ACCESS_KEY, "secret_access_key": SECRET_KEY, "account_id": ACCOUNT}]}))
    return server_factory(["--auth", "verify", "--credentials", str(creds)])


def test_verify_mode_accepts_correct_signature_and_uses_credential_account(verifying_server):
    client = make_client(verifying_server.endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    url = client.create_queue(QueueName="signed")["QueueUrl"]
    assert f"/{ACCOUNT}/signed" in url
    client.send_message(QueueUrl=url, MessageBody="ok")
    assert client.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "ok"


def test_wrong_secret_is_signature_does_not_match(verifying_server):
    client = make_client(verifying_server.endpoint, access_key=ACCESS_KEY, secret_key="wrong")
    with pytest.raises(ClientError) as err:
        client.list_queues()
    assert error_code(err.value) == "SignatureDoesNotMatch"
    assert http_status(err.value) == 403
    verifying_server.assert_serving()


def test_unknown_access_key_is_invalid_client_token_id(verifying_server):
    client = make_client(verifying_server.endpoint, access_key="AKIAUNKNOWNKEY000000", secret_key=SECRET_KEY)
    with pytest.raises(ClientError) as err:
        client.list_queues()
    assert error_code(err.value) == "InvalidClientTokenId"
    assert http_status(err.value) == 403
    verifying_server.assert_serving()


def test_tampered_body_is_signature_does_not_match(verifying_server):
    from urllib.parse import urlencode

    body = urlencode({"Action": "ListQueues", "Version": "2012-11-05"}).encode()
    headers = sign_headers("POST", verifying_server.endpoint + "/", body,
                           {"Content-Type": "application/x-www-form-urlencoded"},
                           access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    resp = requests.post(verifying_server.endpoint + "/", data=body + b"&QueueNamePrefix=x", headers=headers,
                         timeout=10)
    assert resp.status_code == 403
    assert query_error_code(resp) == "SignatureDoesNotMatch"
    verifying_server.assert_serving()


@pytest.mark.parametrize("authorization", [
    "AWS4-HMAC-SHA256 Credential={key}/20240101/us-east-1/sqs/aws4_request",
    "AWS4-HMAC-SHA256 Credential={key}/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host",
    "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abcdef",
    "AWS4-HMAC-SHA256 Credential=onlykey, SignedHeaders=host, Signature=abcdef",
])
def test_incomplete_authorization_header_is_incomplete_signature(verifying_server, authorization):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Amz-Date": datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ"),
               "Authorization": authorization.format(key=ACCESS_KEY)}
    resp = requests.post(verifying_server.endpoint + "/", data=b"Action=ListQueues&Version=2012-11-05",
                         headers=headers, timeout=10)
    assert resp.status_code in (400, 403)
    assert query_error_code(resp) == "IncompleteSignature"
    verifying_server.assert_serving()


def test_old_signed_request_is_request_expired(verifying_server):
    from urllib.parse import urlencode

    when = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
    body = urlencode({"Action": "ListQueues", "Version": "2012-11-05"}).encode()
    headers = sign_headers("POST", verifying_server.endpoint + "/", body,
                           {"Content-Type": "application/x-www-form-urlencoded"},
                           access_key=ACCESS_KEY, secret_key=SECRET_KEY, when=when)
    resp = requests.post(verifying_server.endpoint + "/", data=body, headers=headers, timeout=10)
    assert resp.status_code in (400, 403)
    assert query_error_code(resp) == "RequestExpired"
    verifying_server.assert_serving()


def test_unsigned_request_is_rejected_in_verify_mode(verifying_server):
    resp = requests.post(verifying_server.endpoint + "/", data=b"Action=ListQueues&Version=2012-11-05",
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert resp.status_code in (400, 403)
    assert query_error_code(resp) in ("MissingAuthenticationToken", "IncompleteSignature", "AccessDenied",
                                      "InvalidClientTokenId")
    verifying_server.assert_serving()


def test_json_protocol_bad_signature_is_signature_does_not_match(verifying_server):
    resp = raw_json(verifying_server.endpoint, "AmazonSQS.ListQueues", b"{}",
                    access_key=ACCESS_KEY, secret_key="wrong")
    assert resp.status_code == 403
    assert resp.json()["__type"].endswith("SignatureDoesNotMatch")
    verifying_server.assert_serving()


def test_health_needs_no_signature_in_verify_mode(verifying_server):
    verifying_server.assert_serving()


def _message(call):
    with pytest.raises(ClientError) as err:
        call()
    return err.value.response["Error"]["Message"]


def test_error_texts_match_aws_wording_on_the_query_protocol(sqs, queue):
    # AWS's texts as recorded against real SQS (see src/services/sqs/sqs_errors.h).
    assert _message(lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=21)) == (
        "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.")
    assert _message(lambda: sqs.send_message(QueueUrl=queue, MessageBody="bell\u0007")) == (
        "Invalid binary character '#x7' was found in the message body, the set of allowed characters is "
        "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].")
    assert _message(lambda: sqs.send_message(
        QueueUrl=queue, MessageBody="b",
        MessageAttributes={"ErrorDetails": {"DataType": "String", "StringValue": ""}})) == (
        "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.")
    assert _message(lambda: sqs.remove_permission(QueueUrl=queue, Label="nolabel")) == (
        "Value nolabel for parameter Label is invalid. Reason: can't find label.")
    assert _message(lambda: sqs.create_queue(QueueName=unique(), Attributes={"DeduplicationScope": "queue"})) == (
        "You can specify the DeduplicationScope only when FifoQueue is set to true.")
    small = sqs.create_queue(QueueName=unique(), Attributes={"MaximumMessageSize": "1024"})["QueueUrl"]
    out = sqs.send_message_batch(QueueUrl=small, Entries=[{"Id": "big", "MessageBody": "a" * 1025}])
    assert out["Failed"][0]["Message"] == (
        "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.")
