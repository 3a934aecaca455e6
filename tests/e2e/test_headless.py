"""`chatlog-tray --headless` as a user runs it: a real process, real signals."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

COMMAND = [sys.executable, "-m", "desktop", "--headless"]


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*COMMAND, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the server is ready (or dies)
    assert line.startswith("listening on http://127.0.0.1:"), process.stderr.read()
    return process, line.removeprefix("listening on ").strip()


# Seconds an exit may take: normally under one, and a hang would take until killed.
EXIT_WITHIN = 10


def stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(signum)
    process.communicate(timeout=30)  # also closes the pipes
    return process.returncode, time.monotonic() - started


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_headless_prints_its_address_serves_and_exits_zero_on_a_signal(signum):
    process, url = start("--port", "0")
    try:
        assert httpx.get(url + "/health", timeout=30).json()["status"] == "ok"
    finally:
        code, elapsed = stop(process, signum)
    assert code == 0 and elapsed < EXIT_WITHIN


def test_a_signal_with_an_open_stream_still_exits_cleanly_within_seconds():
    process, url = start("--port", "0")
    with httpx.Client(timeout=30) as client, client.stream("GET", url + "/sse") as stream:
        lines = stream.iter_lines()
        assert next(lines) == "event: endpoint"
        code, elapsed = stop(process)
        rest = list(lines)  # the stream ends instead of hanging
    assert code == 0 and elapsed < EXIT_WITHIN
    assert all(not line or line.startswith((":", "data:")) for line in rest)


def test_a_token_from_a_file_guards_the_server_and_never_shows_in_the_process_list(tmp_path):
    token = "token-from-a-file-0123456789"
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    process, url = start("--port", "0", "--token-file", str(token_file))
    try:
        sessions = url + "/api/v1/mcp/sessions"
        assert httpx.get(sessions, timeout=30).status_code == 401
        authorized = {"authorization": f"Bearer {token}"}
        assert httpx.get(sessions, headers=authorized, timeout=30).status_code == 200
        seen_by_others = command_line(process.pid)
        assert "--token-file" in seen_by_others
        assert token not in seen_by_others
    finally:
        stop(process)


def command_line(pid: int) -> str:
    """The process's command line as any other user of the computer can read it."""
    if sys.platform == "win32":
        query = f"(Get-CimInstance Win32_Process -Filter 'ProcessId={pid}').CommandLine"
        arguments = ["powershell", "-NoProfile", "-Command", query]
    elif os.path.exists(f"/proc/{pid}/cmdline"):
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode()
    else:
        arguments = ["ps", "-ww", "-o", "args=", "-p", str(pid)]
    return subprocess.run(arguments, capture_output=True, text=True, timeout=30).stdout


def test_a_busy_port_is_reported_and_the_exit_code_says_so():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        result = subprocess.run(
            [*COMMAND, "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert result.stdout == ""


def test_bad_settings_are_rejected_with_a_readable_message():
    result = subprocess.run(
        [*COMMAND, "--queue-capacity", "0"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "queue_capacity" in result.stderr


def test_headless_mode_never_imports_qt():
    code = (
        "import sys, runpy; sys.argv = ['chatlog-tray', '--headless', '--port', '0'];"
        "import desktop.main, server.headless, server.composition;"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_without_a_display_the_tray_app_says_to_use_headless_instead_of_crashing():
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        env=environment,
    )
    assert result.returncode == 2
    assert "no display" in result.stderr and "--headless" in result.stderr
