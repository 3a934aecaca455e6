"""Claude Desktop: `claude_desktop_config.json` in its settings folder (docs/clients.md).

Its config file starts local servers only, so our entry runs the stdio bridge, which
forwards to the HTTP server with the token from its environment.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from server.cli import TOKEN_ENV
from server.connect.client import Client, Target
from server.connect.place import Computer, user_config_dir


def folder(computer: Computer) -> PurePath:
    return user_config_dir(computer) / "Claude"


def entry(target: Target) -> dict[str, Any]:
    program, *leading = target.command
    args = [*leading, "stdio"]
    if not target.default_url:
        args += ["--url", target.url]
    return {"command": program, "args": args, "env": {TOKEN_ENV: target.token}}


CLIENT = Client(
    name="claude-desktop",
    display_name="Claude Desktop",
    config_path=lambda computer: folder(computer) / "claude_desktop_config.json",
    presence=folder,
    entry=entry,
)
