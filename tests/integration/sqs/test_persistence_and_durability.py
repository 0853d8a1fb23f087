"""State survives a SIGTERM restart; every acknowledged write survives a SIGKILL.

Each test runs its own server (server_factory) so restarts never disturb the shared one.
The server clock offset is not assumed to survive a restart, so no test here moves the clock.
"""

import json
import threading

import pytest

from conftest import make_client, md5_hex, md5_of_message_attributes

pytestmark = pytest.mark.slow


def drain(client, url, expected, rounds=40, delete=True, **kwargs):
    got = []
    for _ in range(rounds):
        msgs = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300,
                                      **kwargs).get("Messages", [])
        got += msgs
        if delete and msgs:
            client.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
        if len(got) >= expected:
            break
    return got


def test_sigterm_exits_zero(server_factory):
    server = server_factory()
    make_client(server.endpoint).create_queue(QueueName="q")
    assert server.stop() == 0


def test_queues_attributes_and_tags_survive_restart(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="keep", Attributes={"VisibilityTimeout": "77"}, tags={"t": "v"})["QueueUrl"]
    fifo = client.create_queue(QueueName="keep.fifo", Attributes={"FifoQueue": "true",
                                                                  "ContentBasedDeduplication": "true"})["QueueUrl"]
    gone = client.create_queue(QueueName="gone")["QueueUrl"]
    client.add_permission(QueueUrl=url, Label="p", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    client.delete_queue(QueueUrl=gone)
    server.restart()
    client = make_client(server.endpoint)
    assert sorted(client.list_queues()["QueueUrls"]) == sorted([url, fifo])
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "77"
    assert json.loads(attrs["Policy"])["Statement"][0]["Sid"] == "p"
    assert client.list_queue_tags(QueueUrl=url)["Tags"] == {"t": "v"}
    assert client.get_queue_attributes(QueueUrl=fifo, AttributeNames=["All"])["Attributes"]["FifoQueue"] == "true"


def test_messages_with_attributes_survive_restart(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="msgs")["QueueUrl"]
    attrs = {"k": {"DataType": "String", "StringValue": "v"}, "b": {"DataType": "Binary", "BinaryValue": b"\x01"}}
    ids = {client.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageAttributes=attrs)["MessageId"]
           for i in range(20)}
    server.restart()
    client = make_client(server.endpoint)
    got = drain(client, url, 20, MessageAttributeNames=["All"])
    assert {m["MessageId"] for m in got} == ids
    for m in got:
        assert m["MD5OfBody"] == md5_hex(m["Body"])
        assert m["MessageAttributes"] == attrs
        assert m["MD5OfMessageAttributes"] == md5_of_message_attributes(attrs)


def test_in_flight_state_and_receive_count_survive_restart(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="inflight")["QueueUrl"]
    client.send_message(QueueUrl=url, MessageBody="held")
    client.send_message(QueueUrl=url, MessageBody="counted")
    msgs = drain(client, url, 2, delete=False)
    assert len(msgs) == 2
    by_body = {m["Body"]: m for m in msgs}
    # "counted": make it visible again, so it has been received once and is waiting
    client.change_message_visibility(QueueUrl=url, ReceiptHandle=by_body["counted"]["ReceiptHandle"],
                                     VisibilityTimeout=0)
    server.restart()
    client = make_client(server.endpoint)
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert attrs["ApproximateNumberOfMessages"] == "1"
    again = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert [m["Body"] for m in again] == ["counted"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    # the held message's receipt handle from before the restart still deletes it
    client.delete_message(QueueUrl=url, ReceiptHandle=by_body["held"]["ReceiptHandle"])
    assert client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
                                       )["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "1"


def test_fifo_dedup_window_and_order_survive_restart(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="d.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    first = client.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g", MessageDeduplicationId="dd")
    for i in range(5):
        client.send_message(QueueUrl=url, MessageBody=f"n{i}", MessageGroupId="g", MessageDeduplicationId=f"n{i}")
    server.restart()
    client = make_client(server.endpoint)
    client.send_message(QueueUrl=url, MessageBody="a2", MessageGroupId="g", MessageDeduplicationId="dd")
    later = client.send_message(QueueUrl=url, MessageBody="n5", MessageGroupId="g", MessageDeduplicationId="n5")
    assert int(later["SequenceNumber"]) > int(first["SequenceNumber"])
    msgs = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in msgs] == ["a", "n0", "n1", "n2", "n3", "n4", "n5"]


def test_purge_and_deletes_survive_restart(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="p")["QueueUrl"]
    url2 = client.create_queue(QueueName="p2")["QueueUrl"]
    for i in range(10):
        client.send_message(QueueUrl=url, MessageBody=f"m{i}")
        client.send_message(QueueUrl=url2, MessageBody=f"m{i}")
    client.purge_queue(QueueUrl=url)
    drain(client, url2, 10)
    server.restart()
    client = make_client(server.endpoint)
    assert "Messages" not in client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert "Messages" not in client.receive_message(QueueUrl=url2, MaxNumberOfMessages=10)


def test_memory_mode_keeps_nothing_across_restart(server_factory):
    server = server_factory(["--memory"])
    client = make_client(server.endpoint)
    client.create_queue(QueueName="ephemeral")
    server.restart()
    assert make_client(server.endpoint).list_queues().get("QueueUrls", []) == []


@pytest.mark.parametrize("n", [300])
def test_every_acknowledged_send_survives_sigkill(server_factory, n):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="durable")["QueueUrl"]
    acked = set()
    for i in range(n):
        acked.add(client.send_message(QueueUrl=url, MessageBody=f"durable-{i}")["MessageId"])
    server.kill()  # right after the last acknowledgement
    server.start()
    client = make_client(server.endpoint)
    got = drain(client, url, n, rounds=n)
    assert {m["MessageId"] for m in got} == acked


def test_every_acknowledged_batch_survives_sigkill(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="durable-batch")["QueueUrl"]
    acked = set()
    for b in range(30):
        resp = client.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"b{b}-{i}"} for i in range(10)])
        assert not resp.get("Failed")
        acked |= {s["MessageId"] for s in resp["Successful"]}
    server.kill()
    server.start()
    got = drain(make_client(server.endpoint), url, 300, rounds=200)
    assert {m["MessageId"] for m in got} == acked


def test_acknowledged_sends_from_concurrent_clients_survive_sigkill(server_factory):
    server = server_factory()
    url = make_client(server.endpoint).create_queue(QueueName="durable-conc")["QueueUrl"]
    acked, lock = set(), threading.Lock()

    def worker(k):
        client = make_client(server.endpoint)
        for i in range(50):
            mid = client.send_message(QueueUrl=url, MessageBody=f"w{k}-{i}")["MessageId"]
            with lock:
                acked.add(mid)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    server.kill()
    server.start()
    got = drain(make_client(server.endpoint), url, len(acked), rounds=200)
    assert {m["MessageId"] for m in got} == acked


def test_acknowledged_deletes_and_queue_creation_survive_sigkill(server_factory):
    server = server_factory()
    client = make_client(server.endpoint)
    url = client.create_queue(QueueName="kill-del")["QueueUrl"]
    for i in range(20):
        client.send_message(QueueUrl=url, MessageBody=f"m{i}")
    drain(client, url, 20)
    server.kill()
    server.start()
    client = make_client(server.endpoint)
    assert client.get_queue_url(QueueName="kill-del")["QueueUrl"] == url
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
