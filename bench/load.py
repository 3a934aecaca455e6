"""Load generator for the MCP benchmarks; runs in its own process, apart from the server.

Modes:
  streamable  N sessions x M `tools/call` each, all sessions concurrent: `initialize`,
              `notifications/initialized`, then M sequential calls, then DELETE.
  sse         the same over HTTP+SSE: GET /sse, read the endpoint event, POST each message
              (202) and read its answer from the stream.
  modern      N clients x M stateless 2026-07-28 `tools/call` each, all clients concurrent: no
              initialize and no session; each POST carries the era's headers and `_meta`, with
              a `clientInfo` name per client. One warm-up call per client before the measure.
  post        N keep-alive connections x M plain POSTs (the Hypercorn / Quart floors); with
              `--era modern`, the request a `modern` client sends for a call.
  hold        open N idle HTTP+SSE sessions (initialized), hold them, then close them.
  churn       K connect/disconnect cycles of HTTP+SSE sessions, then (with --sessions-api)
              wait for `/api/v1/mcp/sessions` to report 0.

With --sync the generator stops at each phase boundary, prints `phase NAME` and waits for a line
on stdin, so that the orchestrator can read the server's CPU time and memory at exactly the
right moments (e.g. after every session is initialized and before the first call). The result
is printed last, as one line `result {json}`.

    python -m bench.load streamable --port 5030 --sessions 20 --calls 200
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.httpclient import Connection, SseEvent

PROTOCOL_VERSION = "2025-11-25"
MODERN_VERSION = "2026-07-28"
JSON_HEADERS = [
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
]
CALL = {"name": "current_time", "arguments": {}}


def rpc(ident: int, method: str, params: dict[str, Any] | None = None) -> bytes:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message, separators=(",", ":")).encode()


def notification(method: str) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "method": method}, separators=(",", ":")).encode()


INITIALIZE_PARAMS = {
    "protocolVersion": PROTOCOL_VERSION,
    "capabilities": {},
    "clientInfo": {"name": "bench-load", "version": "1"},
}


class ProtocolError(Exception):
    """An answer that is not what a correct server sends."""


class Phases:
    """Phase boundaries; with `sync`, each one waits for the orchestrator's go-ahead."""

    def __init__(self, sync: bool) -> None:
        self.sync = sync
        self.client_cpu: dict[str, float] = {}

    async def mark(self, name: str) -> None:
        self.client_cpu[name] = time.process_time()
        if self.sync:
            print(f"phase {name}", flush=True)
            line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
            if not line:
                raise SystemExit("the orchestrator went away")


@dataclass
class CallStats:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    streamed_answers: int = 0
    error_count: int | None = None  # counted exactly by the modes that go on after an error

    def error(self, text: str) -> None:
        if self.error_count is not None:
            self.error_count += 1
        if len(self.errors) < 20:
            self.errors.append(text)
        else:
            self.errors[-1] = f"... and more ({text})"


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def summarize(stats: CallStats, wall: float, client_cpu: float, expected: int) -> dict[str, Any]:
    latencies = sorted(stats.latencies)
    done = len(latencies)
    if stats.error_count is not None:
        errors: int | str = stats.error_count
    else:
        errors = len(stats.errors) if len(stats.errors) < 20 else f"{len(stats.errors)}+"
    return {
        "calls": done,
        "expected_calls": expected,
        "errors": errors,
        "error_samples": stats.errors[:5],
        "streamed_answers": stats.streamed_answers,
        "wall_s": wall,
        "req_per_s": done / wall if wall > 0 else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": (latencies[-1] * 1000) if latencies else float("nan"),
        "client_cpu_s": client_cpu,
        "client_cpu_per_call_ms": client_cpu / done * 1000 if done else float("nan"),
    }


def check_result(body: dict[str, Any], ident: int) -> None:
    if body.get("id") != ident or "result" not in body:
        raise ProtocolError(f"unexpected answer: {json.dumps(body)[:200]}")
    if body["result"].get("isError"):
        raise ProtocolError(f"tool failed: {json.dumps(body)[:200]}")


# --- Streamable HTTP -------------------------------------------------------------------------


class StreamableSession:
    def __init__(self, host: str, port: int, path: str) -> None:
        self.conn = Connection(host, port)
        self.path = path
        self.headers = list(JSON_HEADERS)
        self.ids = itertools.count(1)

    async def _post(self, body: bytes, stats: CallStats | None = None) -> dict[str, Any] | None:
        response = await self.conn.request("POST", self.path, self.headers, body)
        if response.status == 202:
            return None
        if response.status != 200:
            raise ProtocolError(f"HTTP {response.status}: {response.body[:200]!r}")
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            if stats is not None:
                stats.streamed_answers += 1
            return _last_sse_message(response.body)
        answer: dict[str, Any] = json.loads(response.body)
        return answer

    async def initialize(self) -> None:
        await self.conn.connect()
        ident = next(self.ids)
        response = await self.conn.request(
            "POST", self.path, self.headers, rpc(ident, "initialize", INITIALIZE_PARAMS)
        )
        if response.status != 200 or "mcp-session-id" not in response.headers:
            raise ProtocolError(f"initialize: HTTP {response.status} {response.body[:200]!r}")
        self.headers += [
            ("mcp-session-id", response.headers["mcp-session-id"]),
            ("mcp-protocol-version", PROTOCOL_VERSION),
        ]
        if await self._post(notification("notifications/initialized")) is not None:
            raise ProtocolError("notifications/initialized was answered")

    async def call(self, stats: CallStats) -> None:
        ident = next(self.ids)
        started = time.perf_counter()
        answer = await self._post(rpc(ident, "tools/call", CALL), stats)
        elapsed = time.perf_counter() - started
        if answer is None:
            raise ProtocolError("tools/call got 202")
        check_result(answer, ident)
        stats.latencies.append(elapsed)

    async def close(self) -> None:
        try:
            await self.conn.request("DELETE", self.path, self.headers)
        finally:
            await self.conn.close()


def _last_sse_message(body: bytes) -> dict[str, Any]:
    lines = body.replace(b"\r\n", b"\n").split(b"\n")
    messages = [
        json.loads(line[5:]) for line in lines if line.startswith(b"data:") and line[5:].strip()
    ]
    if not messages:
        raise ProtocolError("empty event stream")
    answer: dict[str, Any] = messages[-1]
    return answer


# --- 2026-07-28, stateless -------------------------------------------------------------------


def modern_headers(method: str, name: str | None = None) -> list[tuple[str, str]]:
    """The headers a 2026-07-28 request carries besides content-type and accept."""
    headers = [*JSON_HEADERS, ("mcp-protocol-version", MODERN_VERSION), ("mcp-method", method)]
    if name is not None:
        headers.append(("mcp-name", name))
    return headers


def modern_call_params(client_name: str) -> dict[str, Any]:
    """`tools/call` params with the `_meta` every 2026-07-28 request carries."""
    return {
        **CALL,
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": {"name": client_name, "version": "1"},
        },
    }


MODERN_CALL_HEADERS = modern_headers("tools/call", CALL["name"])


class ModernClient:
    """One 2026-07-28 client: a keep-alive connection and self-contained `tools/call` POSTs.

    Its `clientInfo` name is its own, so the server's registry sees one client per instance.
    """

    def __init__(self, host: str, port: int, path: str, name: str) -> None:
        self.conn = Connection(host, port)
        self.path = path
        self.params = modern_call_params(name)
        self.ids = itertools.count(1)

    async def connect(self) -> None:
        await self.conn.connect()

    async def call(self, stats: CallStats) -> None:
        ident = next(self.ids)
        body = rpc(ident, "tools/call", self.params)
        started = time.perf_counter()
        response = await self.conn.request("POST", self.path, MODERN_CALL_HEADERS, body)
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise ProtocolError(f"HTTP {response.status}: {response.body[:200]!r}")
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            stats.streamed_answers += 1
            answer = _last_sse_message(response.body)
        else:
            answer = json.loads(response.body)
        check_result(answer, ident)
        if answer["result"].get("resultType") != "complete":
            raise ProtocolError(f"not a complete result: {json.dumps(answer)[:200]}")
        stats.latencies.append(elapsed)

    async def close(self) -> None:
        await self.conn.close()


async def run_modern(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    """`modern`: N concurrent clients x M sequential stateless calls.

    There is no initialize, so a client is "ready" after one warm-up call: its connection is
    open and the server has met it (its registry entry exists), as a session is after
    initialize in `streamable`. Every answer is checked; a wrong one is counted and the
    client goes on (there is no session state to break), a broken connection ends it.
    """
    clients = [
        ModernClient(args.host, args.port, args.path, f"bench-load-{index}")
        for index in range(args.sessions)
    ]
    warmup = CallStats()

    async def ready(client: ModernClient) -> None:
        await client.connect()
        await client.call(warmup)

    opened = await gather_limited([lambda c=c: ready(c) for c in clients], args.connect_limit)
    setup_errors = failures(opened)
    live = [c for c, r in zip(clients, opened, strict=True) if not isinstance(r, BaseException)]
    stats = CallStats(errors=list(setup_errors[:5]), error_count=0)

    async def calls(client: ModernClient) -> None:
        for _ in range(args.calls):
            try:
                await client.call(stats)
            except ProtocolError as error:
                stats.error(repr(error))
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                stats.error(repr(error))
                return

    await phases.mark("ready")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(calls(c) for c in live))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await phases.mark("called")
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    result = summarize(stats, wall, cpu, args.sessions * args.calls)
    result["sessions"] = len(live)
    result["setup_errors"] = len(setup_errors)
    result["warmup_streamed_answers"] = warmup.streamed_answers
    return result


# --- HTTP+SSE --------------------------------------------------------------------------------


class SseSession:
    def __init__(self, host: str, port: int, sse_path: str) -> None:
        self.host = host
        self.port = port
        self.sse_path = sse_path
        self.stream_conn = Connection(host, port)
        self.post_conn = Connection(host, port)
        self.endpoint = ""
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def open(self) -> None:
        status, events = await self.stream_conn.stream(self.sse_path)
        if status != 200:
            raise ProtocolError(f"GET {self.sse_path}: HTTP {status}")
        first = await anext(events)
        if first.event != "endpoint":
            raise ProtocolError(f"first event is {first.event!r}, not endpoint")
        self.endpoint = first.data
        self._reader = asyncio.create_task(self._read(events))

    async def _read(self, events: AsyncIterator[SseEvent]) -> None:
        try:
            async for event in events:
                if event.event != "message":
                    continue
                message = json.loads(event.data)
                future = self.pending.pop(message.get("id", -1), None)
                if future is not None and not future.done():
                    future.set_result(message)
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            reason: BaseException = error
        else:
            reason = ConnectionResetError("the stream ended")
        for future in self.pending.values():
            if not future.done():
                future.set_exception(reason)

    async def _post(self, body: bytes) -> None:
        response = await self.post_conn.request("POST", self.endpoint, JSON_HEADERS, body)
        if response.status != 202:
            raise ProtocolError(f"POST {self.endpoint}: HTTP {response.status}")

    async def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        ident = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        await self._post(rpc(ident, method, params))
        answer = await future
        check_result(answer, ident)
        return answer

    async def initialize(self) -> None:
        await self.request("initialize", INITIALIZE_PARAMS)
        await self._post(notification("notifications/initialized"))

    async def call(self, stats: CallStats) -> None:
        started = time.perf_counter()
        await self.request("tools/call", CALL)
        stats.latencies.append(time.perf_counter() - started)

    async def close_posts(self) -> None:
        await self.post_conn.close()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.post_conn.close()
        await self.stream_conn.close()


# --- modes -----------------------------------------------------------------------------------


async def gather_limited(jobs: list[Callable[[], Awaitable[Any]]], limit: int) -> list[Any]:
    """Run the jobs with at most `limit` at once; exceptions are returned, not raised."""
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with semaphore:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs), return_exceptions=True)


def failures(results: list[Any]) -> list[str]:
    return [repr(result) for result in results if isinstance(result, BaseException)]


async def run_sessions(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    """`streamable` and `sse`: N concurrent sessions x M sequential calls."""
    sessions: list[StreamableSession | SseSession]
    if args.mode == "streamable":
        sessions = [
            StreamableSession(args.host, args.port, args.path) for _ in range(args.sessions)
        ]
        opened = await gather_limited([s.initialize for s in sessions], args.connect_limit)
    else:
        sse_sessions = [SseSession(args.host, args.port, args.path) for _ in range(args.sessions)]
        sessions = list(sse_sessions)

        async def open_and_initialize(session: SseSession) -> None:
            await session.open()
            await session.initialize()

        opened = await gather_limited(
            [lambda s=s: open_and_initialize(s) for s in sse_sessions], args.connect_limit
        )
    setup_errors = failures(opened)
    live = [s for s, r in zip(sessions, opened, strict=True) if not isinstance(r, BaseException)]
    stats = CallStats(errors=list(setup_errors[:5]))

    async def calls(session: StreamableSession | SseSession) -> None:
        for _ in range(args.calls):
            try:
                await session.call(stats)
            except (ProtocolError, ConnectionError, asyncio.IncompleteReadError) as error:
                stats.error(repr(error))
                return

    await phases.mark("ready")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(calls(s) for s in live))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await phases.mark("called")
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    result = summarize(stats, wall, cpu, args.sessions * args.calls)
    result["sessions"] = len(live)
    result["setup_errors"] = len(setup_errors)
    return result


# What a Streamable HTTP session sends with every call after initialize, so that the floor
# pays for the same headers (h11 validates each one).
SESSION_HEADERS = [
    *JSON_HEADERS,
    ("mcp-session-id", "3f1c2a9e-5b7d-4e2f-8a61-0c9d8e7f6a5b"),
    ("mcp-protocol-version", PROTOCOL_VERSION),
]


async def run_post(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    """`post`: N keep-alive connections x M POSTs of the same request a session call sends
    (`--era modern`: the same request a 2026-07-28 client sends)."""
    if args.era == "modern":
        body = rpc(1, "tools/call", modern_call_params("bench-load-0"))
        headers = MODERN_CALL_HEADERS
    else:
        body = rpc(1, "tools/call", CALL)
        headers = SESSION_HEADERS
    connections = [Connection(args.host, args.port) for _ in range(args.sessions)]
    await gather_limited([c.connect for c in connections], args.connect_limit)
    stats = CallStats()

    async def posts(conn: Connection) -> None:
        for _ in range(args.calls):
            started = time.perf_counter()
            response = await conn.request("POST", args.path, headers, body)
            elapsed = time.perf_counter() - started
            if response.status != 200:
                stats.error(f"HTTP {response.status}")
                return
            stats.latencies.append(elapsed)

    await phases.mark("ready")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(posts(c) for c in connections))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    await phases.mark("called")
    await asyncio.gather(*(c.close() for c in connections))
    return summarize(stats, wall, cpu, args.sessions * args.calls)


async def run_hold(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    """`hold`: N initialized HTTP+SSE sessions held idle, then closed."""
    sessions = [SseSession(args.host, args.port, args.path) for _ in range(args.sessions)]

    async def open_one(session: SseSession) -> None:
        await session.open()
        if args.initialize:
            await session.initialize()
        await session.close_posts()  # only the idle stream stays open

    await phases.mark("empty")
    started = time.perf_counter()
    results = await gather_limited([lambda s=s: open_one(s) for s in sessions], args.connect_limit)
    open_seconds = time.perf_counter() - started
    errors = failures(results)
    held = len(sessions) - len(errors)
    await phases.mark("held")
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    drained = await wait_for_zero_sessions(args) if args.sessions_api else None
    await phases.mark("released")
    return {
        "held": held,
        "errors": len(errors),
        "error_samples": errors[:5],
        "open_seconds": open_seconds,
        "sessions_after_close": drained,
    }


async def run_churn(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    """`churn`: K cycles of open an HTTP+SSE session, read its endpoint, disconnect."""
    counter = itertools.count()
    errors: list[str] = []

    async def cycle_worker() -> None:
        while next(counter) < args.cycles:
            session = SseSession(args.host, args.port, args.path)
            try:
                await session.open()
                if args.initialize:
                    await session.initialize()
            except (ProtocolError, OSError, asyncio.IncompleteReadError) as error:
                if len(errors) < 20:
                    errors.append(repr(error))
            finally:
                await session.close()

    await phases.mark("before")
    started = time.perf_counter()
    await asyncio.gather(*(cycle_worker() for _ in range(args.connect_limit)))
    wall = time.perf_counter() - started
    remaining = await wait_for_zero_sessions(args) if args.sessions_api else None
    await phases.mark("after")
    return {
        "cycles": args.cycles,
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": wall,
        "cycles_per_s": args.cycles / wall,
        "sessions_after": remaining,
    }


async def session_count(args: argparse.Namespace) -> int:
    conn = Connection(args.host, args.port)
    try:
        response = await conn.request("GET", "/api/v1/mcp/sessions")
    finally:
        await conn.close()
    count: int = json.loads(response.body)["count"]
    return count


async def wait_for_zero_sessions(args: argparse.Namespace, timeout: float = 10.0) -> int:
    """Poll the session API until it reports 0 (or the timeout); return the last count."""
    deadline = time.monotonic() + timeout
    while True:
        count = await session_count(args)
        if count == 0 or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.05)


MODES: dict[str, Callable[[argparse.Namespace, Phases], Awaitable[dict[str, Any]]]] = {
    "streamable": run_sessions,
    "sse": run_sessions,
    "modern": run_modern,
    "post": run_post,
    "hold": run_hold,
    "churn": run_churn,
}
DEFAULT_PATHS = {
    "streamable": "/mcp",
    "sse": "/sse",
    "modern": "/mcp",
    "post": "/",
    "hold": "/sse",
    "churn": "/sse",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="MCP load generator", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", help="endpoint (default: /mcp, /sse or / by mode)")
    parser.add_argument(
        "--sessions", type=int, default=20, help="sessions, clients or connections (N)"
    )
    parser.add_argument("--calls", type=int, default=200, help="calls per session (M)")
    parser.add_argument("--cycles", type=int, default=10_000, help="churn cycles (K)")
    parser.add_argument(
        "--connect-limit", type=int, default=32, help="sessions opened at once (churn: in parallel)"
    )
    parser.add_argument(
        "--initialize",
        action=argparse.BooleanOptionalAction,
        help="hold/churn: initialize each session (default: hold yes, churn no)",
    )
    parser.add_argument(
        "--era",
        choices=["handshake", "modern"],
        default="handshake",
        help="post: send a session's call (handshake) or a 2026-07-28 call (modern)",
    )
    parser.add_argument(
        "--sessions-api", action="store_true", help="server has /api/v1/mcp/sessions (ours)"
    )
    parser.add_argument("--sync", action="store_true", help="wait on stdin at each phase")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU core")
    return parser


async def amain(args: argparse.Namespace) -> dict[str, Any]:
    phases = Phases(args.sync)
    cpu0 = time.process_time()
    result = await MODES[args.mode](args, phases)
    result["mode"] = args.mode
    result["client_cpu_total_s"] = time.process_time() - cpu0
    return result


def main() -> None:
    args = build_parser().parse_args()
    args.path = args.path or DEFAULT_PATHS[args.mode]
    if args.initialize is None:
        args.initialize = args.mode != "churn"
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    result = asyncio.run(amain(args))
    print("result " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
