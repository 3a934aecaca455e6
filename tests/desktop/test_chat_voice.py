"""A chat's voice messages have a play link in the sessions window: it plays the message from
memory, turns into Stop while it plays, and says why when it cannot play."""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from pathlib import Path

import miniaudio
import pytest
from PySide6.QtCore import QUrl

from desktop import app as desktop_app
from desktop import tasks, voice_player
from desktop.app import DesktopApp
from desktop.sessions_window import SessionsWindow
from devtools.demo import generate
from devtools.demo.media import write_media
from server.config import ServerConfig
from server.wechat.model import Layout
from tests.desktop.chat_pane import open_chat_named
from tests.support import wait_until

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

VOICE_LINK = re.compile(r"href=[\"']voice:([^\"']+)[\"']")


async def open_chat_with_voices(make_app, root: Path, layout: Layout) -> DesktopApp:
    dataset = generate(root, layout, messages=300, shards=1)
    write_media(dataset, root, layout, b"0123456789abcdef")
    voices = Counter(message.talker for message in dataset.messages if message.type == 34)
    chat = voices.most_common(1)[0][0]
    app = make_app(ServerConfig(port=0, data_dir=root), serve=False)
    window = app.window
    await open_chat_named(window, chat)
    return app


def voice_refs(window: SessionsWindow) -> list[str]:
    return VOICE_LINK.findall(window.messages.toHtml())


async def test_a_voice_message_plays_from_its_link_and_shows_stop_meanwhile(
    make_app, tmp_path: Path
):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)).window
    refs = voice_refs(window)
    assert refs, "every voice message has a play link"
    html = window.messages.toHtml()
    assert "Stop" not in html
    window.messages.anchorClicked.emit(QUrl(f"voice:{refs[-1]}"))
    await wait_until(lambda: window.voice_player.playing == refs[-1])
    assert "■ Stop" in window.messages.toHtml()
    assert window.voice_status.text().startswith("Playing 0:0")
    await wait_until(lambda: window.voice_player.playing is None)
    assert "Stop" not in window.messages.toHtml()
    assert window.voice_status.text() == ""


async def test_clicking_stop_ends_the_voice_message(make_app, tmp_path: Path):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)).window
    ref = voice_refs(window)[0]
    await window.toggle_voice(ref)
    assert window.voice_player.playing == ref
    await window.toggle_voice(ref)
    assert window.voice_player.playing is None
    assert "Stop" not in window.messages.toHtml()


async def test_a_voice_message_wechat_never_kept_says_so(make_app, tmp_path: Path):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.DARWIN_V3)).window
    refs = voice_refs(window)
    assert refs
    await window.toggle_voice(refs[0])
    assert window.voice_player.playing is None
    assert "keeps no voice messages on disk" in window.voice_status.text()


async def test_without_sound_output_the_window_says_so(make_app, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(voice_player, "OUTPUT_BACKENDS", (miniaudio.Backend.WEBAUDIO,))
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)).window
    await window.toggle_voice(voice_refs(window)[0])
    assert window.voice_player.playing is None
    assert window.voice_status.text() == "Cannot play: no sound output device could be opened"


async def test_quitting_the_app_stops_the_voice_message(make_app, tmp_path: Path, monkeypatch):
    # The device is shut within the time a quit gives it (not 1 s on a stalled machine).
    monkeypatch.setattr(desktop_app, "VOICE_STOP_TIMEOUT", 30.0)
    closed: list[object] = []
    close = voice_player._close

    def record_close(device: miniaudio.PlaybackDevice) -> None:
        close(device)
        closed.append(device)

    monkeypatch.setattr(voice_player, "_close", record_close)
    app = await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)
    await app.window.toggle_voice(voice_refs(app.window)[0])
    assert app.window.voice_player.playing is not None
    await app.shutdown()
    assert app.window.voice_player.playing is None
    assert len(closed) == 1


async def test_a_quit_that_gives_up_on_a_hung_sound_output_leaves_the_player_idle(
    make_app, tmp_path: Path, monkeypatch, caplog
):
    released = threading.Event()
    close = voice_player._close

    def hung_close(device: miniaudio.PlaybackDevice) -> None:
        released.wait(60)  # a sound server that does not answer
        close(device)

    monkeypatch.setattr(voice_player, "_close", hung_close)
    monkeypatch.setattr(desktop_app, "VOICE_STOP_TIMEOUT", 0.2)
    app = await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)
    await app.window.toggle_voice(voice_refs(app.window)[0])
    assert app.window.voice_player.playing is not None
    try:
        await app.shutdown()
        assert app.window.voice_player.playing is None
        assert "the sound output did not close within" in caplog.text
    finally:
        released.set()
        await tasks.drain(timeout=30)  # the device is shut on its thread all the same


async def test_a_message_still_opening_does_not_play_once_another_chat_is_shown(
    make_app, tmp_path: Path
):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)).window
    opening = asyncio.ensure_future(window.toggle_voice(voice_refs(window)[0]))
    await asyncio.sleep(0)  # the message is being decoded
    await window.open_chat(0 if window.chat_model.chat(0) != window._shown_chat else 1)
    await opening
    await asyncio.sleep(0.2)
    assert window.voice_player.playing is None


async def test_of_two_quick_clicks_the_last_one_plays(make_app, tmp_path: Path):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.V4)).window
    first, second = voice_refs(window)[:2]
    await asyncio.gather(window.toggle_voice(first), window.toggle_voice(second))
    assert window.voice_player.playing == second


async def test_a_long_reason_does_not_widen_the_window(make_app, tmp_path: Path):
    window = (await open_chat_with_voices(make_app, tmp_path / "wechat", Layout.DARWIN_V3)).window
    window.show()
    width = window.width()
    await window.toggle_voice(voice_refs(window)[0])
    assert "keeps no voice messages" in window.voice_status.text()
    assert window.width() == width
    assert window.voice_status.toolTip() == window.voice_status.text()  # the whole of it
