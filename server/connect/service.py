"""Add our entry to an AI client's config, see whether it is there, remove it.

Each client added gets its own token (`ClientTokens.issue(display name)`), so the sessions
window names it and removing it revokes exactly that client. Qt-free: the tray's dialog and
`chatlog-tray clients` share this.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from server.client_tokens import ClientTokens, TokenStoreError
from server.connect import configfile
from server.connect.client import SERVER_NAME, Client, Target
from server.connect.configfile import ConfigFileError
from server.connect.executable import server_command
from server.connect.place import Computer

DEFAULT_URL = "http://127.0.0.1:5030/mcp"  # what the stdio bridge reaches by default
FAILURES = (ConfigFileError, TokenStoreError)


@dataclass(frozen=True)
class Status:
    client: Client
    path: Path
    found: bool  # the client is installed here (its folder exists, or it is on PATH)
    present: bool | None  # our entry is in its config; None: unknown (copy only, or unreadable)
    problem: str | None = None  # why `present` is unknown for a writable client


@dataclass(frozen=True)
class Added:
    client: Client
    path: Path | None  # the file written; None for a copy-only client
    backup: Path | None  # the copy of the file as it was, if there was one
    snippet: str  # the JSON of our entry, to paste (copy-only clients) or to show


@dataclass(frozen=True)
class Removed:
    client: Client
    path: Path | None
    removed: bool  # our entry was in the file and is gone
    revoked: bool  # the client's token was revoked


class Connector:
    def __init__(
        self,
        tokens: ClientTokens,
        computer: Computer | None = None,
        *,
        command: list[str] | None = None,
        which: Callable[[str], str | None] = shutil.which,
    ) -> None:
        self._tokens = tokens
        self._computer = computer or Computer.this()
        self._command = command
        self._which = which

    def path(self, client: Client, config_file: Path | None = None) -> Path:
        return config_file or Path(str(client.config_path(self._computer)))

    def status(self, client: Client, config_file: Path | None = None) -> Status:
        path = self.path(client, config_file)
        found = Path(str(client.presence(self._computer))).is_dir() or (
            client.executable is not None and self._which(client.executable) is not None
        )
        if config_file is not None:
            found = found or config_file.exists()
        if client.container is None:
            return Status(client, path, found, None)
        try:
            content = configfile.read(path, allow_comments=client.allow_comments)
        except ConfigFileError as error:
            return Status(client, path, found, None, str(error))
        servers = content.get(client.container) if isinstance(content, dict) else None
        present = isinstance(servers, dict) and SERVER_NAME in servers
        return Status(client, path, found, present)

    def target(self, url: str, token: str) -> Target:
        command = self._command if self._command is not None else server_command()
        return Target(url, token, tuple(command), default_url=url == DEFAULT_URL)

    def snippet(self, client: Client, url: str, token: str) -> str:
        return json.dumps(client.snippet(self.target(url, token)), indent=2, ensure_ascii=False)

    def add(self, client: Client, url: str = DEFAULT_URL, config_file: Path | None = None) -> Added:
        """Issue the client's token and write our entry (copy-only: just the JSON).

        A newly issued token is revoked again if the file cannot be written.
        """
        path = self.path(client, config_file)
        if client.writable:
            # Check the file before issuing a token, so a broken file costs nothing.
            configfile.read(path, allow_comments=client.allow_comments)
        had_token = client.display_name in self._tokens.names()
        token = self._tokens.issue(client.display_name)
        target = self.target(url, token)
        snippet = json.dumps(client.snippet(target), indent=2, ensure_ascii=False)
        if client.container is None:
            return Added(client, None, None, snippet)
        existed = path.exists()
        try:
            configfile.set_member(
                path,
                client.container,
                SERVER_NAME,
                client.entry(target),
                allow_comments=client.allow_comments,
            )
        except ConfigFileError:
            if not had_token:
                self._tokens.revoke(client.display_name)
            raise
        backup = configfile.backup_path(path) if existed else None
        return Added(client, path, backup, snippet)

    def token_names(self) -> list[str]:
        """The names that hold a token now (a copy-only client is "connected" when it has one)."""
        return self._tokens.names()

    def issue(self, client: Client) -> str:
        """The client's token (issued now if it has none)."""
        return self._tokens.issue(client.display_name)

    def issue_other(self, name: str, url: str = DEFAULT_URL) -> str:
        """A token for an app we do not know, and the generic JSON to give it."""
        token = self._tokens.issue(name)
        entry = {"type": "http", "url": url, "headers": {"Authorization": f"Bearer {token}"}}
        return json.dumps({"mcpServers": {SERVER_NAME: entry}}, indent=2, ensure_ascii=False)

    def remove(self, client: Client, config_file: Path | None = None) -> Removed:
        """Delete our entry (only ours) from the client's config and revoke its token."""
        path = self.path(client, config_file)
        removed = False
        if client.container is not None:
            removed = configfile.remove_member(
                path, client.container, SERVER_NAME, allow_comments=client.allow_comments
            )
        revoked = self._tokens.revoke(client.display_name)
        return Removed(client, path if client.writable else None, removed, revoked)
