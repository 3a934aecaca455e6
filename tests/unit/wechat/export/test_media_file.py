"""One media item saved where the user chose: the bytes the HTTP API serves, whole or not at
all, never inside WeChat's folder."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from pathlib import Path

import pytest

from server.wechat.export import atomic, media_file
from server.wechat.export.destination import FileExistsExportError
from server.wechat.export.media_file import save_media
from server.wechat.export.options import ExportError
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import Media, MediaService
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore
from tests.unit.wechat.export.conftest import ExportData

pytestmark = pytest.mark.asyncio


async def first_of_kind(store: ChatStore, media: MediaService, kind: str) -> Media:
    page = await store.messages(MessageQuery(limit=0))
    message = next(m for m in page.items if media_kind(m) == kind)
    ref = media_ref(message)
    assert ref is not None
    return await media.fetch(ref)


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def test_a_picture_is_saved_as_the_bytes_that_were_sent(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    picture = await first_of_kind(store, media, "image")
    written = await save_media(picture, tmp_path / picture.name, export_data.root)
    assert written == (tmp_path / picture.name).resolve()
    assert written.read_bytes() == picture.data
    assert written.read_bytes() in export_data.media.images.values()
    assert listing(tmp_path) == [picture.name]  # no temporary file left beside it


async def test_a_file_is_copied_byte_for_byte_with_its_progress(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    item = await first_of_kind(store, media, "file")
    assert item.data is None and item.path is not None  # served from its file, as it is
    seen: list[tuple[int, int]] = []
    written = await save_media(
        item, tmp_path / "copy.txt", export_data.root, progress=lambda *p: seen.append(p)
    )
    assert written.read_bytes() == item.path.read_bytes()
    assert seen[-1] == (item.size, item.size)


async def test_a_destination_inside_the_wechat_folder_is_refused(
    store: ChatStore, media: MediaService, export_data: ExportData
) -> None:
    item = await first_of_kind(store, media, "video")
    before = sorted(export_data.root.rglob("*"))
    with pytest.raises(ExportError, match="never writes there"):
        await save_media(item, export_data.root / "msg" / "copy.mp4", export_data.root)
    assert sorted(export_data.root.rglob("*")) == before


async def test_an_existing_file_is_replaced_only_when_asked(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    picture = await first_of_kind(store, media, "image")
    out = tmp_path / "mine.png"
    out.write_bytes(b"the user's own picture")
    with pytest.raises(FileExistsExportError):
        await save_media(picture, out, export_data.root)
    assert out.read_bytes() == b"the user's own picture"
    await save_media(picture, out, export_data.root, replace=True)
    assert out.read_bytes() == picture.data


async def test_a_cancelled_copy_leaves_nothing_behind(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(media_file, "CHUNK", 16)  # many chunks, so the cancel falls between two
    item = await first_of_kind(store, media, "file")
    started = asyncio.Event()
    task = asyncio.ensure_future(
        save_media(item, tmp_path / "copy.txt", export_data.root, progress=lambda *_: started.set())
    )
    await asyncio.wait_for(started.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert listing(tmp_path) == []


async def test_a_save_cancelled_while_its_temporary_file_is_made_leaves_nothing_behind(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = threading.Event()

    class SlowToMake(atomic.AtomicBytes):
        def __init__(self, target: Path) -> None:
            super().__init__(target)
            made.set()
            time.sleep(0.3)  # the cancel arrives while the thread is still here

    monkeypatch.setattr(atomic, "AtomicBytes", SlowToMake)
    picture = await first_of_kind(store, media, "image")
    task = asyncio.ensure_future(save_media(picture, tmp_path / "p.png", export_data.root))
    await asyncio.to_thread(made.wait, 10)
    assert listing(tmp_path) != []  # the temporary file exists now
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert listing(tmp_path) == []


async def test_a_long_chinese_title_is_saved_under_its_own_name(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    picture = await first_of_kind(store, media, "image")
    # 244 bytes of UTF-8: a file system takes it, but not with 18 more for a temporary name.
    name = "季度报告" * 20 + ".png"
    written = await save_media(picture, tmp_path / name, export_data.root)
    assert listing(tmp_path) == [name] and written.read_bytes() == picture.data


async def test_a_failed_copy_keeps_the_file_it_would_have_replaced(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    item = await first_of_kind(store, media, "video")
    gone = dataclasses.replace(item, path=tmp_path / "vanished.mp4")  # removed meanwhile
    out = tmp_path / "video.mp4"
    out.write_bytes(b"last week's copy")
    with pytest.raises(FileNotFoundError):
        await save_media(gone, out, export_data.root, replace=True)
    assert out.read_bytes() == b"last week's copy"
    assert listing(tmp_path) == ["video.mp4"]
