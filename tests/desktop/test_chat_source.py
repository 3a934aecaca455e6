"""The window's chat source: it follows the server's data, and goes back with it when a new
folder could not be served."""

from pathlib import Path

import pytest

from desktop.chat_source import ChatSource
from devtools.demo import generate
from server.wechat.model import Layout

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


async def test_undoing_a_switch_brings_back_the_store_still_served(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    generate(first, Layout.V4, messages=60)
    generate(second, Layout.WINDOWS_V3, messages=60)
    chats = ChatSource((first, None, ()))
    served = chats.store
    assert chats.switch((second, None, ())) and chats.path == second
    chats.undo_switch()  # the server could not be built on `second`
    assert chats.store is served and chats.path == first
    page = await chats.sessions("", 10, 0)  # closes what was retired: never the served store
    assert page.total > 0 and (await served.sessions(None, 1, 0)).total > 0
    await chats.close()
