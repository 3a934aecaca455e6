"""Applying settings while serving: a live change against a restart, with clients connected.

A live change (here the worker count, alternating 8 and 9) builds a new Application for the
new config and lets the running one take it over (`Application.reconfigure`); a restart (what
every Apply did before, and what a new host or port still does) stops the server, which ends
every session, and starts a new one. Both over the demo data, with N handshake-era clients
initialized over Streamable HTTP before each round; the table gives the median time of the
apply itself and how many of the N sessions still answer a request afterwards.

    uv run python -m bench.settings_apply [--rounds 20] [--clients 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from server.app import Application
from server.client_tokens import ClientTokens, MemoryVault
from server.composition import build_application
from server.config import ServerConfig
from server.serving import ServerController

ACCEPT = "application/json, text/event-stream"
VERSION = "2025-11-25"


async def _open_sessions(http: httpx.AsyncClient, url: str, count: int) -> list[str]:
    sessions = []
    for number in range(count):
        response = await http.post(
            url + "/mcp",
            headers={"accept": ACCEPT},
            json={
                "jsonrpc": "2.0",
                "id": number,
                "method": "initialize",
                "params": {
                    "protocolVersion": VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "bench", "version": "1"},
                },
            },
        )
        sessions.append(response.headers["mcp-session-id"])
    return sessions


async def _still_answering(http: httpx.AsyncClient, url: str, sessions: list[str]) -> int:
    answered = 0
    for session in sessions:
        response = await http.post(
            url + "/mcp",
            headers={
                "accept": ACCEPT,
                "mcp-session-id": session,
                "mcp-protocol-version": VERSION,
            },
            json={"jsonrpc": "2.0", "id": "p", "method": "ping"},
        )
        answered += response.status_code == 200
    return answered


def _build(config: ServerConfig, tokens: ClientTokens) -> Application:
    return build_application(config, tokens=tokens)


async def measure(rounds: int, clients: int) -> dict[str, tuple[float, float]]:
    tokens = ClientTokens(MemoryVault())
    config = ServerConfig(port=0)
    application = _build(config, tokens)
    controller = ServerController(application)
    address = await controller.start()
    results: dict[str, tuple[float, float]] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        live_times, live_kept = [], []
        for number in range(rounds):
            sessions = await _open_sessions(http, address.url, clients)
            changed = config.model_copy(update={"workers": 8 + (number + 1) % 2})
            began = time.perf_counter()
            await application.reconfigure(_build(changed, tokens))
            live_times.append(time.perf_counter() - began)
            live_kept.append(await _still_answering(http, address.url, sessions))
            config = changed
        results["live (workers)"] = (statistics.median(live_times), statistics.mean(live_kept))

        restart_times, restart_kept = [], []
        for _ in range(rounds):
            sessions = await _open_sessions(http, address.url, clients)
            began = time.perf_counter()
            await controller.stop()
            await application.close()
            application = _build(config.model_copy(update={"port": address.port}), tokens)
            controller = ServerController(application)
            address = await controller.start()
            restart_times.append(time.perf_counter() - began)
            restart_kept.append(await _still_answering(http, address.url, sessions))
        results["restart (host/port)"] = (
            statistics.median(restart_times),
            statistics.mean(restart_kept),
        )
    await controller.stop()
    await application.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    results = asyncio.run(measure(args.rounds, args.clients))
    print(f"| Apply | median time | sessions answering after (of {args.clients}) |")
    print("| --- | --- | --- |")
    for name, (seconds, kept) in results.items():
        print(f"| {name} | {seconds * 1000:.1f} ms | {kept:.0f} |")


if __name__ == "__main__":
    main()
