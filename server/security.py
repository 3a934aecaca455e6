"""Who may talk to the server: Host and Origin checks against DNS rebinding, and the token.

The chat history behind this server is as private as data gets, so the rules are strict:
- bound to loopback, the Host header must name this computer (a rebinding attack carries the
  attacker's host name);
- a browser's Origin must be this server itself or one the user listed; there is no wildcard;
- with a token configured, every route but /health needs `Authorization: Bearer <token>`,
  except a listed origin's CORS preflight: browsers never send credentials on a preflight,
  so demanding the token there would lock every browser client out. The preflight itself
  grants nothing but permission to send the real, authenticated request;
- serving real WeChat data (not the demo), a token is required even without `--token`: each
  connected app has its own (server/client_tokens.py), unless the user chose open access.

The gate names the token a request came with in `scope["chatlog.token"]` ("server token" or
the client's name), so the client registry can show which app made each call.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import string
from urllib.parse import urlsplit

from server.asgi import TOKEN_SCOPE_KEY, Headers, HttpError, Scope, header
from server.client_tokens import ClientTokens
from server.config import ServerConfig, is_loopback_host

PUBLIC_PATHS = frozenset({"/health"})
SERVER_TOKEN_NAME = "server token"
BEARER = b"Bearer "
NEEDS_CLIENT_TOKEN = (
    "this server serves your real WeChat data, so each app needs its own token: connect it "
    "with Chatlog Tray's 'Connect an AI app' or 'chatlog-tray clients add', or allow open "
    "access in Settings (--open-access)"
)

# What MCP clients send; mcp-method and mcp-name are new in MCP 2026-07-28.
CORS_ALLOW_HEADERS = (
    b"authorization, content-type, accept, mcp-session-id, mcp-protocol-version, "
    b"last-event-id, mcp-method, mcp-name"
)
CORS_EXPOSE_HEADERS = b"mcp-session-id, mcp-protocol-version"


# Letters and digits only: a token never starts with "-" (which a command line would take for
# an option) and double-clicking it selects all of it.
TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 43  # 43 characters from 62 carry 256 bits, as many as secrets.token_urlsafe(32)


def generate_token() -> str:
    """A new random bearer token."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


class SecurityPolicy:
    def __init__(
        self,
        config: ServerConfig,
        client_tokens: ClientTokens | None = None,
        require_client_token: bool = False,
    ) -> None:
        self._loopback_only = config.loopback_only
        self._allowed_origins = frozenset(config.allow_origins)
        token = config.token.get_secret_value() if config.token is not None else None
        self._expected_authorization = f"Bearer {token}".encode() if token else None
        self._client_tokens = client_tokens
        self._require_client_token = require_client_token
        self._token_required = self._expected_authorization is not None or require_client_token

    @property
    def token_required(self) -> bool:
        """Whether a request without a valid token is refused (all but /health)."""
        return self._token_required

    def check(self, scope: Scope) -> None:
        """Raise HttpError (421, 403 or 401) unless the request may proceed."""
        host = header(scope, b"host")
        if self._loopback_only and host is not None and not _is_loopback_netloc(host):
            raise HttpError(421, "this server only answers requests addressed to localhost")
        origin = header(scope, b"origin")
        if origin is not None and not self.origin_allowed(origin, host):
            raise HttpError(403, "requests from this web origin are not allowed")
        supplied = header(scope, b"authorization")
        name = self.token_name(supplied) if supplied is not None else None
        if name is not None:
            scope[TOKEN_SCOPE_KEY] = name
        elif (
            self._token_required
            and scope["path"] not in PUBLIC_PATHS
            and not self.is_preflight(scope)
        ):
            if self._require_client_token and self._expected_authorization is None:
                raise HttpError(401, NEEDS_CLIENT_TOKEN)
            raise HttpError(401, "a valid bearer token is required")

    def token_name(self, authorization: bytes) -> str | None:
        """Whose token this Authorization header carries: the server's, a client's, or None."""
        expected = self._expected_authorization
        if expected is not None and hmac.compare_digest(authorization, expected):
            return SERVER_TOKEN_NAME
        if self._client_tokens is None or not authorization.startswith(BEARER):
            return None
        return self._client_tokens.who(authorization[len(BEARER) :].decode("latin-1"))

    def origin_allowed(self, origin: bytes, host: bytes | None) -> bool:
        text = origin.decode("latin-1").lower().rstrip("/")
        if text in self._allowed_origins:
            return True
        # Same origin: the page was served by this very server (scheme://host:port).
        netloc = urlsplit(text).netloc
        return host is not None and netloc == host.decode("latin-1").lower()

    def is_preflight(self, scope: Scope) -> bool:
        """A CORS preflight from a listed origin: OPTIONS with Access-Control-Request-Method."""
        return (
            scope.get("method") == "OPTIONS"
            and header(scope, b"access-control-request-method") is not None
            and self._listed(header(scope, b"origin"))
        )

    def cors_headers(self, scope: Scope) -> Headers:
        """CORS answer headers for a listed cross-origin caller; empty for everyone else."""
        origin = header(scope, b"origin")
        if origin is None or not self._listed(origin):
            return []
        return [
            (b"access-control-allow-origin", origin),
            (b"access-control-expose-headers", CORS_EXPOSE_HEADERS),
            (b"vary", b"origin"),
        ]

    def _listed(self, origin: bytes | None) -> bool:
        return (
            origin is not None
            and origin.decode("latin-1").lower().rstrip("/") in self._allowed_origins
        )

    def preflight_headers(self, scope: Scope) -> Headers:
        return [
            *self.cors_headers(scope),
            (b"access-control-allow-methods", b"GET, POST, DELETE, OPTIONS"),
            (b"access-control-allow-headers", CORS_ALLOW_HEADERS),
            (b"access-control-max-age", b"600"),
        ]


@functools.lru_cache(maxsize=64)  # a client sends the same Host on every request
def _is_loopback_netloc(netloc: bytes) -> bool:
    text = netloc.decode("latin-1")
    if text.startswith("["):  # [::1]:5030
        return is_loopback_host(text[1 : text.find("]")] if "]" in text else text)
    return is_loopback_host(text.rsplit(":", 1)[0] if text.count(":") == 1 else text)
