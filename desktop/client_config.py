"""What an AI client needs to reach this server: addresses and ready-to-paste configurations.

Qt-free, so the snippets are easy to test and the tray only copies text.
"""

from __future__ import annotations

import json
from typing import Any

from server.config import ServerConfig, is_loopback_host

SERVER_NAME = "chatlog"
SSE_PATH = "/sse"
STREAMABLE_HTTP_PATH = "/mcp"
CLIENTS = ("claude-desktop", "cursor", "cherry-studio")


def client_base_url(config: ServerConfig, port: int | None = None) -> str:
    """The base URL a client on this computer should use.

    A server listening on every interface ("0.0.0.0", "::") is still reached through the
    loopback address from here; a specific address is used as is.
    """
    host = config.host
    if host in ("0.0.0.0", "", "::"):
        host = "127.0.0.1"
    elif is_loopback_host(host) and host.strip("[]") == "::1":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{config.port if port is None else port}"


def sse_url(config: ServerConfig, port: int | None = None) -> str:
    return client_base_url(config, port) + SSE_PATH


def streamable_http_url(config: ServerConfig, port: int | None = None) -> str:
    return client_base_url(config, port) + STREAMABLE_HTTP_PATH


def _headers(config: ServerConfig) -> dict[str, str]:
    if config.token is None:
        return {}
    return {"Authorization": f"Bearer {config.token.get_secret_value()}"}


def client_configuration(client: str, config: ServerConfig, port: int | None = None) -> str:
    """A JSON snippet for `client`'s MCP settings (one of CLIENTS), token included if set."""
    url = streamable_http_url(config, port)
    headers = _headers(config)
    entry: dict[str, Any]
    if client == "claude-desktop":
        # Claude Desktop's config file only starts local (stdio) servers, so the usual bridge
        # to an HTTP server is `mcp-remote`, run through npx.
        args = ["-y", "mcp-remote", url]
        if headers:
            args += ["--header", f"Authorization:{headers['Authorization']}"]
        entry = {"command": "npx", "args": args}
    elif client == "cursor":
        entry = {"url": url}
        if headers:
            entry["headers"] = headers
    elif client == "cherry-studio":
        entry = {"type": "streamableHttp", "baseUrl": url, "isActive": True}
        if headers:
            entry["headers"] = headers
    else:
        raise ValueError(f"unknown client {client!r}")
    return json.dumps({"mcpServers": {SERVER_NAME: entry}}, indent=2, ensure_ascii=False)
