"""An MCP Bundle (`.mcpb`) for Claude Desktop: a zip with `manifest.json` and an icon.

Opening the file in Claude Desktop installs our stdio bridge without editing any config
file. The manifest follows the MCPB manifest spec 0.3 (`server.type = "binary"`: the
bridge is our installed executable, which the bundle points at, so the bundle is built on
the computer that runs it). The token is a sensitive user setting whose default is the
token issued for Claude Desktop, so installing needs no typing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from server.cli import TOKEN_ENV
from server.connect.client import Target
from server.connect.configfile import ConfigFileError
from server.mcp.protocol import server_version
from server.resources import resource_path

MANIFEST_VERSION = "0.3"
ICON = "icon.png"
# The tools README.md lists, shown by Claude Desktop before installing.
TOOLS = (
    ("query_recent_chat", "Recent chats, newest first"),
    ("query_contact", "Find contacts"),
    ("query_chat_room", "Find group chats"),
    ("query_chat_log", "Messages by time range, chat, sender and keyword"),
    ("current_time", "The current local time"),
)


def manifest(target: Target, platform: str) -> dict[str, Any]:
    program, *leading = target.command
    args = [*leading, "stdio"]
    if not target.default_url:
        args += ["--url", target.url]
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": "chatlog-tray",
        "display_name": "Chatlog Tray",
        "version": server_version(),
        "description": "Your own WeChat chat history, read-only, from Chatlog Tray here.",
        "author": {"name": "Chatlog Tray"},
        "icon": ICON,
        "server": {
            "type": "binary",
            "entry_point": program,
            "mcp_config": {
                "command": program,
                "args": args,
                "env": {TOKEN_ENV: "${user_config.token}"},
            },
        },
        "tools": [{"name": name, "description": text} for name, text in TOOLS],
        "compatibility": {"platforms": [platform if platform in ("darwin", "win32") else "linux"]},
        "user_config": {
            "token": {
                "type": "string",
                "title": "Access token",
                "description": "The token Chatlog Tray issued for Claude Desktop.",
                "sensitive": True,
                "required": True,
                "default": target.token,
            }
        },
    }


def icon_png() -> bytes:
    """The app icon (512 pixels, the size Claude Desktop recommends), source or frozen."""
    return resource_path("icons", "app-512.png").read_bytes()


def write_bundle(path: Path, target: Target, platform: str) -> dict[str, Any]:
    """Write the bundle to `path`; returns the manifest."""
    content = manifest(target, platform)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("manifest.json", json.dumps(content, indent=2, ensure_ascii=False))
            bundle.writestr(ICON, icon_png())
    except OSError as error:
        raise ConfigFileError(f"cannot write {path}: {error.strerror or error}") from None
    return content
