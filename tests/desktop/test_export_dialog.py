"""The Export dialog, offscreen: a chat written to a file with progress, a cancel that leaves
nothing behind, a refused destination, and the window's Export… button."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import imageio_ffmpeg
import pytest
import pytest_asyncio

from desktop.export_dialog import ExportDialog
from devtools.demo import generate
from devtools.demo.media import write_media
from server.config import ServerConfig
from server.wechat.media.ffmpeg import ENV_FFMPEG
from server.wechat.media.image_key import ImageKey
from server.wechat.media.service import MediaService
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore, open_store

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

IMAGE_KEY = "0123456789abcdef"


@pytest.fixture(scope="module")
def media_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("export-dialog")
    dataset = generate(root, Layout.V4, messages=600, shards=2)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode())
    chat = Counter(talker for talker, _ in [*media.images, *media.voices]).most_common(1)[0][0]
    return root, chat


@pytest_asyncio.fixture
async def chat_store(media_data: tuple[Path, str]) -> AsyncIterator[ChatStore]:
    opened = open_store(media_data[0])
    yield opened
    await opened.close()


def dialog_for(store: ChatStore, chat: str) -> ExportDialog:
    dialog = ExportDialog(store, MediaService(store, ImageKey(IMAGE_KEY)), chat, "A friend")
    dialog.show()
    return dialog


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def test_the_chat_is_exported_with_progress_to_the_chosen_file(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path
) -> None:
    chat = media_data[1]
    dialog = dialog_for(chat_store, chat)
    assert "A friend" in dialog.windowTitle()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    assert not dialog.media_box.isEnabled()
    dialog.path_edit.setText(str(tmp_path / "friend.html"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    assert dialog.path_edit.text().endswith("friend.csv")
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    exported: list[str] = []
    dialog.exported.connect(exported.append)
    task = dialog.start()
    assert task is not None
    assert not dialog.export_button.isEnabled() and not dialog.format_box.isEnabled()
    result = await task
    assert result is not None and exported == [str(tmp_path / "friend.json")]
    document = json.loads((tmp_path / "friend.json").read_text(encoding="utf-8"))
    total = (await chat_store.messages(MessageQuery(talkers=(chat,), limit=1))).total
    assert document["count"] == total == result.messages
    assert dialog.progress.value() == 100
    assert f"Exported {total} messages" in dialog.status.text()
    assert dialog.export_button.isEnabled() and dialog.cancel_button.text() == "Close"


async def test_a_span_limits_the_export(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path
) -> None:
    dialog = dialog_for(chat_store, media_data[1])
    dialog.all_time.setChecked(False)
    assert dialog.start_date.isEnabled()
    options = dialog.options()
    assert options.time.start.hour == 0 and options.time.end.hour == 23
    assert options.time.end.date() == dialog.end_date.date().toPython()


async def test_cancel_stops_the_export_and_leaves_no_file(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path
) -> None:
    dialog = dialog_for(chat_store, media_data[1])
    dialog.media_box.setCurrentIndex(dialog.media_box.findData("folder"))
    dialog.path_edit.setText(str(tmp_path / "friend.html"))

    def cancel_once_started(value: int) -> None:
        if 0 < value < 100:
            dialog.cancel_button.click()

    dialog.progress.valueChanged.connect(cancel_once_started)
    task = dialog.start()
    assert task is not None
    assert await task is None
    assert "Cancelled" in dialog.status.text()
    assert listing(tmp_path) == []
    assert dialog.isVisible() and dialog.export_button.isEnabled()


async def test_a_destination_inside_the_wechat_folder_is_refused(
    chat_store: ChatStore, media_data: tuple[Path, str]
) -> None:
    root, chat = media_data
    before = listing(root)
    dialog = dialog_for(chat_store, chat)
    dialog.path_edit.setText(str(root / "friend.html"))
    task = dialog.start()
    assert task is not None and await task is None
    assert "never writes there" in dialog.status.text()
    assert listing(root) == before


async def test_the_window_opens_the_dialog_for_the_chat_shown(make_app, tmp_path: Path):
    app = make_app(ServerConfig(port=0), serve=False)
    window = app.window
    await window.reload_chats()
    assert window.export_chat() is None  # no chat shown yet
    chat = window.chat_model.chat(0)
    await window.open_chat(0)
    window.export_button.click()
    dialog = window.export_dialog
    assert dialog is not None and dialog.isVisible()
    assert (chat.nick_name or chat.user_name) in dialog.windowTitle()
    dialog.path_edit.setText(str(tmp_path / "chat.csv"))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    task = dialog.start()
    assert task is not None and await task is not None
    assert (tmp_path / "chat.csv").read_text(encoding="utf-8-sig").startswith("Time,")
    dialog.close()


async def test_a_typed_file_that_exists_is_replaced_only_on_a_second_export(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path
) -> None:
    out = tmp_path / "friend.json"
    out.write_text("the user's own notes", encoding="utf-8")
    dialog = dialog_for(chat_store, media_data[1])
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    dialog.path_edit.setText(str(out))
    first = dialog.start()
    assert first is not None and await first is None
    assert "already exists" in dialog.status.text()
    assert out.read_text(encoding="utf-8") == "the user's own notes"
    second = dialog.start()  # the user confirms by exporting again
    assert second is not None and await second is not None
    assert json.loads(out.read_text(encoding="utf-8"))["count"] > 0


async def test_browse_opens_a_save_dialog_without_a_nested_event_loop(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QFileDialog

    dialog = dialog_for(chat_store, media_data[1])
    dialog.browse_button.click()  # returns at once: the picker is open, not exec'd
    [picker] = dialog.findChildren(QFileDialog)
    assert picker.isVisible() and picker.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    picker.fileSelected.emit(str(tmp_path / "chosen.html"))
    picker.reject()
    assert dialog.path_edit.text() == str(tmp_path / "chosen.html")


async def test_the_voice_format_is_asked_only_when_voice_goes_into_the_page(
    chat_store: ChatStore, media_data: tuple[Path, str]
) -> None:
    dialog = dialog_for(chat_store, media_data[1])
    assert dialog.voice_box.isEnabled() and dialog.options().voice_format == "mp3"
    dialog.media_box.setCurrentIndex(dialog.media_box.findData("none"))
    assert not dialog.voice_box.isEnabled()
    dialog.media_box.setCurrentIndex(dialog.media_box.findData("folder"))
    assert dialog.voice_box.isEnabled()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    assert not dialog.voice_box.isEnabled()


async def test_voice_can_be_exported_as_ogg_through_ffmpeg(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(ENV_FFMPEG, imageio_ffmpeg.get_ffmpeg_exe())
    dialog = dialog_for(chat_store, media_data[1])
    dialog.media_box.setCurrentIndex(dialog.media_box.findData("folder"))
    dialog.voice_box.setCurrentIndex(dialog.voice_box.findData("ogg"))
    dialog.path_edit.setText(str(tmp_path / "friend.html"))
    task = dialog.start()
    assert task is not None and await task is not None
    voices = [path for path in (tmp_path / "friend_files").iterdir() if path.suffix == ".ogg"]
    assert voices and all(path.read_bytes().startswith(b"OggS") for path in voices)


async def test_ogg_without_ffmpeg_says_what_to_install_and_writes_nothing(
    chat_store: ChatStore, media_data: tuple[Path, str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv(ENV_FFMPEG, str(tmp_path / "no-ffmpeg-here"))
    dialog = dialog_for(chat_store, media_data[1])
    dialog.voice_box.setCurrentIndex(dialog.voice_box.findData("ogg"))
    dialog.path_edit.setText(str(tmp_path / "out" / "friend.html"))
    (tmp_path / "out").mkdir()
    task = dialog.start()
    assert task is not None and await task is None
    assert "ffmpeg" in dialog.status.text() and "export failed" in dialog.status.text()
    assert listing(tmp_path / "out") == []
