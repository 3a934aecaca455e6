"""Single instance: a second launch wakes the first one up and steps aside."""

import asyncio
import os
import socket
import stat
import sys
import threading
import uuid
from pathlib import Path

import pytest

from desktop.single_instance import SingleInstance

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

ROOT = Path(__file__).resolve().parents[2]


def _leave_stale_socket(address: str) -> None:
    # What a crash leaves behind: the socket file, with nobody listening on it.
    crashed = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    crashed.bind(address)
    crashed.listen()
    crashed.close()


def _mode(address: str) -> int | None:
    """The permission bits of the socket file, None if there is none."""
    try:
        return stat.S_IMODE(os.stat(address).st_mode)
    except FileNotFoundError:
        return None


async def test_a_second_instance_hands_over_to_the_first():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(key)
    assert first.claim()
    woken = asyncio.Event()
    first.activated.connect(woken.set)
    second = SingleInstance(key)
    assert not second.claim()
    async with asyncio.timeout(5):
        await woken.wait()
    first.release()


async def test_the_lock_is_free_again_after_release():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(key)
    assert first.claim()
    first.release()
    again = SingleInstance(key)
    assert again.claim()
    again.release()


async def test_the_app_window_comes_to_the_front_when_woken(make_app):
    app = make_app(serve=False)
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    instance = SingleInstance(key)
    assert instance.claim()
    instance.activated.connect(app.window.bring_to_front)
    assert not app.window.isVisible()
    shown = asyncio.Event()
    instance.activated.connect(shown.set)
    assert not SingleInstance(key).claim()
    async with asyncio.timeout(5):
        await shown.wait()
    assert app.window.isVisible()
    instance.release()


async def test_the_wake_up_arrives_on_the_gui_thread():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(key)
    assert first.claim()
    threads = []
    woken = asyncio.Event()
    first.activated.connect(lambda: (threads.append(threading.get_ident()), woken.set()))
    assert not SingleInstance(key).claim()
    async with asyncio.timeout(5):
        await woken.wait()
    assert threads == [threading.get_ident()]
    first.release()


async def test_a_launch_in_another_process_hands_over():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(key)
    assert first.claim()
    woken = asyncio.Event()
    first.activated.connect(woken.set)
    script = (
        "import sys\n"
        "from desktop.single_instance import SingleInstance\n"
        "sys.exit(0 if not SingleInstance(sys.argv[1]).claim() else 3)\n"
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", script, key, cwd=str(ROOT))
    async with asyncio.timeout(20):
        assert await process.wait() == 0
        await woken.wait()
    first.release()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes vanish with their process")
async def test_a_socket_left_by_a_crashed_instance_is_taken_over():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    address = SingleInstance(key).address
    _leave_stale_socket(address)
    assert _mode(address) is not None
    instance = SingleInstance(key)
    assert instance.claim()
    assert _mode(address) == 0o600  # only this user may connect
    woken = asyncio.Event()
    instance.activated.connect(woken.set)
    assert not SingleInstance(key).claim()
    async with asyncio.timeout(5):
        await woken.wait()
    instance.release()
    assert _mode(address) is None


async def test_release_without_claim_is_harmless():
    instance = SingleInstance(f"chatlog-tray-test-{uuid.uuid4().hex[:8]}")
    instance.release()
    assert instance.claim()
    instance.release()
    instance.release()
