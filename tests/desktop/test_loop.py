"""The loop the desktop runs on: qasync, and stable under many callbacks."""

import asyncio
import sys

import pytest
import qasync

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


async def test_desktop_tests_run_on_a_qasync_loop():
    assert isinstance(asyncio.get_running_loop(), qasync.QEventLoop)


async def test_asyncgen_hooks_are_installed_on_the_qasync_loop():
    loop = asyncio.get_running_loop()
    assert sys.get_asyncgen_hooks().finalizer == loop._asyncgen_finalizer_hook


async def test_many_loop_callbacks_survive():
    # PySide6 6.12.0 under Python <=3.11 leaked a reference to None per killTimer, and qasync
    # starts and kills a timer for every callback: ~8,000 callbacks aborted the process.
    # 3.12+ makes None immortal; this keeps the guard in case the interpreter changes.
    loop = asyncio.get_running_loop()
    before = sys.getrefcount(None)
    for _ in range(20_000):
        await asyncio.sleep(0)
    done = asyncio.Event()
    remaining = [5_000]

    def tick() -> None:
        remaining[0] -= 1
        if remaining[0]:
            loop.call_soon(tick)
        else:
            done.set()

    loop.call_soon(tick)
    async with asyncio.timeout(30):
        await done.wait()
    # On 3.12+ None is immortal and its count is a constant; below, it must not shrink.
    assert sys.getrefcount(None) >= before - 1000
