"""Webhook delivery lag under a steady stream of new messages, for 1 and 20 hooks.

    .venv/bin/python -m bench.webhook_lag [--hooks 1 20] [--rate 10] [--seconds 30] [--encrypted]

Two processes, as in real life: this one runs the whole application (headless mode's
`build_application`, one `--webhook` per receiver) over a generated WeChat 4.x store in WAL
mode; a second process plays the outside world: it holds the receivers (HTTP servers on
127.0.0.1) and the writer, which commits `rate` text messages a second to the store as WeChat
does (one connection, WAL, no checkpoint). The lag of a message at one receiver is the time
from its commit returning in the writer to its POST arriving at that receiver (CLOCK_MONOTONIC,
shared by both processes). Also reported: messages missing or received twice or out of order
(all must be 0), and this process's CPU time (server, feed and hooks) per second of stream.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the outside world imports the tests' SQLCipher helpers

from devtools.demo import generate  # noqa: E402
from devtools.demo.live import ShardWriter  # noqa: E402
from server.wechat.crypto.params import V4  # noqa: E402
from server.wechat.model import Layout  # noqa: E402

TALKERS = ("wxid_alice01", "wxid_bob02", "20001@chatroom")
WARM_UP = 5
KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"


# The outside world: receivers and the writer -------------------------------------------------


class Receivers:
    def __init__(self) -> None:
        self.arrivals: list[dict[str, float]] = []  # per receiver: message text -> arrival
        self.orders: list[list[str]] = []
        self.duplicates = 0
        self._changed = asyncio.Event()

    async def wait_for(self, count: int, timeout: float) -> None:
        """Until every receiver has `count` messages, or `timeout` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while any(len(arrivals) < count for arrivals in self.arrivals):
                    self._changed.clear()
                    await self._changed.wait()

    async def start(self, count: int) -> list[int]:
        ports = []
        for index in range(count):
            self.arrivals.append({})
            self.orders.append([])
            server = await asyncio.start_server(
                functools.partial(self._serve, index), "127.0.0.1", 0
            )
            ports.append(server.sockets[0].getsockname()[1])
        return ports

    async def _serve(
        self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                arrived = time.monotonic()
                for message in json.loads(body)["messages"]:
                    text = message["content"]
                    if text in self.arrivals[index]:
                        self.duplicates += 1
                    self.arrivals[index][text] = arrived
                    self.orders[index].append(text)
                self._changed.set()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


def open_writer(shard: Path, key: str | None) -> ShardWriter:
    if key is None:
        return ShardWriter(sqlite3.connect(shard, check_same_thread=False))
    import sqlcipher3  # type: ignore[import-untyped]

    connection = sqlcipher3.connect(str(shard), check_same_thread=False)
    connection.executescript(
        f"""PRAGMA hexkey = '{key}';
        PRAGMA cipher_page_size = {V4.page_size};
        PRAGMA kdf_iter = {V4.kdf_iterations};
        PRAGMA cipher_hmac_algorithm = HMAC_SHA512;
        PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA512;"""
    )
    return ShardWriter(connection)


async def outside(args: argparse.Namespace) -> None:
    receivers = Receivers()
    ports = await receivers.start(args.hooks)
    print("ports " + ",".join(map(str, ports)), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "go"
    writer = open_writer(Path(args.shard), args.key)
    # A few messages first, not measured: the first delivery opens connections and warms up.
    for n in range(WARM_UP):
        await loop.run_in_executor(None, writer.add_text, TALKERS[n % 3], f"warm-up {n}")
        await asyncio.sleep(0.1)
    await receivers.wait_for(WARM_UP, 10)
    committed: dict[str, float] = {}
    interval = 1.0 / args.rate
    began = time.monotonic()
    for n in range(args.count):
        await asyncio.sleep(max(0.0, began + n * interval - time.monotonic()))
        text = f"bench message {n}"
        await loop.run_in_executor(None, writer.add_text, TALKERS[n % 3], text)
        committed[text] = time.monotonic()
    expected = len(committed)
    await receivers.wait_for(WARM_UP + expected, 10)
    writer.close()
    lags = [
        round((arrivals[text] - moment) * 1000, 2)
        for arrivals in receivers.arrivals
        for text, moment in committed.items()
        if text in arrivals
    ]
    order = list(committed)
    result = {
        "lags_ms": lags,
        "missing": sum(expected - len(set(a) & set(order)) for a in receivers.arrivals),
        "duplicates": receivers.duplicates,
        "out_of_order": sum(
            [t for t in o if t in committed] != [t for t in order if t in o]
            for o in receivers.orders
        ),
        "stream_seconds": time.monotonic() - began,
    }
    print(json.dumps(result), flush=True)


# The server side --------------------------------------------------------------------------


def prepare(directory: Path, encrypted: bool) -> tuple[Path, str | None]:
    plain = directory / "plain"
    generate(plain, Layout.V4, messages=3000, shards=2, wal=True)
    if not encrypted:
        return plain, None
    from tests.unit.wechat.crypto.conftest import encrypt_tree

    return encrypt_tree(plain, directory / "encrypted", V4, KEY), KEY


async def run_case(
    root: Path, key: str | None, hooks: int, rate: float, seconds: float
) -> dict[str, Any]:
    from server.client_tokens import ClientTokens, MemoryVault
    from server.composition import build_application
    from server.config import ServerConfig
    from server.serving import ServerController

    shard = max((root / "db_storage" / "message").glob("message_*.db"))
    count = int(rate * seconds)
    command = [sys.executable, "-m", "bench.webhook_lag", "--outside", "--shard", str(shard)]
    command += ["--hooks", str(hooks), "--rate", str(rate), "--count", str(count)]
    if key:
        command += ["--key", key]
    child = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        limit=64 * 2**20,  # the result line lists every delivery's lag
    )
    assert child.stdout is not None and child.stdin is not None
    ports = (await child.stdout.readline()).decode().split()[1].split(",")
    webhooks = tuple({"url": f"http://127.0.0.1:{port}/hook"} for port in ports)
    config = ServerConfig(port=0, data_dir=root, key=key, open_access=True, webhooks=webhooks)
    application = build_application(config, tokens=ClientTokens(MemoryVault()))
    controller = ServerController(application)
    await controller.start()
    try:
        while not application.webhooks.listening:  # noqa: ASYNC110 - a property, no event
            await asyncio.sleep(0.01)
        cpu = time.process_time()
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        result: dict[str, Any] = json.loads(await child.stdout.readline())
        result["cpu_per_second"] = (time.process_time() - cpu) / result["stream_seconds"]
        await child.wait()
    finally:
        await controller.stop()
        await application.close()
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def main(args: argparse.Namespace) -> None:
    # Imported by the server at its first start, on a worker thread: not part of the stream.
    import server.web.app  # noqa: F401

    with tempfile.TemporaryDirectory() as directory:
        root, key = prepare(Path(directory), args.encrypted)
        kind = "encrypted" if key else "plain"
        print(f"{kind} 4.x store, {args.rate:g} messages/s for {args.seconds:g} s")
        print(
            "| hooks | deliveries | lag p50 ms | lag p99 ms | max ms "
            "| missing/dup/out of order | server CPU |"
        )
        print("|---:|---:|---:|---:|---:|---|---:|")
        for hooks in args.hook_counts:
            result = await run_case(root, key, hooks, args.rate, args.seconds)
            lags = result["lags_ms"]
            if args.thirds:
                # In commit order, per third of the stream (does the lag grow with the -wal?).
                per_hook = len(lags) // hooks
                thirds = [
                    statistics.median(
                        lag
                        for start in range(0, len(lags), per_hook)
                        for lag in lags[start:][:per_hook][part * per_hook // 3 :][: per_hook // 3]
                    )
                    for part in range(3)
                ]
                print("p50 per third of the stream (ms): " + ", ".join(f"{t:.0f}" for t in thirds))
            print(
                f"| {hooks} | {len(lags)} | {statistics.median(lags):.0f} | "
                f"{percentile(lags, 0.99):.0f} | {max(lags):.0f} | "
                f"{result['missing']}/{result['duplicates']}/{result['out_of_order']} | "
                f"{result['cpu_per_second'] * 100:.1f} % |",
                flush=True,
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--hooks", dest="hook_counts", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--rate", type=float, default=10.0, help="new messages per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--encrypted", action="store_true")
    parser.add_argument(
        "--thirds", action="store_true", help="also the p50 per third of the stream"
    )
    parser.add_argument("--outside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--shard", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.outside:
        parsed.hooks = parsed.hook_counts[0]
        asyncio.run(outside(parsed))
    else:
        asyncio.run(main(parsed))
