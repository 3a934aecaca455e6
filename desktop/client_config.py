"""The addresses an AI client on this computer uses to reach the server.

Qt-free. Each client's own configuration is written by `server.connect` (the "Connect an AI
app" dialog).
"""

from __future__ import annotations

from server.api import ServerConfig, is_loopback_host

SSE_PATH = "/sse"
STREAMABLE_HTTP_PATH = "/mcp"


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
