"""Cursor: the global `~/.cursor/mcp.json`, `mcpServers` (docs/clients.md)."""

from __future__ import annotations

from typing import Any

from server.connect.client import Client, Target, bearer


def entry(target: Target) -> dict[str, Any]:
    return {"url": target.url, "headers": bearer(target.token)}


CLIENT = Client(
    name="cursor",
    display_name="Cursor",
    config_path=lambda computer: computer.in_home(".cursor", "mcp.json"),
    presence=lambda computer: computer.in_home(".cursor"),
    entry=entry,
)
