"""Server settings: one typed, validated object shared by the CLI, the desktop and the tests."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from server.key_text import check_image_key_text, check_key_text

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

    host: str = Field(DEFAULT_HOST, description="Interface to listen on (loopback by default).")
    port: int = Field(DEFAULT_PORT, ge=0, le=65535, description="TCP port; 0 picks a free one.")
    queue_capacity: int = Field(1000, ge=1, le=1_000_000, description="Requests waiting at most.")
    workers: int = Field(8, ge=1, le=256, description="Requests processed at the same time.")
    ping_interval: float = Field(30.0, gt=0, le=3600, description="Seconds between SSE pings.")
    session_idle_timeout: float = Field(
        1800.0,
        gt=0,
        description="Seconds before an idle client leaves the list (its session, if any, ends).",
    )
    max_sessions: int = Field(
        1000, ge=1, le=100_000, description="Live handshake sessions at most (oldest idle goes)."
    )
    data_dir: Path | None = Field(None, description="WeChat data directory; demo data if unset.")
    search_index: bool = Field(
        True, description="Keep a full-text index of the messages (docs/search.md)."
    )
    token: SecretStr | None = Field(None, description="Bearer token required on every route.")
    key: SecretStr | None = Field(
        None,
        description="WeChat database key (64 hex characters, or SQLCipher's raw key "
        "x'<64 hex key><32 hex salt>'): read encrypted data in place.",
    )
    file_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="One raw key per database (relative path -> key), from a key file "
        "(--key-file); used before `key` for the files they name.",
    )
    image_key: SecretStr | None = Field(
        None, description="WeChat 4.x image key (16 characters): pictures in the V2 .dat format."
    )
    allow_origins: tuple[str, ...] = Field((), description="Extra browser origins allowed.")
    open_access: bool = Field(
        False,
        description="Let any program on this computer read real WeChat data without a token.",
    )
    conformance_fixtures: bool = False
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
