"""Which era a client message belongs to, and the HTTP headers a 2026-07-28 request needs.

The 2026-07-28 revision repeats parts of the body in headers (see docs/architecture.md, "Two
eras on one endpoint", and `server/mcp/modern.py`, which checks them): `MCP-Protocol-Version`
from `_meta`, `Mcp-Method`, and `Mcp-Name` for the methods acting on one named thing. A value
that is not plain printable ASCII travels in the `=?base64?…?=` form.
"""

from __future__ import annotations

import base64
from typing import Any

from server.mcp.modern import NAME_PARAMS, PROTOCOL_VERSION_META
from server.mcp.protocol import HANDSHAKE_VERSIONS

_SENTINEL_PREFIX = "=?base64?"


def modern_version(message: dict[str, Any]) -> str | None:
    """The 2026-07-28-era version a message declares in `params._meta`, else None."""
    params = message.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    version = meta.get(PROTOCOL_VERSION_META) if isinstance(meta, dict) else None
    if isinstance(version, str) and version not in HANDSHAKE_VERSIONS:
        return version
    return None


def header_value(text: str) -> str:
    """`text` as a header value: itself if plain printable ASCII, else the base64 form."""
    plain = (
        text.isascii()
        and text.isprintable()
        and text == text.strip()
        and not text.startswith(_SENTINEL_PREFIX)  # would be read back as an encoded value
    )
    if plain:
        return text
    return f"{_SENTINEL_PREFIX}{base64.b64encode(text.encode('utf-8')).decode('ascii')}?="


def modern_headers(message: dict[str, Any], version: str) -> dict[str, str]:
    """The headers that mirror a 2026-07-28 request's body."""
    method = message.get("method")
    headers = {"mcp-protocol-version": version}
    if isinstance(method, str):
        headers["mcp-method"] = header_value(method)
        name_param = NAME_PARAMS.get(method)
        params = message.get("params")
        if name_param is not None and isinstance(params, dict):
            name = params.get(name_param)
            if isinstance(name, str):
                headers["mcp-name"] = header_value(name)
    return headers
