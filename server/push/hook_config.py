"""One webhook as the user configures it: where to POST, and which new messages to send.

Qt-free and free of the delivery machinery, so `ServerConfig` can hold a tuple of them. A
hook whose host is not this computer sends chat content off it, so such a hook is refused
unless the user confirmed it (`allow_remote`: the Settings checkbox, or
`--allow-remote-webhook` headless); see docs/webhooks.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from server.wechat.errors import InvalidKeywordError, UnsupportedKeywordError
from server.wechat.keyword import KeywordPattern

MAX_URL_LENGTH = 2048
NO_FILTERS = "all new messages"


def split_names(text: str) -> tuple[str, ...]:
    """chatlog's list form: names separated by commas, blanks ignored."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def url_host(url: str) -> str:
    """The host a URL names ("" when there is none)."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def redacted_url(url: str, *, path: bool = True) -> str:
    """`scheme://host:port/path`, or without the path: a receiver's URL may carry a secret in
    its query or user part, and many services put one in the path (…/webhooks/ID/TOKEN)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(invalid URL)"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return f"{parts.scheme}://{netloc}{parts.path if path else ''}"


class WebhookConfig(BaseModel):
    """A URL and optional filters; a message is sent when it passes every filter given."""

    # A URL may carry the receiver's secret: errors never repeat the input.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    url: str = Field(description="Where new messages are POSTed (http:// or https://).")
    talker: str = Field("", description="Only these chats (names or ids, comma-separated).")
    sender: str = Field("", description="Only these senders (names or ids, comma-separated).")
    keyword: str = Field("", description="Only messages whose text matches this RE2 regex.")
    allow_remote: bool = Field(
        False, description="The user confirmed sending chats to a host that is not this computer."
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        url = url.strip()
        if len(url) > MAX_URL_LENGTH:
            raise ValueError(f"a webhook URL has at most {MAX_URL_LENGTH} characters")
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as error:
            raise ValueError(f"the webhook URL is invalid: {error}") from None
        if parts.scheme not in ("http", "https"):
            raise ValueError("a webhook URL starts with http:// or https://")
        if not parts.hostname:
            raise ValueError("the webhook URL names no host")
        return url

    @field_validator("talker", "sender")
    @classmethod
    def _names(cls, names: str) -> str:
        return ",".join(split_names(names))

    @field_validator("keyword")
    @classmethod
    def _keyword(cls, keyword: str) -> str:
        if keyword:
            try:
                KeywordPattern(keyword)
            except (InvalidKeywordError, UnsupportedKeywordError) as error:
                raise ValueError(str(error)) from None
        return keyword

    @model_validator(mode="after")
    def _remote_needs_confirmation(self) -> WebhookConfig:
        if self.is_remote and not self.allow_remote:
            raise ValueError(
                f"the webhook to {self.host} would send your chats off this computer; "
                "confirm it in Settings (headless: --allow-remote-webhook)"
            )
        return self

    @property
    def host(self) -> str:
        return url_host(self.url)

    @property
    def is_remote(self) -> bool:
        """True when the receiver is not on this computer (its host is not a loopback name).

        A name that merely resolves to a loopback address counts as remote: DNS can change.
        """
        # Imported here: server.config imports this module for ServerConfig.webhooks.
        from server.config import is_loopback_host

        return not is_loopback_host(self.host)

    @property
    def target(self) -> str:
        """Where the hook sends, `scheme://host:port`: all /health (open to any local program)
        and the log say of it."""
        return redacted_url(self.url, path=False)

    @property
    def shown_url(self) -> str:
        """The URL without its query or user part, for the user's own window."""
        return redacted_url(self.url)

    @property
    def talkers(self) -> tuple[str, ...]:
        return split_names(self.talker)

    @property
    def senders(self) -> tuple[str, ...]:
        return split_names(self.sender)

    def describe_filters(self) -> str:
        """What the hook subscribes to, in words (the window shows it)."""
        parts = []
        if self.talker:
            parts.append(f"talker={self.talker}")
        if self.sender:
            parts.append(f"sender={self.sender}")
        if self.keyword:
            parts.append(f"keyword={self.keyword}")
        return ", ".join(parts) or NO_FILTERS
