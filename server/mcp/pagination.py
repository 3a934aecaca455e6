"""Opaque cursors for list methods: a page offset, encoded so clients do not parse it."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from server.mcp import jsonrpc


def page[T](items: Sequence[T], cursor: Any, page_size: int) -> tuple[Sequence[T], str | None]:
    """The page starting at `cursor` and the cursor of the next page (None on the last)."""
    start = decode_cursor(cursor)
    if start > len(items):
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "Invalid cursor")
    end = start + page_size
    next_cursor = encode_cursor(end) if end < len(items) else None
    return items[start:end], next_cursor


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: Any) -> int:
    if cursor is None:
        return 0
    if not isinstance(cursor, str):
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "Invalid cursor")
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, number = text.partition(":")
        offset = int(number)
    except ValueError:
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "Invalid cursor") from None
    if prefix != "o" or offset < 0:
        raise jsonrpc.JsonRpcError(jsonrpc.INVALID_PARAMS, "Invalid cursor")
    return offset
