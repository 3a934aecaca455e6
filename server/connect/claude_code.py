"""Claude Code: user-scope servers in `~/.claude.json`, top-level `mcpServers` (docs/clients.md)."""

from __future__ import annotations

from typing import Any

from server.connect.client import Client, Target, bearer


def entry(target: Target) -> dict[str, Any]:
    return {"type": "http", "url": target.url, "headers": bearer(target.token)}


CLIENT = Client(
    name="claude-code",
    display_name="Claude Code",
    config_path=lambda computer: computer.in_home(".claude.json"),
    presence=lambda computer: computer.in_home(".claude"),
    entry=entry,
    executable="claude",
)
