"""VS Code: the user profile's `mcp.json` (JSONC), top-level `servers` (docs/clients.md)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from server.connect.client import Client, Target, bearer
from server.connect.place import Computer, user_config_dir


def folder(computer: Computer) -> PurePath:
    return user_config_dir(computer) / "Code" / "User"


def entry(target: Target) -> dict[str, Any]:
    return {"type": "http", "url": target.url, "headers": bearer(target.token)}


CLIENT = Client(
    name="vscode",
    display_name="VS Code",
    config_path=lambda computer: folder(computer) / "mcp.json",
    presence=folder,
    entry=entry,
    container="servers",
    allow_comments=True,
)
