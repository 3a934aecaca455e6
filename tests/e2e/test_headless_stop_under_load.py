"""SIGTERM ends `chatlog-tray --headless` within seconds even while hostile queries run.

Queries run on worker threads, which the event loop cannot stop: a signal must call them off
(their budget's cancel flag, seen between rows and by SQLite), or the process would wait for
every one of them. The store reads WAL-mode databases through private copies in a temporary
folder, which must be gone after the exit.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest

from devtools.demo import generate
from server.wechat.model import Layout
from tests.support import ACCEPT_BOTH, initialize, rpc

MESSAGES = 120_000
QUERIES = 8  # more than the store's worker threads, so some also wait in its queue


@pytest.fixture(scope="module")
def wal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stop-under-load")
    generate(root, Layout.V4, messages=MESSAGES, wal=True)
    return root


def start(data_dir: Path, temp: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        # --open-access: this test is about stopping, not about who may read the data.
        [
            sys.executable,
            "-m",
            "desktop",
            "--headless",
            "--port",
            "0",
            "--open-access",
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(temp)},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), process.stderr.read()
    return process, line.removeprefix("listening on ").strip()


def fire(url: str, over_mcp: bool) -> None:
    """One slow query across every chat; its answer (or the cut connection) is not awaited."""
    keyword = "(.*.*)*(@)"
    try:
        with httpx.Client(timeout=30) as client:
            if over_mcp:
                response = client.post(
                    url + "/mcp", json=initialize(), headers={"accept": ACCEPT_BOTH}
                )
                session = response.headers.get("mcp-session-id")
                if session is None:
                    return  # the server was already stopping
                headers = {
                    "accept": ACCEPT_BOTH,
                    "mcp-session-id": session,
                    "mcp-protocol-version": "2025-11-25",
                }
                arguments = {"keyword": keyword, "limit": 0}
                body = rpc("tools/call", {"name": "query_chat_log", "arguments": arguments})
                client.post(url + "/mcp", json=body, headers=headers)
            else:
                client.get(url + "/api/v1/chatlog", params={"keyword": keyword})
    except httpx.HTTPError:
        pass  # the server went away mid-answer: that is the point


def wait_until_queries_run(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        queue = httpx.get(url + "/health", timeout=30).json()["queue"]
        if queue["running"] >= 2:
            return
        time.sleep(0.02)
    raise AssertionError("the queries never started")


def cpu_seconds(process: subprocess.Popen[str]) -> float:
    times = psutil.Process(process.pid).cpu_times()
    return times.user + times.system


def wait_until_busy(process: subprocess.Popen[str], since: float) -> None:
    """API requests do not go through the MCP queue, which /health counts: wait until the
    server has spent a second of CPU time on them instead (idle, it spends next to none)."""
    deadline = time.monotonic() + 30
    while cpu_seconds(process) - since < 1.0:
        if time.monotonic() > deadline:
            raise AssertionError("the queries never started")
        time.sleep(0.02)


@pytest.mark.parametrize("over_mcp", [True, False], ids=["mcp", "api"])
def test_sigterm_exits_within_seconds_while_slow_queries_run(
    wal_data_dir: Path, tmp_path: Path, over_mcp: bool
) -> None:
    process, url = start(wal_data_dir, tmp_path)
    idle = cpu_seconds(process)
    clients = [
        threading.Thread(target=fire, args=(url, over_mcp), daemon=True) for _ in range(QUERIES)
    ]
    for client in clients:
        client.start()
    if over_mcp:
        wait_until_queries_run(url)
    else:
        wait_until_busy(process, idle)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    elapsed = time.monotonic() - started
    assert process.returncode == 0
    # A stop closes MCP sessions at once, which cancels their work; API requests get
    # Hypercorn's 3 s grace first (docs/architecture.md), then are cancelled. Uncancelled,
    # these queries would hold the exit for far longer: each would run on to its 15 s budget.
    # (Normally 0.5 s and 3.5 s; the bounds leave room for a loaded machine, not for that.)
    assert elapsed < (10 if over_mcp else 12)
    assert not list(tmp_path.glob("chatlog-tray-wal-*"))  # the private WAL copies are gone
