"""Connect with the official MCP Python SDK 1.x, call `current_time`, print what happened.

Run in this folder's own environment (the 1.x SDK cannot share one with 2.x):
    uv run --project tests/peers/sdk1 --locked python tests/peers/sdk1/client.py URL TRANSPORT
TRANSPORT is `streamable-http` (URL/mcp) or `sse` (URL/sse). Prints one JSON line.
"""

import asyncio
import json
import sys
from importlib.metadata import version

from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamablehttp_client


async def main(url: str, transport: str) -> None:
    if transport == "sse":
        connection = sse_client(url + "/sse")
    else:
        connection = streamablehttp_client(url + "/mcp")
    async with connection as streams, ClientSession(streams[0], streams[1]) as session:
        initialized = await session.initialize()
        tools = await session.list_tools()
        result = await session.call_tool("current_time", {})
        report = {
            "sdk": version("mcp"),
            "protocol_version": initialized.protocolVersion,
            "tools": [tool.name for tool in tools.tools],
            "is_error": result.isError,
            "text": result.content[0].text,
        }
        print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
