"""Per-client tokens: each AI app the user connects gets its own bearer token, named after it.

The tokens live in the OS keychain (one entry, a JSON object from client name to token), never
in a file or a log. The server knows a request's client by its token (`who`), the window shows
that name, and revoking a token ends that client's access on its next request. Only
SHA-256 digests are compared, in constant time, and only digests are kept in memory beside the
names the server needs.

`ClientTokens` is Qt-free: the tray app, the `chatlog-tray clients` command and the server
share it. Another process (the command line) may change the keychain while the server runs,
so the server re-reads it (`refresh`) off the event loop from time to time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
from typing import Protocol

logger = logging.getLogger(__name__)

KEYCHAIN_SERVICE = "chatlog-tray"
KEYCHAIN_ENTRY = "client-tokens"
TOKEN_PREFIX = "clt_"  # says what a token is when a user finds one in a config file
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,63}$")


class TokenStoreError(Exception):
    """The keychain cannot be used; the message says why and what to do instead."""


class Vault(Protocol):
    """Where the token table is kept: the OS keychain in the app, anything in tests."""

    def read(self) -> str | None: ...

    def write(self, value: str) -> None: ...


class KeychainVault:
    """The OS keychain through `keyring` (Keychain, Credential Manager, Secret Service)."""

    def read(self) -> str | None:
        import keyring

        try:
            return keyring.get_password(KEYCHAIN_SERVICE, KEYCHAIN_ENTRY)
        # Boundary with whatever backend the OS offers: any failure means "no keychain".
        except Exception as error:
            raise TokenStoreError(_no_keychain(error)) from None

    def write(self, value: str) -> None:
        import keyring

        try:
            keyring.set_password(KEYCHAIN_SERVICE, KEYCHAIN_ENTRY, value)
        except Exception as error:
            raise TokenStoreError(_no_keychain(error)) from None


def _no_keychain(error: Exception) -> str:
    return (
        f"the system keychain cannot be used ({type(error).__name__}); per-app tokens need "
        "it. Use one server token instead (--token-file or CHATLOG_TRAY_TOKEN)"
    )


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class ClientTokens:
    """The table of per-client tokens, safe to use from several threads."""

    def __init__(self, vault: Vault | None = None) -> None:
        self._vault = vault or KeychainVault()
        self._lock = threading.Lock()
        self._digests: dict[bytes, str] = {}  # digest -> client name
        self._refresh_problem: str | None = None  # the keychain's last refresh error, said once

    # --- what the server asks, on every request ------------------------------------------

    def who(self, token: str) -> str | None:
        """The client this token was issued to, or None (not a client token)."""
        wanted = digest(token)
        with self._lock:
            known = list(self._digests.items())
        for candidate, name in known:
            if hmac.compare_digest(candidate, wanted):
                return name
        return None

    @property
    def any(self) -> bool:
        with self._lock:
            return bool(self._digests)

    # --- what the user does, from the window or the command line --------------------------

    def names(self) -> list[str]:
        return sorted(self._load())

    def issue(self, client: str) -> str:
        """The token of `client`, made now if it has none (adding a client twice keeps it)."""
        if not _NAME.match(client):
            raise ValueError(f"a client name is 1-64 letters, digits and ._()- : {client!r}")
        with self._lock:
            table = self._load_locked()
            token = table.get(client)
            if token is None:
                token = TOKEN_PREFIX + secrets.token_urlsafe(32)
                table[client] = token
                self._vault.write(json.dumps(table))
                logger.info("issued a token for %s", client)
            self._remember(table)
            return token

    def revoke(self, client: str) -> bool:
        """Forget `client`'s token: its next request is refused. False if it had none."""
        with self._lock:
            table = self._load_locked()
            if table.pop(client, None) is None:
                return False
            self._vault.write(json.dumps(table))
            self._remember(table)
        logger.info("revoked the token of %s", client)
        return True

    def refresh(self) -> None:
        """Re-read the keychain (another process may have added or revoked a client).

        Blocking: call it on a worker thread. A keychain that fails keeps the last table.
        """
        try:
            self._load()
        except TokenStoreError as error:
            # Said once, not at every refresh (every few seconds): the log is for people.
            if str(error) != self._refresh_problem:
                logger.warning("%s", error)
            self._refresh_problem = str(error)
        else:
            if self._refresh_problem is not None:
                logger.info("the system keychain can be read again")
            self._refresh_problem = None

    # --- internals ------------------------------------------------------------------------

    def _load(self) -> dict[str, str]:
        with self._lock:
            table = self._load_locked()
            self._remember(table)
            return table

    def _load_locked(self) -> dict[str, str]:
        raw = self._vault.read()
        if not raw:
            return {}
        try:
            table = json.loads(raw)
        except ValueError:
            logger.warning("the client token table in the keychain is damaged; starting afresh")
            return {}
        if not isinstance(table, dict):
            return {}
        return {str(k): v for k, v in table.items() if isinstance(v, str) and v}

    def _remember(self, table: dict[str, str]) -> None:
        self._digests = {digest(token): name for name, token in table.items()}


class MemoryVault:
    """A vault in memory: for tests, and for a session where the user chose no keychain."""

    def __init__(self, value: str | None = None) -> None:
        self.value = value

    def read(self) -> str | None:
        return self.value

    def write(self, value: str) -> None:
        self.value = value
