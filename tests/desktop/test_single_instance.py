"""Single instance: a second launch wakes the first one up and steps aside."""

import asyncio
import uuid

import pytest

from desktop.single_instance import SingleInstance

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


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
