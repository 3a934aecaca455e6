"""A chat's voice messages, videos and files have a Save… link in the sessions window: it asks
where, copies byte for byte off the GUI thread, whole or not at all, never into WeChat's
folder, and says why when there is nothing to save."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl

from desktop.app import DesktopApp
from desktop.chat_messages import messages_html
from desktop.stored_media import Stored
from devtools.demo import generate
from devtools.demo.media import MediaFixtures, write_media
from server.config import ServerConfig
from server.wechat.export import media_file
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
from server.wechat.model import Layout, Message
from tests.desktop.chat_pane import open_chat_named
from tests.desktop.save_dialogs import answer_save_dialog, open_save_dialogs
from tests.mp3_frames import mpeg2_layer3_frames
from tests.support import wait_until

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

SAVE_LINK = re.compile(r"href=[\"']save:([^\"']+)[\"']")
PNG = bytes.fromhex("89504e470d0a1a0a")


@dataclass
class Shown:
    app: DesktopApp
    root: Path
    media: MediaFixtures

    @property
    def messages(self) -> list[Message]:
        return self.app.window._shown_messages

    def refs(self, kind: str) -> list[str]:
        """The shown messages of `kind` that have a Save… link."""
        linked = set(SAVE_LINK.findall(self.app.window.messages.toHtml()))
        return [
            ref
            for message in self.messages
            if media_kind(message) == kind and (ref := media_ref(message)) in linked
        ]

    def original(self, ref: str) -> bytes:
        message = next(m for m in self.messages if media_ref(m) == ref)
        key = (message.talker, message.seq)
        return self.media.files.get(key) or self.media.videos[key]


async def show_chat_with(make_app, root: Path, kind: str, before_opening=None) -> Shown:
    """The sessions window showing the chat with the most messages of `kind`."""
    dataset = generate(root, Layout.V4, messages=300, shards=1)
    media = write_media(dataset, root, Layout.V4)
    found = {"file": media.files, "video": media.videos, "voice": media.voices}[kind]
    chat = Counter(talker for talker, _ in found).most_common(1)[0][0]
    if before_opening is not None:
        before_opening(root)
    app = make_app(ServerConfig(port=0, data_dir=root), serve=False)
    window = app.window
    await open_chat_named(window, chat)
    return Shown(app, root, media)


def everything(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


async def click_save(shown: Shown, ref: str, answer: Path | None) -> Path | None:
    """Click Save… on `ref`, answer the dialog with `answer` (None: Cancel); what was saved."""
    window = shown.app.window
    saving = asyncio.ensure_future(window.save_media(ref))
    await answer_save_dialog(window, answer)
    return await saving


async def test_a_file_is_saved_byte_for_byte_where_the_user_chooses(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    [ref, *_] = shown.refs("file")
    original = shown.original(ref)
    assert f"Save… ({len(original) / 1000:.1f} kB)" in window.messages.toPlainText()
    out = tmp_path / "mine" / "notes.txt"
    out.parent.mkdir()
    saving = asyncio.ensure_future(window.save_media(ref))
    suggested = await answer_save_dialog(window, out)
    assert await saving == out
    message = next(m for m in shown.messages if media_ref(m) == ref)
    assert suggested.name == message.contents["title"]  # the file's own name
    assert out.read_bytes() == original
    assert everything(out.parent) == [out]  # nothing left beside it
    assert window.save_status.text() == f"Saved to {out}" and not window.save_status.isHidden()


async def test_the_save_link_is_clicked_in_the_messages(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "video")
    window = shown.app.window
    [ref, *_] = shown.refs("video")
    window.messages.anchorClicked.emit(QUrl(f"save:{ref}"))
    await answer_save_dialog(window, tmp_path / "clip.mp4")
    await wait_until(lambda: window.save_status.text().startswith("Saved to"))
    assert (tmp_path / "clip.mp4").read_bytes() == shown.original(ref)


async def test_a_cancelled_save_writes_nothing(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    folder = tmp_path / "mine"
    folder.mkdir()
    assert await click_save(shown, shown.refs("file")[0], None) is None
    assert everything(folder) == []
    assert shown.app.window.save_status.isHidden()


async def test_a_second_click_while_the_dialog_is_open_opens_no_other(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    ref = shown.refs("file")[0]
    first = asyncio.ensure_future(window.save_media(ref))
    await wait_until(lambda: len(open_save_dialogs(window)) == 1)
    assert await window.save_media(ref) is None
    assert len(open_save_dialogs(window)) == 1
    await answer_save_dialog(window, tmp_path / "once.txt")
    assert await first == tmp_path / "once.txt"


async def test_saving_inside_the_wechat_folder_is_refused_and_writes_nothing(
    make_app, tmp_path: Path
):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "video")
    before = everything(shown.root)
    out = shown.root / "msg" / "video" / "copy.mp4"
    assert await click_save(shown, shown.refs("video")[0], out) is None
    assert everything(shown.root) == before
    status = shown.app.window.save_status.text()
    assert status.startswith("Cannot save there:") and "never writes there" in status


async def test_a_file_gone_since_the_chat_opened_says_why_without_asking_where(
    make_app, tmp_path: Path
):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    for stored in (shown.root / "msg" / "file").rglob("*"):
        if stored.is_file():
            stored.unlink()  # WeChat cleaned its folder up
    assert await window.save_media(shown.refs("file")[0]) is None
    assert open_save_dialogs(window) == []
    assert window.save_status.text().startswith("Cannot save: the file is not on this computer")


async def test_a_file_missing_when_the_chat_opens_is_marked_instead_of_a_save_link(
    make_app, tmp_path: Path
):
    def clean_up(root: Path) -> None:
        for stored in (root / "msg" / "file").rglob("*"):
            if stored.is_file():
                stored.unlink()

    shown = await show_chat_with(make_app, tmp_path / "wechat", "file", clean_up)
    files = [m for m in shown.messages if media_kind(m) == "file"]
    assert files and shown.refs("file") == []
    html = shown.app.window.messages.toHtml()
    assert html.count("(not on this computer)") == len(files)


async def test_a_voice_message_is_saved_as_mp3(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "voice")
    window = shown.app.window
    [ref, *_] = shown.refs("voice")
    assert "▶ Play" in window.messages.toPlainText() and " · Save…" in window.messages.toPlainText()
    out = tmp_path / "voice.mp3"
    assert await click_save(shown, ref, out) == out
    served = await MediaService(shown.app.chats.store).fetch(ref, voice_format="mp3")
    assert out.read_bytes() == served.data
    assert mpeg2_layer3_frames(out.read_bytes())


async def test_showing_another_chat_clears_what_the_last_save_said(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    await click_save(shown, shown.refs("file")[0], tmp_path / "a.txt")
    assert not window.save_status.isHidden()
    await window.open_chat(0)
    assert window.save_status.text() == "" and window.save_status.isHidden()


async def test_a_video_thumbnail_saves_the_video_unless_the_video_is_not_here(
    make_app, tmp_path: Path
):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "video")
    video = next(m for m in shown.messages if media_kind(m) == "video")
    ref = media_ref(video)
    assert ref is not None
    page = messages_html([video], {ref: PNG}, None, {ref: Stored(size=4096)})
    assert re.search(rf"<a href='save:{ref}'><img src='data:image/png;base64,", page)
    assert page.count(f"href='save:{ref}'") == 2  # the link after the label, and the picture
    assert f"picture:{ref}" not in page
    # WeChat kept the thumbnail but not the video: the thumbnail shows, and links nowhere.
    gone = messages_html([video], {ref: PNG}, None, {ref: Stored(missing="not here")})
    assert "<img src='data:image/png;base64," in gone and f"save:{ref}" not in gone


async def test_quitting_the_app_mid_copy_leaves_no_file_behind(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(media_file, "CHUNK", 1)  # a copy long enough to quit in the middle
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    folder = tmp_path / "mine"
    folder.mkdir()
    saving = asyncio.ensure_future(window.save_media(shown.refs("file")[0]))
    await answer_save_dialog(window, folder / "notes.txt")
    await wait_until(lambda: window.save_status.text().endswith("1%"))
    await shown.app.shutdown()
    assert saving.cancelled()
    assert everything(folder) == []
    assert window.save_status.text() == "Cancelled: nothing was saved."


async def test_a_second_save_while_a_dialog_is_open_says_so(make_app, tmp_path: Path):
    shown = await show_chat_with(make_app, tmp_path / "wechat", "file")
    window = shown.app.window
    first, *others = shown.refs("file")
    asking = asyncio.ensure_future(window.save_media(first))
    await wait_until(lambda: len(open_save_dialogs(window)) == 1)
    assert await window.save_media(others[0] if others else first) is None
    assert window.save_status.text() == "A save dialog is already open."
    assert len(open_save_dialogs(window)) == 1
    await answer_save_dialog(window, None)
    assert await asking is None
