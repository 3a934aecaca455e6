"""What the connector needs to know about one AI client: its config file and our entry in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from server.connect.place import Computer

SERVER_NAME = "chatlog"  # our entry's name in every client's list of servers


@dataclass(frozen=True)
class Target:
    """How a client reaches us: the Streamable HTTP URL, its token, our stdio command."""

    url: str
    token: str
    command: tuple[str, ...]  # program and leading arguments for `… stdio`
    default_url: bool = True  # the bridge's own default: no --url needed


@dataclass(frozen=True)
class Client:
    """One AI client.

    `container` is the member of the config file's top-level object that holds the
    servers; `None` means the client's config is not a file we may write (copy only).
    """

    name: str  # command-line name, e.g. "claude-desktop"
    display_name: str  # also the name its token is issued under
    config_path: Callable[[Computer], PurePath]
    presence: Callable[[Computer], PurePath]  # a folder that exists once the client ran
    entry: Callable[[Target], dict[str, Any]]
    container: str | None = "mcpServers"
    allow_comments: bool = False  # JSONC
    executable: str | None = None  # a program on PATH that also says "installed"
    paste_hint: str = ""  # for copy-only clients: where the JSON goes

    @property
    def writable(self) -> bool:
        return self.container is not None

    def snippet(self, target: Target) -> dict[str, Any]:
        """The JSON a user would paste: our entry inside the client's container."""
        return {self.container or "mcpServers": {SERVER_NAME: self.entry(target)}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
