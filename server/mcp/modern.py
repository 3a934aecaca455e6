"""The 2026-07-28 request envelope: what a stateless request must carry, checked in order.

A 2026-07-28 request names its protocol version twice (the `MCP-Protocol-Version` header and
`_meta["io.modelcontextprotocol/protocolVersion"]`), its method in `Mcp-Method` and, for the
three methods that act on one named thing, that name in `Mcp-Name`. Checked in this order,
the first failure answers (the official SDK uses the same ladder, so clients that fall back
between eras read the same errors from both):

1. `_meta` with `protocolVersion` and `clientCapabilities` (clientInfo is optional): -32602;
2. the headers agree with the body: -32020 HeaderMismatch;
3. the version is one this server speaks: -32022 with `data: {supported, requested}`.

Every status here is 400, and an unknown method is 404; see `http_status`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from typing import Any, NamedTuple

from server.mcp import jsonrpc, protocol

PROTOCOL_VERSION_META = "io.modelcontextprotocol/protocolVersion"
CLIENT_CAPABILITIES_META = "io.modelcontextprotocol/clientCapabilities"
CLIENT_INFO_META = "io.modelcontextprotocol/clientInfo"
LOG_LEVEL_META = "io.modelcontextprotocol/logLevel"
SERVER_INFO_META = "io.modelcontextprotocol/serverInfo"
SUBSCRIPTION_ID_META = "io.modelcontextprotocol/subscriptionId"

# Which parameter `Mcp-Name` mirrors, for the methods that carry one.
NAME_PARAMS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}

# Caching hints (ttlMs, cacheScope) for the results that must carry them. The tool, prompt
# and template lists are the same for everyone and fixed while the server runs; the
# resources are chat data, which changes as messages arrive and belongs to this user.
CACHE_HINTS: dict[str, tuple[int, str]] = {
    "server/discover": (600_000, "public"),
    "tools/list": (600_000, "public"),
    "prompts/list": (600_000, "public"),
    "resources/templates/list": (600_000, "public"),
    "resources/list": (0, "private"),
    "resources/read": (0, "private"),
}

_HTTP_STATUS = {
    jsonrpc.PARSE_ERROR: 400,
    jsonrpc.INVALID_REQUEST: 400,
    jsonrpc.INVALID_PARAMS: 400,
    jsonrpc.HEADER_MISMATCH: 400,
    jsonrpc.MISSING_CLIENT_CAPABILITY: 400,
    jsonrpc.UNSUPPORTED_VERSION: 400,
    jsonrpc.METHOD_NOT_FOUND: 404,
}
_BASE64_SENTINEL = re.compile(r"^=\?base64\?(.*)\?=$")


class Envelope(NamedTuple):
    """What a valid 2026-07-28 request says about its sender.

    A named tuple rather than a frozen dataclass: every request builds one, and a frozen
    dataclass pays an `object.__setattr__` per field to be built.
    """

    protocol_version: str
    client_capabilities: dict[str, Any]
    client_name: object
    client_version: object
    meta: dict[str, Any]


def is_modern_version(header: bytes | None) -> bool:
    """Whether a request's `MCP-Protocol-Version` puts it in the 2026-07-28 era.

    Every value that is not a handshake version goes this way, unknown ones included, so that
    an unsupported version gets the era's -32022 answer with the supported list.
    """
    return header is not None and _latin1(header) not in protocol.HANDSHAKE_VERSIONS


def http_status(message: jsonrpc.JsonObject) -> int:
    """The HTTP status that goes with a modern answer (200 for results and other errors)."""
    error = message.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return _HTTP_STATUS.get(code, 200) if isinstance(code, int) else 200


def check_envelope(request: jsonrpc.Request, header: Any) -> Envelope:
    """Run the envelope ladder; raises JsonRpcError at the first rung that fails.

    `header(name)` returns a request header's value (lower-case bytes name) or None.
    """
    meta = request.params.get("_meta")
    if not isinstance(meta, dict):
        raise jsonrpc.JsonRpcError(
            jsonrpc.INVALID_PARAMS,
            f"params._meta must be an object carrying {PROTOCOL_VERSION_META!r} and "
            f"{CLIENT_CAPABILITIES_META!r}",
        )
    if PROTOCOL_VERSION_META not in meta or CLIENT_CAPABILITIES_META not in meta:
        missing = [k for k in (PROTOCOL_VERSION_META, CLIENT_CAPABILITIES_META) if k not in meta]
        raise jsonrpc.JsonRpcError(
            jsonrpc.INVALID_PARAMS, f"params._meta is missing {', '.join(missing)}"
        )
    version = meta[PROTOCOL_VERSION_META]
    _check_headers(request, version, header)
    if not isinstance(version, str):
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "the protocol version must be a string")
    if version not in protocol.MODERN_VERSIONS:
        raise jsonrpc.JsonRpcError(
            jsonrpc.UNSUPPORTED_VERSION,
            f"Unsupported protocol version {version!r}",
            {"supported": list(protocol.MODERN_VERSIONS), "requested": version},
        )
    level = meta.get(LOG_LEVEL_META)
    if level is not None and level not in protocol.LOG_LEVELS:
        raise jsonrpc.JsonRpcError(
            jsonrpc.INVALID_PARAMS,
            f"unknown log level {level!r}",
            {"levels": list(protocol.LOG_LEVELS)},
        )
    capabilities = meta[CLIENT_CAPABILITIES_META]
    info = meta.get(CLIENT_INFO_META)
    info = info if isinstance(info, dict) else {}
    return Envelope(
        protocol_version=version,
        client_capabilities=capabilities if isinstance(capabilities, dict) else {},
        client_name=info.get("name"),
        client_version=info.get("version"),
        meta=meta,
    )


def _check_headers(request: jsonrpc.Request, version: object, header: Any) -> None:
    sent_version = header(b"mcp-protocol-version")
    if sent_version is None or _latin1(sent_version) != version:
        raise _mismatch("MCP-Protocol-Version does not match _meta's protocol version")
    sent_method = header(b"mcp-method")
    if sent_method is None or _latin1(sent_method) != request.method:
        raise _mismatch("Mcp-Method does not match the request's method")
    name_param = NAME_PARAMS.get(request.method)
    if name_param is not None:
        value = request.params.get(name_param)
        if value is not None and _decode_header(header(b"mcp-name")) != value:
            raise _mismatch(f"Mcp-Name does not match the request's {name_param}")


def _mismatch(what: str) -> jsonrpc.JsonRpcError:
    return jsonrpc.JsonRpcError(jsonrpc.HEADER_MISMATCH, f"Header mismatch: {what}")


# Header values are decoded once per distinct value: clients send the same version, the same
# few methods and the same tool names request after request (cf. `Accept` in server/asgi.py).
@functools.lru_cache(maxsize=64)
def _latin1(value: bytes) -> str:
    return value.decode("latin-1")


@functools.lru_cache(maxsize=256)
def _decode_header(value: bytes | None) -> str | None:
    """A header value, with the spec's `=?base64?…?=` form decoded (None if malformed)."""
    if value is None:
        return None
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return None
    sentinel = _BASE64_SENTINEL.match(text)
    if sentinel is None:
        return text
    try:
        return base64.b64decode(sentinel.group(1), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def capabilities(announced: frozenset[str]) -> jsonrpc.JsonObject:
    """What this server offers to a 2026-07-28 client (see `server/discover`).

    `announced` are the notifications `subscriptions/listen` can deliver here (filter flags,
    see server/mcp/subscriptions.py); only those are declared.
    """
    return {
        "tools": {"listChanged": "toolsListChanged" in announced},
        "resources": {
            "subscribe": "resourceSubscriptions" in announced,
            "listChanged": "resourcesListChanged" in announced,
        },
        "prompts": {"listChanged": "promptsListChanged" in announced},
        "logging": {},
        "completions": {},
    }


def complete_result(
    method: str, result: jsonrpc.JsonObject, server_info: jsonrpc.JsonObject
) -> jsonrpc.JsonObject:
    """A result as 2026-07-28 sends it: `resultType`, the server's identity in `_meta`
    and, on a final result that may be cached, the caching hints."""
    meta = result.setdefault("_meta", {})
    meta[SERVER_INFO_META] = server_info
    if result.get("resultType") == "input_required":  # interim: never cached
        return result
    result["resultType"] = "complete"
    hints = CACHE_HINTS.get(method)
    if hints is not None:
        result["ttlMs"], result["cacheScope"] = hints
    return result
