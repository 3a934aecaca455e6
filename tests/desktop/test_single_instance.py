"""Single instance: a second launch wakes the first one up and steps aside."""

import asyncio
import os
import stat
import sys
import threading
import uuid
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from desktop import single_instance
from desktop.single_instance import SingleInstance

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

ROOT = Path(__file__).resolve().parents[2]


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
    async with asyncio.timeout(30):
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
    async with asyncio.timeout(30):
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
    async with asyncio.timeout(30):
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
    async with asyncio.timeout(30):
        assert await process.wait() == 0
        await woken.wait()
    first.release()


async def test_an_instance_that_crashed_does_not_block_the_next_launch():
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    address = SingleInstance(key).address
    # A real crash: another process claims the lock and dies without releasing it. On Linux
    # and macOS that leaves the socket file behind; a Windows named pipe dies with it.
    script = (
        "import os, sys\n"
        "from desktop.single_instance import SingleInstance\n"
        "assert SingleInstance(sys.argv[1]).claim()\n"
        "os._exit(0)\n"
    )
    crashed = await asyncio.create_subprocess_exec(sys.executable, "-c", script, key, cwd=str(ROOT))
    async with asyncio.timeout(30):
        assert await crashed.wait() == 0
    if sys.platform != "win32":
        assert _mode(address) is not None  # the stale socket is there
    instance = SingleInstance(key)
    assert instance.claim()
    if sys.platform != "win32":
        assert _mode(address) == 0o600  # only this user may connect
    woken = asyncio.Event()
    instance.activated.connect(woken.set)
    assert not SingleInstance(key).claim()
    async with asyncio.timeout(30):
        await woken.wait()
    instance.release()
    if sys.platform != "win32":
        assert _mode(address) is None


async def test_a_launch_that_says_nothing_is_dropped_and_the_next_one_still_hands_over(
    monkeypatch,
):
    monkeypatch.setattr(single_instance, "TIMEOUT_S", 0.2)  # how long a mute peer is waited for
    key = f"chatlog-tray-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(key)
    assert first.claim()
    woken = asyncio.Event()
    first.activated.connect(woken.set)
    with Client(first.address):  # connects, says nothing
        # This launch waits behind the mute one, and may give up waiting for the answer.
        assert not SingleInstance(key).claim()
        async with asyncio.timeout(30):
            await woken.wait()
    first.release()


async def test_release_without_claim_is_harmless():
    instance = SingleInstance(f"chatlog-tray-test-{uuid.uuid4().hex[:8]}")
    instance.release()
    assert instance.claim()
    instance.release()
    instance.release()
