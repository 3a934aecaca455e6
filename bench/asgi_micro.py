"""Our layer alone: drive the ASGI application directly (no HTTP server) and time one call.

Each request gets a fresh scope with the headers a real client sends, a `receive` that hands
over the body and then blocks (as Hypercorn's does until the client disconnects) and a `send`
that checks the answer. What is timed (process CPU) is everything between the HTTP server
handing us a request and our last `send`: security gate, transport, client lookup, queue,
dispatch, `current_time`, JSON in and out. Modes:

  modern      a stateless 2026-07-28 `tools/call` (the `bench.load modern` request)
  streamable  a `tools/call` on an initialized Streamable HTTP session

    uv run python -m bench.asgi_micro --calls 20000
    uv run python -m bench.asgi_micro modern --calls 20000 --cprofile   # where it goes
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import time
from typing import Any

from bench.load import (
    CALL,
    INITIALIZE_PARAMS,
    JSON_HEADERS,
    MODERN_CALL_HEADERS,
    PROTOCOL_VERSION,
    modern_call_params,
    rpc,
)
from server.app import Application
from server.config import ServerConfig

Headers = list[tuple[bytes, bytes]]


def _encode(headers: list[tuple[str, str]]) -> Headers:
    return [(name.encode(), value.encode()) for name, value in headers]


class Driver:
    """Feeds requests to the application the way Hypercorn does, one at a time."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.host = [(b"host", b"127.0.0.1:5030")]

    async def request(self, headers: Headers, body: bytes) -> tuple[int, bytes]:
        scope: dict[str, Any] = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/mcp",
            "raw_path": b"/mcp",
            "query_string": b"",
            "root_path": "",
            "headers": [
                *self.host,
                *headers,
                (b"content-length", str(len(body)).encode()),
            ],
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 5030),
        }
        delivered = False
        disconnected = asyncio.get_running_loop().create_future()

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected
            return {"type": "http.disconnect"}

        status = 0
        answer: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            else:
                answer.append(message.get("body", b""))

        await self.app(scope, receive, send)  # type: ignore[arg-type]
        disconnected.cancel()
        return status, b"".join(answer)


async def run(mode: str, calls: int, rounds: int, profile: cProfile.Profile | None) -> list[float]:
    app = Application(ServerConfig(port=0))
    app.start()
    if app._web_import is not None:
        # start() imports the web modules in a thread; their CPU is not the calls'.
        await app._web_import
    driver = Driver(app)
    if mode == "modern":
        headers = _encode(MODERN_CALL_HEADERS)
        params = modern_call_params("bench-micro")
    else:
        status, answer = await driver.request(
            _encode(JSON_HEADERS), rpc(1, "initialize", INITIALIZE_PARAMS)
        )
        session = json.loads(answer)  # checked below through the calls
        assert status == 200 and "result" in session, answer
        session_id = next(iter(app.registry)).id
        headers = _encode(
            [
                *JSON_HEADERS,
                ("mcp-session-id", session_id),
                ("mcp-protocol-version", PROTOCOL_VERSION),
            ]
        )
        params = dict(CALL)
    bodies = [rpc(ident, "tools/call", params) for ident in range(1, calls + 1)]
    status, answer = await driver.request(headers, bodies[0])  # warm-up, and a check
    assert status == 200 and b'"structuredContent"' in answer, answer
    per_call: list[float] = []
    for _ in range(rounds):
        if profile is not None:
            profile.enable()
        started = time.process_time()
        for body in bodies:
            await driver.request(headers, body)
        per_call.append((time.process_time() - started) / calls * 1e6)
        if profile is not None:
            profile.disable()
    await app.stop()
    await app.close()
    return per_call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="*", help="modern, streamable (default: both)")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cprofile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    for mode in args.mode or ["modern", "streamable"]:
        profile = cProfile.Profile() if args.cprofile else None
        per_call = asyncio.run(run(mode, args.calls, args.rounds, profile))
        print(
            f"{mode}: {statistics.median(per_call):.1f} us/call "
            f"(median of {args.rounds} x {args.calls:,}; min {min(per_call):.1f})"
        )
        if profile is not None:
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
