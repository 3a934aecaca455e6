"""Server settings: one typed, validated object shared by the CLI, the desktop and the tests.

Each user setting carries its label, help, group, unit, storage and whether a change needs a
restart (server/settings_schema.py); `SETTINGS` lists them for the code that generates the
command line (server/cli.py), the dialog (desktop/settings_dialog.py), the saved settings
(desktop/settings.py) and docs/settings.md.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from server.key_text import check_image_key_text, check_key_text
from server.push.hook_cli import WebhookFlags
from server.push.hook_config import WebhookConfig
from server.settings_schema import (
    DATA,
    NETWORK,
    PERFORMANCE,
    WEBHOOKS,
    Entry,
    Setting,
    Storage,
    entries,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5030
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# A bearer token is all that stands between the network and the user's chats: one short
# enough to guess is no protection. The desktop app generates 43 characters.
MIN_TOKEN_LENGTH = 16


def is_loopback_host(host: str) -> bool:
    """True for names and addresses that only this computer can reach."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ServerConfig(BaseModel):
    """Everything the server needs to run; immutable, so a change means a new object."""

    # hide_input_in_errors: a rejected token or key must not be echoed in an error message.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    # The user's settings: each one's flag, widget, saved form and docs row come from its
    # `Setting` (server/settings_schema.py). Field order is the dialog's order.
    host: Annotated[
        str,
        Setting(
            "Listen on",
            "the interface to listen on: 127.0.0.1 (this computer only) or 0.0.0.0 (every "
            "network interface, which needs a token)",
            group=NETWORK,
            restart=True,
            choices=(
                (DEFAULT_HOST, "This computer only (127.0.0.1)"),
                ("0.0.0.0", "All network interfaces (0.0.0.0)"),
            ),
        ),
    ] = DEFAULT_HOST
    port: Annotated[
        int,
        Field(ge=0, le=65535),
        Setting(
            "Port",
            "the TCP port; 0 picks any free port",
            group=NETWORK,
            restart=True,
            minimum_text="any free port",
        ),
    ] = DEFAULT_PORT
    token: Annotated[
        SecretStr | None,
        Setting(
            "Access token",
            "require 'Authorization: Bearer TOKEN' on every route but /health "
            f"(at least {MIN_TOKEN_LENGTH} characters)",
            group=NETWORK,
            storage=Storage.KEYCHAIN,
            keychain_entry="mcp-token",
            file_flag="--token-file",
            env="CHATLOG_TRAY_TOKEN",
            placeholder="none: any local program may connect",
        ),
    ] = None
    allow_origins: Annotated[
        tuple[str, ...],
        Setting(
            "Allowed browser origins",
            "a browser origin allowed to call the server, one per line (the flag repeats), "
            "e.g. http://localhost:6274",
            group=NETWORK,
            flag="--allow-origin",
            metavar="ORIGIN",
            placeholder="http://localhost:6274",
        ),
    ] = ()
    queue_capacity: Annotated[
        int,
        Field(ge=1, le=1_000_000),
        Setting(
            "Queue capacity",
            "requests waiting at most",
            group=PERFORMANCE,
            unit="requests",
        ),
    ] = 1000
    workers: Annotated[
        int,
        Field(ge=1, le=256),
        Setting("Workers", "requests processed at once", group=PERFORMANCE, unit="requests"),
    ] = 8
    ping_interval: Annotated[
        float,
        Field(gt=0, le=3600),
        Setting(
            "SSE ping interval",
            "seconds between pings on an open stream",
            group=PERFORMANCE,
            unit="s",
            decimals=1,
        ),
    ] = 30.0
    session_idle_timeout: Annotated[
        float,
        Field(gt=0, le=7 * 24 * 3600),
        Setting(
            "Session idle timeout",
            "seconds before an idle MCP client leaves the list and its session, if any, ends",
            group=PERFORMANCE,
            unit="s",
        ),
    ] = 1800.0
    max_sessions: Annotated[
        int,
        Field(ge=1, le=100_000),
        Setting(
            "Sessions at most",
            "live handshake-era sessions at most; the one quiet longest makes room",
            group=PERFORMANCE,
            unit="sessions",
        ),
    ] = 1000
    data_dir: Annotated[
        Path | None,
        Setting(
            "Data directory",
            "the WeChat data directory; empty: the built-in demo data",
            group=DATA,
            placeholder="empty: use the built-in demo data",
        ),
    ] = None
    key: Annotated[
        SecretStr | None,
        Setting(
            "Database key",
            "the WeChat database key (64 hexadecimal characters, or SQLCipher's raw key "
            "x'<64 hex key><32 hex salt>'): read encrypted data in place",
            group=DATA,
            storage=Storage.KEYCHAIN,
            keychain_entry="database-key",
            file_flag="--key-from",
            env="CHATLOG_TRAY_KEY",
            placeholder="none: the data is not encrypted",
        ),
    ] = None
    file_keys: Annotated[
        dict[str, SecretStr],
        Setting(
            "Key file",
            "a key file with one key per database (all_keys.json: relative path -> "
            '{"enc_key": HEX}); combines with the database key, which opens the files it '
            "does not name",
            group=DATA,
            storage=Storage.KEYCHAIN,
            keychain_entry="database-key-file",
            flag="--key-file",
            metavar="PATH",
        ),
    ] = Field(default_factory=dict)
    image_key: Annotated[
        SecretStr | None,
        Setting(
            "Image key",
            "the WeChat 4.x image key (16 characters), for pictures in the newer .dat format",
            group=DATA,
            storage=Storage.KEYCHAIN,
            keychain_entry="image-key",
            file_flag="--image-key-from",
            env="CHATLOG_TRAY_IMAGE_KEY",
            placeholder="only for pictures in WeChat 4.x's newer format",
        ),
    ] = None
    open_access: Annotated[
        bool,
        Setting(
            "Let any program on this computer read my chats without being connected",
            "let any program on this computer read your real WeChat data without a token "
            "(by default each app needs its own: 'chatlog-tray clients add'); the demo data "
            "is always open",
            group=DATA,
        ),
    ] = False
    webhooks: Annotated[
        tuple[WebhookConfig, ...],
        Setting(
            "Webhooks",
            "where new messages are POSTed as they arrive, in chatlog's JSON format, each with "
            "optional chat, sender and keyword filters; a receiver on another computer needs "
            "your confirmation (docs/webhooks.md)",
            group=WEBHOOKS,
            # A receiver's URL may carry its secret (a token in the path or query).
            storage=Storage.KEYCHAIN,
            keychain_entry="webhooks",
            flag="--webhook",
            flags=WebhookFlags(),
        ),
    ] = ()
    search_index: Annotated[
        bool,
        Setting(
            "Search index",
            "keep a full-text index of the messages in the app's data folder (docs/search.md); "
            "without it keyword queries scan",
            restart=True,
            storage=Storage.NOWHERE,
        ),
    ] = True
    conformance_fixtures: Annotated[
        bool,
        Setting(
            "Conformance fixtures",
            "also serve the tools, resources and prompts of the MCP conformance suite "
            "(developers: needs a source checkout)",
            restart=True,
            storage=Storage.NOWHERE,
        ),
    ] = False

    # Internal limits: no flag, no widget, never saved.
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024)
    body_timeout: float = Field(10.0, gt=0, description="Seconds a request body may take.")
    max_pending_bytes: int = Field(
        8 * 1024 * 1024,
        ge=64 * 1024,
        description="Bytes buffered per stream before a reader that stopped reading is cut off.",
    )

    @field_validator("allow_origins")
    @classmethod
    def _normalise_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = []
        for origin in origins:
            origin = origin.strip().rstrip("/")
            if origin == "*":
                raise ValueError("wildcard origins are not allowed; list each origin")
            if not origin.startswith(("http://", "https://")):
                raise ValueError(f"origin must start with http:// or https://: {origin!r}")
            cleaned.append(origin.lower())
        return tuple(cleaned)

    @field_validator("token")
    @classmethod
    def _no_token_or_a_long_one(cls, token: SecretStr | None) -> SecretStr | None:
        if token is None or not token.get_secret_value():
            return None  # an empty token means none
        if len(token.get_secret_value()) < MIN_TOKEN_LENGTH:
            raise ValueError(
                f"the token is too short to protect your chats: use at least "
                f"{MIN_TOKEN_LENGTH} random characters, e.g. the output of 'openssl rand -hex 32'"
            )
        return token

    @field_validator("key")
    @classmethod
    def _valid_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is None or not key.get_secret_value().strip():
            return None
        return SecretStr(check_key_text(key.get_secret_value()))

    @field_validator("file_keys")
    @classmethod
    def _valid_file_keys(cls, keys: dict[str, SecretStr]) -> dict[str, SecretStr]:
        checked = {}
        for name, key in keys.items():
            try:
                checked[name] = SecretStr(check_key_text(key.get_secret_value()))
            except ValueError as error:
                # The entry is named, the key never is.
                raise ValueError(f"the key for {name} is invalid: {error}") from None
        return checked

    @field_validator("image_key")
    @classmethod
    def _valid_image_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is None or not key.get_secret_value().strip():
            return None
        return SecretStr(check_image_key_text(key.get_secret_value()))

    @model_validator(mode="after")
    def _other_interfaces_need_a_token(self) -> ServerConfig:
        # Anyone on the network could otherwise read the user's chat history.
        if not is_loopback_host(self.host) and self.token is None:
            raise ValueError(
                f"listening on {self.host} exposes your chats to the network; set a token"
            )
        return self

    @property
    def loopback_only(self) -> bool:
        return is_loopback_host(self.host)


# Every user setting, in the dialog's order: the one list the CLI, the dialog, the saved
# settings and docs/settings.md are made from.
SETTINGS: tuple[Entry, ...] = entries(ServerConfig)
SETTING: dict[str, Entry] = {entry.name: entry for entry in SETTINGS}
