"""Every AI client the connector knows, in the order the window and `clients list` show them."""

from __future__ import annotations

from server.connect import cherry_studio, claude_code, claude_desktop, cursor, vscode
from server.connect.client import Client

CLIENTS: tuple[Client, ...] = (
    claude_desktop.CLIENT,
    claude_code.CLIENT,
    cursor.CLIENT,
    vscode.CLIENT,
    cherry_studio.CLIENT,
)
NAMES = tuple(client.name for client in CLIENTS)


def get(name: str) -> Client:
    for client in CLIENTS:
        if client.name == name:
            return client
    raise ValueError(f"unknown client {name!r}; one of: {', '.join(NAMES)}")
