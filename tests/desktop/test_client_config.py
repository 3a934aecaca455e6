"""Addresses and client snippets (Qt-free, kept with the desktop tests that use them)."""

import json

import pytest

from desktop.client_config import client_base_url, client_configuration, sse_url
from server.config import ServerConfig

pytestmark = pytest.mark.desktop


def test_all_interfaces_is_reached_through_loopback_and_ipv6_is_bracketed():
    assert client_base_url(ServerConfig(host="0.0.0.0", port=5030, token="t" * 16)) == (
        "http://127.0.0.1:5030"
    )
    assert sse_url(ServerConfig(host="::1", port=5030)) == "http://[::1]:5030/sse"
    assert client_base_url(ServerConfig(port=0), port=4242) == "http://127.0.0.1:4242"


def test_claude_desktop_goes_through_mcp_remote_with_the_token_header():
    text = client_configuration(
        "claude-desktop", ServerConfig(port=5030, token="abc-token-for-claude")
    )
    entry = json.loads(text)["mcpServers"]["chatlog"]
    assert entry == {
        "command": "npx",
        "args": [
            "-y",
            "mcp-remote",
            "http://127.0.0.1:5030/mcp",
            "--header",
            "Authorization:Bearer abc-token-for-claude",
        ],
    }


def test_an_unknown_client_is_an_error():
    with pytest.raises(ValueError, match="unknown client"):
        client_configuration("notepad", ServerConfig())
