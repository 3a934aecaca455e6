"""Pushed new messages (issue 15): delivery lag to MCP subscribers and the idle cost.

    .venv/bin/python -m bench.push [--messages 200000] [--seconds 15] [--rate 10] [--encrypted]

Generates a WeChat 4.x store (4 shards) into bench/results/ (git-ignored; with --encrypted its
twin written by SQLCipher 4, as the tests' fixtures are) and serves it with the real server
(`python -m desktop --headless`, a subprocess pinned to CPU core 0; this process, the writer
and the subscribers, on core 1).

- Lag: a writer commits text messages at a steady `--rate` per second (WAL mode, one
  connection kept open, as WeChat writes; SQLite's default automatic checkpoint every 1,000
  pages unless `--autocheckpoint` says otherwise), turn by turn to 10 chats, so each chat gets one
  every second; each subscriber subscribes to those 10 chats' resources
  (`wechat://chats/{talker}/recent`). The lag of a message is the time from its commit to a
  subscriber reading `notifications/resources/updated` for its chat (each subscriber counts
  each message once). Subscribers are raw HTTP clients of either era: handshake sessions
  (`resources/subscribe`, the session's GET stream) or 2026-07-28 `subscriptions/listen`
  streams; 1 and 20 of them.
- Idle cost: the server's CPU time (user + system, psutil) over `--idle-seconds` with nothing
  arriving, with no subscriber (the feed rests) and with one (the feed looks at the shard
  files every 0.25 s).

The results go to bench/results/push[-encrypted]-<autocheckpoint>.json, the table to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from server.push.resources import chat_uri

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"
V4_SETTINGS = """PRAGMA cipher_default_page_size = 4096;
PRAGMA cipher_default_hmac_algorithm = HMAC_SHA512;
PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_SHA512;
PRAGMA cipher_default_kdf_iter = 256000;"""
MODERN = "2026-07-28"
HANDSHAKE = "2025-11-25"
CHATS = 10
SERVER_CORE, BENCH_CORE = 0, 1


def pin(core: int, pid: int = 0) -> None:
    if hasattr(os, "sched_setaffinity") and core < (os.cpu_count() or 1):
        os.sched_setaffinity(pid, {core})


def build_store(messages: int, encrypted: bool) -> tuple[Path, list[str]]:
    """A fresh copy of the generated store (writes change it) and 10 of its chats."""
    from devtools.demo import generate
    from server.wechat.model import Layout

    source = RESULTS / f"push-store-{messages}"
    marker = source / "talkers.json"
    if not marker.exists():
        shutil.rmtree(source, ignore_errors=True)
        began = time.perf_counter()
        dataset = generate(source, Layout.V4, messages=messages, shards=4, talkers=200)
        marker.write_text(json.dumps(dataset.talkers()))
        print(f"generated {messages:,} messages in {time.perf_counter() - began:.0f} s")
    talkers = [t for t in json.loads(marker.read_text()) if not t.endswith("@chatroom")][:CHATS]
    live = RESULTS / ("push-live-encrypted" if encrypted else "push-live")
    shutil.rmtree(live, ignore_errors=True)
    if not encrypted:
        shutil.copytree(source, live, ignore=shutil.ignore_patterns("talkers.json"))
        return live, talkers
    import sqlcipher3  # type: ignore[import-untyped]

    for plain in sorted(source.rglob("*.db")):
        target = live / plain.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlcipher3.connect(str(plain))) as connection:
            connection.executescript(
                f"{V4_SETTINGS}\nATTACH DATABASE '{target}' AS enc KEY X'{KEY}';\n"
                "SELECT sqlcipher_export('enc');\nDETACH DATABASE enc;"
            )
    return live, talkers


def open_writer(root: Path, encrypted: bool, autocheckpoint: int = 1000) -> Any:
    from devtools.demo.live import ShardWriter

    shard = max((root / "db_storage" / "message").glob("message_*.db"))
    if not encrypted:
        return ShardWriter(sqlite3.connect(shard, check_same_thread=False), autocheckpoint)
    import sqlcipher3

    connection = sqlcipher3.connect(str(shard), check_same_thread=False)
    connection.execute(f"PRAGMA hexkey = '{KEY}'")
    return ShardWriter(connection, autocheckpoint)


@asynccontextmanager
async def server(root: Path, encrypted: bool) -> AsyncIterator[tuple[str, psutil.Process]]:
    command = [sys.executable, "-m", "desktop", "--headless", "--port", "0", "--open-access"]
    command += ["--log-level", "warning", "--data-dir", str(root), "--no-search-index"]
    if encrypted:
        command += ["--key", "-"]  # from standard input: never in the process list
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    if encrypted:
        process.stdin.write(KEY.encode() + b"\n")
    process.stdin.close()
    pin(SERVER_CORE, process.pid)
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line.startswith("listening on "), line
        yield line.removeprefix("listening on ").strip(), psutil.Process(process.pid)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


@dataclass
class Subscriber:
    """One client of either era holding a stream of resource updates."""

    era: str
    uris: list[str]
    seen: list[tuple[str, float]] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, http: httpx.AsyncClient, url: str, number: int) -> None:
        if self.era == "modern":
            await self._listen(http, url, number)
        else:
            await self._session(http, url, number)

    async def _read(self, response: httpx.Response) -> None:
        async for line in response.aiter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("method") == "notifications/resources/updated":
                self.seen.append((message["params"]["uri"], time.perf_counter()))

    async def _listen(self, http: httpx.AsyncClient, url: str, number: int) -> None:
        body = {
            "jsonrpc": "2.0",
            "id": f"listen-{number}",
            "method": "subscriptions/listen",
            "params": {
                "notifications": {"resourceSubscriptions": self.uris},
                "_meta": {
                    "io.modelcontextprotocol/protocolVersion": MODERN,
                    "io.modelcontextprotocol/clientCapabilities": {},
                    "io.modelcontextprotocol/clientInfo": {
                        "name": f"bench-{number}",
                        "version": "1",
                    },
                },
            },
        }
        headers = {
            "accept": "application/json, text/event-stream",
            "mcp-protocol-version": MODERN,
            "mcp-method": "subscriptions/listen",
        }
        async with http.stream("POST", url + "/mcp", json=body, headers=headers) as response:
            lines = response.aiter_lines()
            async for line in lines:  # the acknowledgment comes first
                if line.startswith("data:"):
                    break
            self.ready.set()
            async for line in lines:
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("method") == "notifications/resources/updated":
                        self.seen.append((message["params"]["uri"], time.perf_counter()))

    async def _session(self, http: httpx.AsyncClient, url: str, number: int) -> None:
        accept = {"accept": "application/json, text/event-stream"}
        initialize = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": HANDSHAKE,
                "capabilities": {},
                "clientInfo": {"name": f"bench-{number}", "version": "1"},
            },
        }
        answer = await http.post(url + "/mcp", json=initialize, headers=accept)
        headers = {
            **accept,
            "mcp-session-id": answer.headers["mcp-session-id"],
            "mcp-protocol-version": HANDSHAKE,
        }
        note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await http.post(url + "/mcp", json=note, headers=headers)
        stream = {**headers, "accept": "text/event-stream"}
        async with http.stream("GET", url + "/mcp", headers=stream) as response:
            reading = asyncio.create_task(self._read(response))
            for index, uri in enumerate(self.uris):
                request = {
                    "jsonrpc": "2.0",
                    "id": index + 1,
                    "method": "resources/subscribe",
                    "params": {"uri": uri},
                }
                (await http.post(url + "/mcp", json=request, headers=headers)).raise_for_status()
            self.ready.set()
            await reading


def lags(subscriber: Subscriber, commits: dict[str, list[float]]) -> list[float]:
    """Per message: commit to the first notification of its chat after it."""
    found: list[float] = []
    pending = {uri: list(times) for uri, times in commits.items()}
    for uri, received in subscriber.seen:
        waiting = pending.get(uri, [])
        delivered = [t for t in waiting if t <= received]
        if delivered:  # every message of the chat committed before this notification
            found.extend(received - t for t in delivered)
            pending[uri] = [t for t in waiting if t > received]
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def lag_run(
    url: str, process: psutil.Process, writer: Any, talkers: list[str], args: Any, era: str, n: int
) -> dict[str, Any]:
    uris = [chat_uri(talker) for talker in talkers]
    subscribers = [Subscriber(era, uris) for _ in range(n)]
    limits = httpx.Limits(max_connections=4 * n + 10, max_keepalive_connections=4 * n + 10)
    async with httpx.AsyncClient(timeout=None, limits=limits) as http:
        tasks = [
            asyncio.create_task(s.run(http, url, number)) for number, s in enumerate(subscribers)
        ]
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subscribers)), 60)
        commits: dict[str, list[float]] = {uri: [] for uri in uris}
        cpu_before = process.cpu_times()
        began = time.perf_counter()
        count = int(args.seconds * args.rate)
        for index in range(count):
            due = began + index / args.rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            talker = talkers[index % len(talkers)]
            await asyncio.to_thread(
                writer.add_text, talker, f"bench message {index}", sender=talker
            )
            commits[chat_uri(talker)].append(time.perf_counter())
        await asyncio.sleep(2.0)  # the last messages' notifications
        cpu_after = process.cpu_times()
        elapsed = time.perf_counter() - began
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    samples = [lag for s in subscribers for lag in lags(s, commits)]
    expected = count * n
    cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    return {
        "era": era,
        "subscribers": n,
        "messages": count,
        "delivered": len(samples),
        "expected": expected,
        "p50_ms": statistics.median(samples) * 1000 if samples else None,
        "p99_ms": percentile(samples, 0.99) * 1000 if samples else None,
        "max_ms": max(samples) * 1000 if samples else None,
        "server_cpu_percent": 100 * cpu / elapsed,
    }


async def idle_run(url: str, process: psutil.Process, talkers: list[str], seconds: float) -> dict:
    async def cpu_over() -> float:
        before = process.cpu_times()
        await asyncio.sleep(seconds)
        after = process.cpu_times()
        return 100 * ((after.user + after.system) - (before.user + before.system)) / seconds

    result = {"nobody": await cpu_over()}
    subscriber = Subscriber("modern", [chat_uri(talkers[0])])
    async with httpx.AsyncClient(timeout=None) as http:
        task = asyncio.create_task(subscriber.run(http, url, 0))
        await asyncio.wait_for(subscriber.ready.wait(), 60)
        result["one_subscriber"] = await cpu_over()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument(
        "--autocheckpoint",
        type=int,
        default=1000,
        help="the writer's wal_autocheckpoint in pages (SQLite's default 1000; 0: never)",
    )
    args = parser.parse_args()
    pin(BENCH_CORE)
    RESULTS.mkdir(parents=True, exist_ok=True)
    root, talkers = build_store(args.messages, args.encrypted)
    writer = open_writer(root, args.encrypted, args.autocheckpoint)
    runs = []
    try:
        async with server(root, args.encrypted) as (url, process):
            await asyncio.sleep(2.0)  # opening the data settles
            idle = await idle_run(url, process, talkers, args.idle_seconds)
            for era in ("handshake", "modern"):
                for n in (1, 20):
                    run = await lag_run(url, process, writer, talkers, args, era, n)
                    runs.append(run)
                    print(json.dumps(run), flush=True)
    finally:
        writer.close()
    name = f"push{'-encrypted' if args.encrypted else ''}-{args.autocheckpoint}.json"
    (RESULTS / name).write_text(json.dumps({"args": vars(args), "idle": idle, "runs": runs}))
    kind = "encrypted" if args.encrypted else "plain"
    print(
        f"\n{kind}, {args.messages:,} messages, {args.rate:g} new messages/s, "
        f"writer's wal_autocheckpoint {args.autocheckpoint}"
    )
    print("| era | subscribers | delivered | p50 | p99 | max | server CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(
            f"| {run['era']} | {run['subscribers']} | {run['delivered']}/{run['expected']} "
            f"| {run['p50_ms']:.0f} ms | {run['p99_ms']:.0f} ms | {run['max_ms']:.0f} ms "
            f"| {run['server_cpu_percent']:.1f} % |"
        )
    print(
        f"\nidle server CPU: {idle['nobody']:.2f} % with no subscriber, "
        f"{idle['one_subscriber']:.2f} % with one (nothing arriving)"
    )


if __name__ == "__main__":
    asyncio.run(main())
