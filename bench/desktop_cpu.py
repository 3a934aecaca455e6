"""The tray app's CPU per tools/call against headless mode's, under the same load, one run.

The desktop app serves from the Qt event loop and shows every client live in its window; a
busy client must not cost it much more than the headless server. Both run as subprocesses
(the desktop one offscreen, with no tray, so its sessions window is open as the main window),
each in its own scratch HOME; the load is N Streamable HTTP sessions x M `tools/call` of
`current_time`, from this process. Server CPU is read with psutil around the calls only.

    uv run python -m bench.desktop_cpu                 # 20 sessions x 250 calls, 3 rounds
    uv run python -m bench.desktop_cpu --quick
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
LISTENING = re.compile(r"listening on (http://[\d.]+:\d+)")
ACCEPT = "application/json, text/event-stream"
SCRATCH_DIRS = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


class App:
    """One server subprocess in a scratch HOME; `url` once it listens."""

    def __init__(self, desktop: bool, scratch: Path) -> None:
        env = dict(os.environ)
        for name in SCRATCH_DIRS:
            (scratch / name).mkdir(mode=0o700, parents=True)
            env[name] = str(scratch / name)
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        env["PYTHONUNBUFFERED"] = "1"
        # Info, on both: the desktop app reports its address in the log ("listening on").
        command = [sys.executable, "-m", "desktop", "--port", "0", "--log-level", "info"]
        if desktop:
            env["QT_QPA_PLATFORM"] = "offscreen"
        else:
            command.append("--headless")
        self.name = "desktop" if desktop else "headless"
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.url = self._wait_for_address()
        self.ps = psutil.Process(self.process.pid)

    def _wait_for_address(self) -> str:
        found: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                match = LISTENING.search(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30):
            self.process.kill()
            raise RuntimeError(f"the {self.name} app did not start")
        return found[0]

    def cpu(self) -> float:
        times = self.ps.cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def session_calls(client: httpx.AsyncClient, url: str, calls: int) -> None:
    headers = {"accept": ACCEPT}
    init = {
        "jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "bench", "version": "1"}},
    }  # fmt: skip
    response = await client.post(url + "/mcp", json=init, headers=headers)
    headers |= {
        "mcp-session-id": response.headers["mcp-session-id"],
        "mcp-protocol-version": "2025-11-25",
    }
    for number in range(1, calls + 1):
        call = {
            "jsonrpc": "2.0", "id": number, "method": "tools/call",
            "params": {"name": "current_time", "arguments": {}},
        }  # fmt: skip
        answer = await client.post(url + "/mcp", json=call, headers=headers)
        assert "result" in answer.json(), answer.text
    await client.delete(url + "/mcp", headers=headers)


async def load(url: str, sessions: int, calls: int) -> None:
    limits = httpx.Limits(max_connections=sessions)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(session_calls(client, url, calls) for _ in range(sessions)))


def measure(app: App, sessions: int, calls: int) -> float:
    """Server CPU ms per call for one load (sessions are set up inside the window too)."""
    before = app.cpu()
    asyncio.run(load(app.url, sessions, calls))
    time.sleep(0.3)  # the window's last batch of events (150 ms) lands inside the window
    return (app.cpu() - before) / (sessions * (calls + 2)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--calls", type=int, default=250)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.calls, args.rounds = 4, 50, 1
    with tempfile.TemporaryDirectory() as scratch:
        apps = [App(False, Path(scratch, "headless")), App(True, Path(scratch, "desktop"))]
        try:
            for app in apps:
                measure(app, 2, 50)  # warm up: imports, first connections
            results: dict[str, list[float]] = {app.name: [] for app in apps}
            for _ in range(args.rounds):  # interleaved, so a disturbance hits both
                for app in apps:
                    results[app.name].append(measure(app, args.sessions, args.calls))
        finally:
            for app in apps:
                app.stop()
    headless = statistics.median(results["headless"])
    desktop = statistics.median(results["desktop"])
    print(f"sessions x calls: {args.sessions} x {args.calls}, rounds: {args.rounds}")
    for name, values in results.items():
        shown = ", ".join(f"{value:.3f}" for value in values)
        print(f"{name:9} server CPU ms/request: median {statistics.median(values):.3f} ({shown})")
    print(f"desktop / headless: {desktop / headless:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
