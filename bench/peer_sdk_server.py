"""The peer: the same `current_time` tool served by the official MCP Python SDK (`mcp` 2.x).

Built the way the SDK documents it: an `MCPServer` (the FastMCP-style API), its
`streamable_http_app()` at `/mcp` and its `sse_app()` at `/sse` + `/messages/`, both Starlette
apps, served together under Hypercorn (the HTTP server our own server uses), so the comparison
measures the MCP layers and not the HTTP server.

Streamable HTTP runs in the SDK's JSON-response mode (`json_response=True`): a `tools/call`
POST is answered with one `application/json` body, as ours does when the client accepts only
JSON. Sessions stay stateful (`stateless_http=False`), as ours are.

    python -m bench.peer_sdk_server --port 0
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, Field

from bench.common import Receive, Scope, Send, serve_until_signalled

STREAMABLE_MODE = {"json_response": True, "stateless_http": False}


class CurrentTime(BaseModel):
    time: str = Field(description="Local time, RFC 3339 with UTC offset.")
    timezone: str = Field(description="Local time zone name or abbreviation.")
    utc_offset: str = Field(description="Offset from UTC, e.g. +08:00.")
    weekday: str = Field(description="Day of the week in English.")
    unix: int = Field(description="Seconds since 1970-01-01T00:00:00Z.")


async def current_time() -> Annotated[CallToolResult, CurrentTime]:
    """Get the current local date and time (RFC 3339 with UTC offset) and the day of the week.

    Async, like ours: a plain function would cost the SDK a worker-thread hop per call.
    """
    now = datetime.now().astimezone().replace(microsecond=0)
    stamp = now.isoformat()
    structured = CurrentTime(
        time=stamp,
        timezone=now.tzname() or "",
        utc_offset=stamp[-6:],
        weekday=now.strftime("%A"),
        unix=int(now.timestamp()),
    )
    # Same answer as ours: the bare RFC 3339 stamp as text, the details as structured content.
    return CallToolResult(
        content=[
            TextContent(type="text", text=f"{stamp} ({structured.weekday}, {structured.timezone})")
        ],
        structured_content=structured.model_dump(),
    )


class PeerApp:
    """Routes `/sse` and `/messages/` to the SDK's SSE app, everything else to its /mcp app."""

    def __init__(self, host: str) -> None:
        server: MCPServer = MCPServer(name="sdk-peer", version="1", log_level="WARNING")
        server.add_tool(current_time, name="current_time", title="Current time")
        # The Streamable HTTP app also carries the lifespan that runs the session manager.
        self.streamable = server.streamable_http_app(host=host, **STREAMABLE_MODE)
        self.sse = server.sse_app(host=host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if path == "/sse" or path.startswith("/messages"):
            await self.sse(scope, receive, send)
        else:
            await self.streamable(scope, receive, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve_until_signalled(PeerApp(args.host), args.host, args.port))


if __name__ == "__main__":
    main()
