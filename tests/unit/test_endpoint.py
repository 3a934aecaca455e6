"""The endpoint file the app publishes for `chatlog-tray stdio` (server/endpoint.py)."""

import json
import os

from server import endpoint


def test_published_atomically_read_back_and_withdrawn_by_its_own_process():
    endpoint.publish("http://127.0.0.1:5031")
    path = endpoint.endpoint_path()
    assert json.loads(path.read_text()) == {"url": "http://127.0.0.1:5031", "pid": os.getpid()}
    assert [p.name for p in path.parent.iterdir()] == ["endpoint.json"]  # no temporary left
    assert endpoint.read() == endpoint.Endpoint("http://127.0.0.1:5031", os.getpid())
    endpoint.withdraw()
    assert endpoint.read() is None and not path.exists()


def test_another_process_stopping_leaves_the_file_alone():
    endpoint.publish("http://127.0.0.1:5032", pid=os.getpid() + 1)
    endpoint.withdraw()
    assert endpoint.read() == endpoint.Endpoint("http://127.0.0.1:5032", os.getpid() + 1)


def test_a_missing_or_broken_file_reads_as_none():
    assert endpoint.read() is None
    endpoint.endpoint_path().parent.mkdir(parents=True, exist_ok=True)
    endpoint.endpoint_path().write_text("{not json")
    assert endpoint.read() is None


def test_wildcard_hosts_publish_a_loopback_url():
    assert endpoint.connectable_url("0.0.0.0", 5030) == "http://127.0.0.1:5030"
    assert endpoint.connectable_url("::", 5030) == "http://[::1]:5030"
    assert endpoint.connectable_url("127.0.0.1", 1) == "http://127.0.0.1:1"
