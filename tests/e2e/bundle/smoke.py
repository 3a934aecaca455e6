"""Smoke test of a built bundle (a script, not collected by pytest):

    python -m tests.e2e.bundle.smoke dist/chatlog-tray/chatlog-tray
    python -m tests.e2e.bundle.smoke "dist/Chatlog Tray.app/Contents/MacOS/chatlog-tray"
    python -m tests.e2e.bundle.smoke dist/chatlog-tray/chatlog-tray --measure 7   # timings

1. Headless: `--headless --port 0`, read the `listening on` line, GET /health, open an SSE
   session and `tools/call current_time` with the official MCP SDK client, then a demo
   picture and voice message through `get_media` (the bundle's Pillow, SILK and LAME
   libraries at work), the same `current_time` call through the bundle's `stdio` bridge,
   then SIGTERM and expect exit code 0.
2. GUI: the same binary without --headless, with QT_QPA_PLATFORM=offscreen and `--port 0`;
   the app logs `listening on http://HOST:PORT` (stderr, and always its log file); GET
   /health, then SIGTERM and expect exit code 0.

Every launch gets its own settings, log and temp folders (XDG_*, HOME, TMPDIR), so neither
the user's settings nor a running copy of the app (the single-instance lock) get in the way,
and the keychain is replaced by keyring's fail backend. Windows has no SIGTERM for a GUI
process: there the process is killed and only "it served" is checked.

--measure N repeats both launches N times and prints the median launch-to-serving time:
from just before the process starts to the first answered /health.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

LISTENING = re.compile(r"listening on (http://\S+)")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
WINDOWS = sys.platform == "win32"


class SmokeError(AssertionError):
    pass


def isolated_env(root: Path, gui: bool) -> dict[str, str]:
    """An environment whose settings, logs and lock files all live under `root`."""
    env = dict(os.environ)
    for name in (
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "XDG_DATA_HOME",
        "XDG_CACHE_HOME",
        "XDG_RUNTIME_DIR",
        "TMPDIR",
    ):
        (root / name).mkdir(mode=0o700)
        env[name] = str(root / name)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONUNBUFFERED"] = "1"
    if gui:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def log_file(env: dict[str, str]) -> Path:
    """The app's log file (server/logging_setup.py) as platformdirs computes it for `env`."""
    import platformdirs

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Path(platformdirs.user_log_dir("chatlog-tray", appauthor=False), "chatlog-tray.log")
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass
class Launched:
    process: subprocess.Popen[str]
    log: Path
    started: float
    lines: list[str] = field(default_factory=list)
    _log_offset: int = 0

    def _pump(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line.rstrip("\n"))

    def start_readers(self) -> None:
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                threading.Thread(target=self._pump, args=(stream,), daemon=True).start()
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0

    def _log_lines(self) -> list[str]:
        # Windowed Windows builds have no stdout or stderr; the log file always has the line.
        try:
            with self.log.open("rb") as handle:
                handle.seek(self._log_offset)
                return handle.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return []

    def wait_for_url(self, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in [*self.lines, *self._log_lines()]:
                if match := LISTENING.search(line):
                    return match.group(1)
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the readers drain
                raise SmokeError(
                    f"exited with {self.process.returncode} before serving:\n{self.output()}"
                )
            time.sleep(0.01)
        raise SmokeError(f"no 'listening on' line after {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        return "\n".join([*self.lines, "--- log file ---", *self._log_lines()])

    def stop(self) -> int | None:
        """SIGTERM and the exit code (POSIX); on Windows kill it and return None."""
        if WINDOWS:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SmokeError(f"still running {STOP_TIMEOUT:.0f} s after SIGTERM") from None


@contextmanager
def launch(binary: Path, *args: str, gui: bool) -> Iterator[Launched]:
    with tempfile.TemporaryDirectory(prefix="chatlog-smoke-") as scratch:
        env = isolated_env(Path(scratch), gui)
        log = log_file(env)
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(binary), *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
        )
        launched = Launched(process, log, started)
        launched.start_readers()
        try:
            yield launched
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(STOP_TIMEOUT)


def health(url: str) -> float:
    """GET /health until it answers 200 (the server may still be binding); returns the time."""
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(timeout=5) as client:
        while True:
            try:
                response = client.get(url + "/health")
                if response.status_code == 200 and response.json().get("status") == "ok":
                    return time.perf_counter()
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SmokeError(f"{url}/health never answered 200")
            time.sleep(0.01)


async def sdk_call_current_time(url: str) -> str:
    """An SSE session with the official MCP SDK client and one tools/call."""
    from mcp import ClientSession
    from mcp.client.sse import sse_client

    async with asyncio.timeout(30):
        async with sse_client(url + "/sse") as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
            if "current_time" not in [tool.name for tool in tools.tools]:
                raise SmokeError(f"current_time is not among {tools.tools}")
            result = await session.call_tool("current_time", {})
            is_error = getattr(result, "is_error", getattr(result, "isError", None))
            if is_error or not result.content:
                raise SmokeError(f"tools/call current_time failed: {result}")
            return str(getattr(result.content[0], "text", result.content[0]))


# A demo chat with both a picture and a voice message (devtools/demo's corpus).
MEDIA_CHAT = "wxid_chenjing"
MEDIA_LABEL = re.compile(r"\[(图片|语音) ref=([\w-]+)\]")


async def sdk_get_demo_media(url: str) -> list[str]:
    """One picture and one voice message of the demo, through `get_media`: the picture comes
    back as image content, the voice as MP3 audio; a summary of each for the log."""
    import base64

    from mcp import ClientSession
    from mcp.client.sse import sse_client

    async with asyncio.timeout(30):
        async with sse_client(url + "/sse") as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            log = await session.call_tool(
                "query_chat_log", {"talker": MEDIA_CHAT, "time": "2024", "limit": 500}
            )
            text = "".join(getattr(block, "text", "") for block in log.content)
            refs = {label: ref for label, ref in MEDIA_LABEL.findall(text)}
            if set(refs) != {"图片", "语音"}:
                raise SmokeError(f"no picture and voice message in {MEDIA_CHAT}: {text[:300]}")
            wanted = [(refs["图片"], "image", {}), (refs["语音"], "audio", {"voice_format": "mp3"})]
            summaries = []
            for ref, kind, extra in wanted:
                result = await session.call_tool("get_media", {"ref": ref, **extra})
                blocks = [block for block in result.content if block.type == kind]
                is_error = getattr(result, "is_error", getattr(result, "isError", None))
                if is_error or len(blocks) != 1:
                    raise SmokeError(f"get_media {ref} gave no {kind}: {result}")
                data = base64.b64decode(getattr(blocks[0], "data", ""))
                mime = getattr(blocks[0], "mime_type", getattr(blocks[0], "mimeType", ""))
                summaries.append(f"{kind} {mime} {len(data)} B")
            return summaries


async def stdio_call_current_time(binary: Path, url: str) -> str:
    """The bundle's own `stdio` bridge, driven by the SDK's stdio client, relaying to `url`."""
    from mcp import Client, StdioServerParameters

    bridge = StdioServerParameters(command=str(binary), args=["stdio", "--url", url])
    async with asyncio.timeout(30), Client(bridge, mode="auto") as client:
        result = await client.call_tool("current_time", {})
        if result.is_error or not result.content:
            raise SmokeError(f"stdio bridge: tools/call current_time failed: {result}")
        return str(getattr(result.content[0], "text", result.content[0]))


def check_exit(launched: Launched, mode: str) -> None:
    code = launched.stop()
    if code is None:
        print(f"[smoke] {mode}: killed (Windows: no SIGTERM for a windowed process)")
    elif code != 0:
        raise SmokeError(f"{mode}: exit code {code} after SIGTERM:\n{launched.output()}")
    else:
        print(f"[smoke] {mode}: SIGTERM -> exit 0")


def run_headless(binary: Path, full: bool = True) -> float:
    with launch(binary, "--headless", "--port", "0", gui=False) as launched:
        url = launched.wait_for_url()
        serving = health(url) - launched.started
        if full:
            print(f"[smoke] headless: serving {url} after {serving:.2f} s; /health ok")
            now = asyncio.run(sdk_call_current_time(url))
            print(f"[smoke] headless: SSE session, tools/call current_time -> {now}")
            media = asyncio.run(sdk_get_demo_media(url))
            print(f"[smoke] headless: get_media on the demo -> {', '.join(media)}")
            now = asyncio.run(stdio_call_current_time(binary, url))
            print(f"[smoke] headless: stdio bridge, tools/call current_time -> {now}")
        check_exit(launched, "headless") if full else launched.stop()
        return serving


def run_gui(binary: Path, full: bool = True) -> float:
    with launch(binary, "--port", "0", gui=True) as launched:
        url = launched.wait_for_url()
        serving = health(url) - launched.started
        if full:
            print(f"[smoke] gui (offscreen): serving {url} after {serving:.2f} s; /health ok")
        check_exit(launched, "gui") if full else launched.stop()
        return serving


def measure(binary: Path, runs: int) -> None:
    for name, run in (("headless", run_headless), ("gui offscreen", run_gui)):
        run(binary, full=False)  # warm the page cache once, like a second launch
        times = [run(binary, full=False) for _ in range(runs)]
        print(
            f"[measure] {name}: median {statistics.median(times):.3f} s, "
            f"min {min(times):.3f} s, max {max(times):.3f} s over {runs} runs "
            f"({', '.join(f'{t:.3f}' for t in times)})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", type=Path, help="the bundle's executable")
    parser.add_argument("--skip-gui", action="store_true", help="only the headless checks")
    parser.add_argument("--measure", type=int, metavar="N", help="time N launches of each")
    args = parser.parse_args(argv)
    binary = args.binary.resolve()
    if not binary.is_file():
        parser.error(f"{binary} is not a file")
    started = time.monotonic()
    try:
        if args.measure:
            measure(binary, args.measure)
            return 0
        run_headless(binary)
        if not args.skip_gui:
            run_gui(binary)
    except SmokeError as error:
        print(f"[smoke] FAILED: {error}", file=sys.stderr)
        return 1
    print(f"[smoke] passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
