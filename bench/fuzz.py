"""Throw random and mutated bodies at a real `chatlog-tray --headless` and count what breaks.

    uv run python bench/fuzz.py [--bodies 4000] [--seed 10] [--concurrency 8]

Starts the server on the demo data (default flags), opens a Streamable HTTP session and
sends, in random order: tool calls whose arguments are hostile values (tests/hostile_inputs.py)
or random JSON, JSON-RPC bodies with mutated structure, byte-mutated and truncated bodies, and
API requests with hostile parameters. Records bodies sent, 5xx answers, -32603 answers, HTML
answers, transport failures, and the server's RSS before and after. Results go to stdout and
bench/results/fuzz.json. Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.hostile_inputs import (  # noqa: E402  (the tests folder is not installed)
    ALL_VALUES,
    RAW_QUERY_VALUES,
    ROUTES,
    TOOLS,
    as_query_value,
)

RESULTS = Path(__file__).resolve().parent / "results"
ACCEPT = "application/json, text/event-stream"
PROTOCOL = "2025-11-25"


def random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 1, 2**31, 2**63, -(2**64), 10**40, rng.randint(-1000, 1000)])
    if kind == 3:
        return rng.choice([0.5, -1e308, 1e-300, 3.0])
    if kind in (4, 5):
        return rng.choice(ALL_VALUES) if rng.random() < 0.5 else rng.choice(["", "x", "火锅"])
    if kind in (6, 7):
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["a", "limit", "time", ""]): random_json(rng, depth + 1) for _ in range(3)}


def tool_call(rng: random.Random, request_id: int) -> dict[str, Any]:
    name = rng.choice([*TOOLS, "no_such_tool"])
    parameters = TOOLS.get(name, ["x"])
    arguments = {
        parameter: rng.choice(ALL_VALUES) if rng.random() < 0.8 else random_json(rng)
        for parameter in rng.sample(parameters, rng.randint(1, len(parameters)))
    }
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def mutated_structure(rng: random.Random, request_id: int) -> dict[str, Any]:
    body: dict[str, Any] = tool_call(rng, request_id)
    field = rng.choice(["jsonrpc", "id", "method", "params", "name", "arguments"])
    if field in ("name", "arguments"):
        body["params"][field] = random_json(rng)
    else:
        body[field] = random_json(rng)
    if rng.random() < 0.2:
        body["method"] = rng.choice(
            ["tools/list", "resources/read", "prompts/get", "ping", "initialize", "x/y"]
        )
    return body


def mutated_bytes(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 8)):
        choice = rng.randrange(4)
        if not data:
            break
        at = rng.randrange(len(data))
        if choice == 0:
            data[at] = rng.randrange(256)
        elif choice == 1:
            del data[at:]
        elif choice == 2:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 5)))
        else:
            data[at:at] = data[at : at + rng.randint(1, 50)] * rng.randint(2, 50)
    return bytes(data)


class Tally:
    def __init__(self) -> None:
        self.sent = Counter[str]()
        self.status = Counter[int]()
        self.rpc_errors = Counter[int]()
        self.html = 0
        self.transport_failures = 0
        self.examples: dict[str, str] = {}

    def record(self, kind: str, response: httpx.Response | None, sample: str) -> None:
        self.sent[kind] += 1
        if response is None:
            self.transport_failures += 1
            self.examples.setdefault("transport failure", sample)
            return
        self.status[response.status_code] += 1
        if response.status_code >= 500:
            self.examples.setdefault(f"{response.status_code}", sample)
        if "html" in response.headers.get("content-type", ""):
            self.html += 1
            self.examples.setdefault("html", sample)
        if response.headers.get("content-type", "").startswith("application/json"):
            try:
                answer = response.json()
            except ValueError:
                return
            answers = answer if isinstance(answer, list) else [answer]
            for item in answers:
                if isinstance(item, dict) and isinstance(item.get("error"), dict):
                    code = item["error"].get("code")
                    if isinstance(code, int):
                        self.rpc_errors[code] += 1
                        if code == -32603:
                            self.examples.setdefault("-32603", sample)


async def one(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], rng: random.Random, n: int
) -> tuple[str, httpx.Response | None, str]:
    kind = rng.choice(["tool", "tool", "structure", "bytes", "api", "api"])
    try:
        if kind == "api":
            route = rng.choice(list(ROUTES))
            parameter = rng.choice(ROUTES[route])
            if rng.random() < 0.2:
                query = f"{parameter}={rng.choice(RAW_QUERY_VALUES)}"
                sample = f"GET {route}?{query}"
                return kind, await client.get(f"{url}{route}?limit=5&{query}"), sample
            value = as_query_value(rng.choice(ALL_VALUES))[:4000]
            value = value.encode("utf-8", "replace").decode("utf-8")
            params = {"limit": "5", parameter: value}
            sample = f"GET {route} {parameter}={value[:60]!r}"
            return kind, await client.get(url + route, params=params), sample
        body = tool_call(rng, n) if kind == "tool" else mutated_structure(rng, n)
        data = json.dumps(body).encode()
        if kind == "bytes":
            data = mutated_bytes(rng, data)
        sent = {**headers, "content-type": "application/json"}
        sample = data[:200].decode("utf-8", "replace")
        return kind, await client.post(url + "/mcp", content=data, headers=sent), sample
    except httpx.HTTPError as error:
        return kind, None, f"{kind}: {error!r}"


async def fuzz(url: str, bodies: int, seed: int, concurrency: int, tally: Tally) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=60) as client:
        init = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": PROTOCOL,
                "capabilities": {},
                "clientInfo": {"name": "fuzz", "version": "1"},
            },
        }
        response = await client.post(url + "/mcp", json=init, headers={"accept": ACCEPT})
        headers = {
            "accept": ACCEPT,
            "mcp-session-id": response.headers["mcp-session-id"],
            "mcp-protocol-version": PROTOCOL,
        }
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        await client.post(url + "/mcp", json=initialized, headers=headers)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(1, bodies + 1):
            queue.put_nowait(n)

        async def worker(worker_seed: int) -> None:
            worker_rng = random.Random(worker_seed)
            while not queue.empty():
                n = queue.get_nowait()
                tally.record(*await one(client, url, headers, worker_rng, n))

        await asyncio.gather(*(worker(rng.randrange(2**32)) for _ in range(concurrency)))


def rss_mib(process: psutil.Process) -> float:
    return process.memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--source", type=Path, default=ROOT, help="source tree to run (e.g. an older commit)"
    )
    options = parser.parse_args()

    server = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--headless", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(options.source)},
        cwd=options.source,
    )
    assert server.stdout is not None
    url = server.stdout.readline().removeprefix("listening on ").strip()
    watched = psutil.Process(server.pid)
    httpx.get(url + "/health", timeout=5)
    httpx.get(url + "/api/v1/session", timeout=5)  # Quart is built on first API use
    rss_before = rss_mib(watched)
    tally = Tally()
    started = time.monotonic()
    asyncio.run(fuzz(url, options.bodies, options.seed, options.concurrency, tally))
    elapsed = time.monotonic() - started
    health = httpx.get(url + "/health", timeout=5).json()
    rss_after = rss_mib(watched)
    stopped = time.monotonic()
    server.send_signal(signal.SIGTERM)
    _, stderr = server.communicate(timeout=30)
    result = {
        "bodies_sent": sum(tally.sent.values()),
        "by_kind": dict(tally.sent),
        "status": {str(k): v for k, v in sorted(tally.status.items())},
        "status_5xx": sum(v for k, v in tally.status.items() if k >= 500),
        "rpc_internal_errors_32603": tally.rpc_errors[-32603],
        "rpc_errors": {str(k): v for k, v in sorted(tally.rpc_errors.items())},
        "html_answers": tally.html,
        "transport_failures": tally.transport_failures,
        "rss_mib_before": round(rss_before, 1),
        "rss_mib_after": round(rss_after, 1),
        "seconds": round(elapsed, 1),
        "health_after": health["status"],
        "exit_code": server.returncode,
        "exit_seconds": round(time.monotonic() - stopped, 2),
        "tracebacks_logged": stderr.count("Traceback"),
        "examples": tally.examples,
        "command": " ".join(sys.argv),
        "seed": options.seed,
        "source": str(options.source),
    }
    RESULTS.mkdir(exist_ok=True)
    name = "fuzz.json" if options.source == ROOT else f"fuzz-{options.source.name}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
