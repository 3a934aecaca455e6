"""Cherry Studio: keeps its servers in its own database, so we only hand over JSON to import.

Settings → MCP Servers → Add → Import JSON takes `{"mcpServers": {...}}` (docs/clients.md).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from server.connect.client import Client, Target, bearer
from server.connect.place import Computer, user_config_dir

PASTE_HINT = "Cherry Studio: Settings → MCP Servers → Add → Import JSON, then paste"


def folder(computer: Computer) -> PurePath:
    return user_config_dir(computer) / "CherryStudio"


def entry(target: Target) -> dict[str, Any]:
    return {
        "type": "streamableHttp",
        "baseUrl": target.url,
        "headers": bearer(target.token),
        "isActive": True,
    }


CLIENT = Client(
    name="cherry-studio",
    display_name="Cherry Studio",
    config_path=folder,
    presence=folder,
    entry=entry,
    container=None,
    paste_hint=PASTE_HINT,
)
