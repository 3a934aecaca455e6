"""Protocol versions and the server's identity. A leaf module."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# Handshake-era versions, oldest first. Date strings are identifiers: compare by membership.
SUPPORTED_VERSIONS = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
LATEST_VERSION = SUPPORTED_VERSIONS[-1]
# JSON-RPC batches exist only in this version of the protocol.
BATCH_VERSIONS = frozenset({"2025-03-26"})

SERVER_NAME = "chatlog-tray"


def server_version() -> str:
    try:
        return version("chatlog-tray")
    except PackageNotFoundError:  # running from a bundle without metadata
        return "0.0.0"


def negotiate(requested: object) -> str:
    """The client's version when we speak it, else our latest (the client then decides)."""
    if isinstance(requested, str) and requested in SUPPORTED_VERSIONS:
        return requested
    return LATEST_VERSION
