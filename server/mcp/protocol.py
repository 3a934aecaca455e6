"""Protocol versions and the server's identity. A leaf module."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# Handshake-era versions (initialize + sessions), oldest first. Date strings are
# identifiers: compare by membership.
HANDSHAKE_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
LATEST_VERSION = HANDSHAKE_VERSIONS[-1]
# The stateless era: no initialize, no sessions, every request carries its version in _meta.
MODERN_VERSIONS = ("2026-07-28",)
# JSON-RPC batches exist only in this version of the protocol.
BATCH_VERSIONS = frozenset({"2025-03-26"})

# The levels of MCP log messages, least severe first.
LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")

SERVER_NAME = "chatlog-tray"


def server_version() -> str:
    try:
        return version("chatlog-tray")
    except PackageNotFoundError:  # running from a bundle without metadata
        return "0.0.0"


def negotiate(requested: object) -> str:
    """The client's version when we speak it, else our latest (the client then decides)."""
    if isinstance(requested, str) and requested in HANDSHAKE_VERSIONS:
        return requested
    return LATEST_VERSION
