"""Client addresses (Qt-free, kept with the desktop tests that use them)."""

import pytest

from desktop.client_config import client_base_url, sse_url
from server.config import ServerConfig

pytestmark = pytest.mark.desktop


def test_all_interfaces_is_reached_through_loopback_and_ipv6_is_bracketed():
    assert client_base_url(ServerConfig(host="0.0.0.0", port=5030, token="t" * 16)) == (
        "http://127.0.0.1:5030"
    )
    assert sse_url(ServerConfig(host="::1", port=5030)) == "http://[::1]:5030/sse"
    assert client_base_url(ServerConfig(port=0), port=4242) == "http://127.0.0.1:4242"
