"""The floor: what one POST costs Hypercorn itself, bare and through a minimal Quart route.

`--app bare` is a hand-written ASGI app that reads the body and answers the bytes a
`current_time` call answers: a session's call anywhere but `/mcp`, a 2026-07-28 call on `/mcp`
(the era's answer is longer: `resultType` and the server's identity in `_meta`).
`--app quart` answers the session's call through a one-route Quart app. No MCP work at all, so our
server's CPU per `tools/call` can be compared against the cost of the HTTP server underneath.

    python -m bench.baseline_asgi --app bare --port 0
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from quart import Quart, request

from bench.common import AsgiApp, Receive, Scope, Send, serve_until_signalled

# The same bytes a `current_time` call answers with, so the floor covers the same exchange.
ANSWER = (
    b'{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":'
    b'"2026-11-24T05:20:00+00:00"}],"structuredContent":{"time":"2026-11-24T05:20:00+00:00",'
    b'"timezone":"UTC","utc_offset":"+00:00","weekday":"Tuesday","unix":1795497600}}}'
)
# What our server answers a 2026-07-28 `tools/call` of `current_time` (`bench.load modern`).
MODERN_PATH = "/mcp"
MODERN_ANSWER = (
    b'{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":'
    b'"2026-11-24T05:20:00+00:00"}],"structuredContent":{"time":"2026-11-24T05:20:00+00:00",'
    b'"timezone":"UTC","utc_offset":"+00:00","weekday":"Tuesday","unix":1795497600},'
    b'"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"chatlog-tray","title":'
    b'"Chatlog Tray","version":"0.1.0"}},"resultType":"complete"}}'
)


async def bare_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    # Read the whole body, as any JSON-RPC endpoint must.
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        more = message.get("more_body", False)
    answer = MODERN_ANSWER if scope["path"] == MODERN_PATH else ANSWER
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(answer)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer})


def quart_app() -> Quart:
    app = Quart("bench_baseline")

    @app.post("/rpc")
    async def rpc() -> Any:
        await request.get_data()
        return ANSWER, 200, {"content-type": "application/json"}

    return app


APPS: dict[str, Any] = {"bare": lambda: bare_app, "quart": quart_app}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", choices=sorted(APPS), default="bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app: AsgiApp = APPS[args.app]()
    asyncio.run(serve_until_signalled(app, args.host, args.port))


if __name__ == "__main__":
    main()
