"""The 2026-07-28 headers the stdio bridge derives from a request (server/bridge/headers.py)."""

import base64

from server.bridge.headers import header_value, modern_headers, modern_version
from server.mcp import jsonrpc, modern

META = {
    modern.PROTOCOL_VERSION_META: "2026-07-28",
    modern.CLIENT_CAPABILITIES_META: {},
}


def call(name: str) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "_meta": META},
    }


def test_the_era_comes_from_meta_and_handshake_versions_are_not_modern():
    assert modern_version(call("x")) == "2026-07-28"
    handshake = {
        "method": "tools/list",
        "params": {"_meta": {modern.PROTOCOL_VERSION_META: "2025-11-25"}},
    }
    assert modern_version(handshake) is None
    assert modern_version({"method": "tools/list"}) is None


def test_names_travel_plain_or_in_the_base64_form_and_the_server_reads_them_back():
    for name in ("query_chat_log", "老妈", " padded ", "=?base64?trap?=", "tab\there"):
        headers = modern_headers(call(name), "2026-07-28")
        assert headers["mcp-protocol-version"] == "2026-07-28"
        assert headers["mcp-method"] == "tools/call"
        sent = headers["mcp-name"]
        assert sent.isascii() and sent.isprintable()
        request = jsonrpc.parse_message(call(name))
        lookup = {k.encode(): v.encode() for k, v in headers.items()}.get
        envelope = modern.check_envelope(request, lookup)  # raises on a mismatch
        assert envelope.protocol_version == "2026-07-28"
    assert header_value("plain") == "plain"
    encoded = header_value("老妈")
    assert base64.b64decode(encoded.removeprefix("=?base64?").removesuffix("?=")).decode() == "老妈"


def test_resources_read_names_its_uri():
    message = {"method": "resources/read", "params": {"uri": "chatlog://x", "_meta": META}}
    assert modern_headers(message, "2026-07-28")["mcp-name"] == "chatlog://x"
