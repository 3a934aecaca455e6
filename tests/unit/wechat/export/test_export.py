"""Exports of one chat read back: JSON to the very messages, CSV through the csv module, HTML
through html.parser with every text escaped and the pictures and voice inside; the place and
the way they are written."""

from __future__ import annotations

import asyncio
import base64
import csv
import hashlib
import json
import shutil
import threading
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from server.wechat.export.collect import pages
from server.wechat.export.destination import FileExistsExportError
from server.wechat.export.engine import export_to_file, media_folder_for
from server.wechat.export.options import ExportError, ExportOptions, ExportProgress
from server.wechat.export.render_csv import HEADER, formula_safe
from server.wechat.export.render_json import exported_message
from server.wechat.export.renderer import Entry
from server.wechat.media import ffmpeg, voice
from server.wechat.media.refs import media_ref
from server.wechat.media.service import MediaService
from server.wechat.model import Message
from server.wechat.query import MessageQuery
from server.wechat.render import body_text
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import ALL_TIME, TimeRange
from tests.mp3_frames import mpeg2_layer3_frames
from tests.ogg_opus import FFMPEG, compare, opus_head
from tests.unit.wechat.export.conftest import HOSTILE_TEXTS, SAME_SECOND, ExportData

pytestmark = pytest.mark.asyncio


async def all_messages(store: ChatStore, chat: str) -> list[Message]:
    return (await store.messages(MessageQuery(talkers=(chat,), limit=0))).items


class ExportedPage(HTMLParser):
    """Message texts, pictures, sounds and any script element of an exported page."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.images: list[str] = []
        self.sounds: list[str] = []
        self.sound_types: list[str] = []
        self.scripts = 0
        self._in_text = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == "t":
            self._in_text = True
            self.texts.append("")
        elif tag == "img":
            self.images.append(found["src"] or "")
        elif tag == "source":
            self.sounds.append(found["src"] or "")
            self.sound_types.append(found["type"] or "")
        elif tag == "script" or any(name.startswith("on") for name, _ in attrs):
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div":
            self._in_text = False

    def handle_data(self, data: str) -> None:
        if self._in_text:
            self.texts[-1] += data


async def test_pages_give_every_message_once_in_order_even_across_a_crowded_second(
    store: ChatStore, export_data: ExportData
) -> None:
    expected = await all_messages(store, export_data.chat)
    assert sum(1 for m in expected if m.content.startswith("tie ")) == SAME_SECOND
    for size in (5, 7, 200):
        paged = [m async for page in pages(store, export_data.chat, ALL_TIME, size) for m in page]
        assert [(m.time, m.seq) for m in paged] == [(m.time, m.seq) for m in expected]


async def test_json_parses_back_to_exactly_the_chats_messages_in_order(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.json"
    result = await export_to_file(store, media, ExportOptions(export_data.chat, format="json"), out)
    document = json.loads(out.read_text(encoding="utf-8"))
    expected = [exported_message(Entry(m)) for m in await all_messages(store, export_data.chat)]
    assert document["messages"] == json.loads(json.dumps(expected, ensure_ascii=False))
    assert document["count"] == result.messages == len(expected)
    assert document["chat"]["talker"] == export_data.chat
    assert any(item.get("mediaRef") for item in document["messages"])


async def test_csv_reads_back_through_the_csv_module_with_formulas_defused(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.csv"
    await export_to_file(store, media, ExportOptions(export_data.chat, format="csv"), out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    messages = await all_messages(store, export_data.chat)
    assert [row[8] for row in rows[1:]] == [formula_safe(body_text(m)) for m in messages]
    assert [row[9] for row in rows[1:]] == [media_ref(m) or "" for m in messages]
    contents = [row[8] for row in rows[1:]]
    assert '\'=HYPERLINK("http://example.invalid","click")' in contents
    assert "'-1 + 2, a comma; and a\nnew line" in contents


async def test_html_escapes_every_text_and_carries_the_pictures_and_voice_inline(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.html"
    progress: list[ExportProgress] = []
    await export_to_file(
        store, media, ExportOptions(export_data.chat), out, progress=progress.append
    )
    page_text = out.read_text(encoding="utf-8")
    page = ExportedPage()
    page.feed(page_text)
    messages = await all_messages(store, export_data.chat)
    assert page.texts == [body_text(m) for m in messages]
    assert page.scripts == 0 and "<script>" not in page_text
    assert f"{export_data.chat} · all messages" in page_text
    assert "&lt;script&gt;alert(&quot;export&quot;)&lt;/script&gt;" in page_text
    assert all(text in page.texts for text in HOSTILE_TEXTS)
    pictures = {
        key: data for key, data in export_data.media.images.items() if key[0] == export_data.chat
    }
    assert len(pictures) > 2
    shown = sorted(hashlib.sha256(_data_uri(src)).hexdigest() for src in page.images)
    assert shown == sorted(hashlib.sha256(data).hexdigest() for data in pictures.values())
    voices = [key for key in export_data.media.voices if key[0] == export_data.chat]
    assert len(page.sounds) == len(voices) > 0
    for src in page.sounds:
        assert src.startswith("data:audio/mpeg;base64,")
        assert mpeg2_layer3_frames(_data_uri(src)).sample_rate == voice.SAMPLE_RATE
    assert set(page.sound_types) == {"audio/mpeg"}
    assert progress[0] == ExportProgress(0, len(messages))
    assert progress[-1] == ExportProgress(len(messages), len(messages))
    assert [p.done for p in progress] == sorted(p.done for p in progress)


async def test_html_with_a_media_folder_links_files_written_beside_it(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.html"
    options = ExportOptions(export_data.chat, media="folder", voice_format="wav")
    result = await export_to_file(store, media, options, out)
    assert result.media_folder == media_folder_for(out) == tmp_path / "chat_files"
    page = ExportedPage()
    page.feed(out.read_text(encoding="utf-8"))
    pictures = {k: v for k, v in export_data.media.images.items() if k[0] == export_data.chat}
    assert len(page.images) == len(pictures)
    for src in page.images:
        assert src.startswith("chat_files/")
        assert (tmp_path / src).read_bytes() in pictures.values()
    for src in page.sounds:
        assert (tmp_path / src).read_bytes()[:4] == b"RIFF"
    assert set(page.sound_types) == {"audio/wav"}
    assert listing(tmp_path) == ["chat.html", "chat_files"]
    with pytest.raises(ExportError, match="already exists"):
        await export_to_file(store, media, options, out)


async def test_html_with_ogg_voice_carries_opus_the_browser_is_told_about(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    out = tmp_path / "chat.html"
    await export_to_file(store, media, ExportOptions(export_data.chat, voice_format="ogg"), out)
    page = ExportedPage()
    page.feed(out.read_text(encoding="utf-8"))
    voices = [key for key in export_data.media.voices if key[0] == export_data.chat]
    assert len(page.sounds) == len(voices) > 0
    assert set(page.sound_types) == {"audio/ogg; codecs=opus"}
    for src in page.sounds:
        assert src.startswith("data:audio/ogg;base64,")
        assert opus_head(_data_uri(src)).input_sample_rate == voice.SAMPLE_RATE
    # The first voice on the page sounds like one of the chat's voice messages (the demo's are
    # tones of a few pitches, so it is checked against each).
    sounds = {export_data.media.voices[key] for key in voices}
    ogg = _data_uri(page.sounds[0])
    heard = max(
        (compare(ogg, voice.silk_to_pcm(blob), voice.SAMPLE_RATE) for blob in sounds),
        key=lambda comparison: comparison.correlation,
    )
    assert abs(heard.seconds - heard.original_seconds) <= 0.030 and heard.correlation > 0.9


async def test_ogg_voice_without_ffmpeg_is_refused_before_anything_is_written(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    options = ExportOptions(export_data.chat, voice_format="ogg")
    with pytest.raises(ExportError, match=r"needs ffmpeg.*WAV and MP3 need nothing"):
        await export_to_file(store, media, options, tmp_path / "chat.html")
    assert listing(tmp_path) == []
    # Without voice in the page, Ogg is never encoded, so nothing is missing.
    quiet = ExportOptions(export_data.chat, media="none", voice_format="ogg")
    await export_to_file(store, media, quiet, tmp_path / "text.html")
    assert listing(tmp_path) == ["text.html"]


async def test_ogg_voice_that_runs_out_of_time_leaves_notes_and_the_export_goes_on(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A time-out proves nothing about ffmpeg, so neither the check before the export nor a
    # voice message that times out stops it: each such voice message says why it is missing.
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    monkeypatch.setattr(ffmpeg, "TIMEOUT", 0.001)
    out = tmp_path / "chat.html"
    result = await export_to_file(
        store, media, ExportOptions(export_data.chat, voice_format="ogg"), out
    )
    page_text = out.read_text(encoding="utf-8")
    voices = [key for key in export_data.media.voices if key[0] == export_data.chat]
    assert result.messages > 0 and "<audio" not in page_text
    assert page_text.count("ffmpeg took too long to encode the voice message") == len(voices) > 0


async def test_a_span_exports_only_its_messages(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    hostile = export_data.hostile_time
    span = TimeRange(_moment(hostile), _moment(hostile + len(HOSTILE_TEXTS) - 1))
    out = tmp_path / "span.json"
    await export_to_file(store, media, ExportOptions(export_data.chat, span, "json"), out)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [item["content"] for item in document["messages"]] == list(HOSTILE_TEXTS)


@pytest.mark.parametrize("inside", ["db_storage/export.html", "export.html"])
async def test_a_destination_inside_the_wechat_folder_is_refused(
    store: ChatStore, media: MediaService, export_data: ExportData, inside: str
) -> None:
    before = everything(export_data.root)
    with pytest.raises(ExportError, match="never writes there"):
        await export_to_file(
            store, media, ExportOptions(export_data.chat), export_data.root / inside
        )
    assert everything(export_data.root) == before


async def test_a_destination_in_any_folder_of_wechats_own_is_refused(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    other_account = tmp_path / "xwechat_files" / "wxid_other"
    other_account.mkdir(parents=True)
    with pytest.raises(ExportError, match="WeChat's own folder"):
        await export_to_file(
            store, media, ExportOptions(export_data.chat), other_account / "chat.html"
        )
    assert listing(other_account) == []


async def test_an_unknown_chat_a_folder_or_a_missing_folder_is_a_clear_error(
    store: ChatStore, media: MediaService, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="no chat named 'nobody at all'"):
        await export_to_file(store, media, ExportOptions("nobody at all"), tmp_path / "x.html")
    with pytest.raises(ExportError, match="is a folder"):
        await export_to_file(store, media, ExportOptions("wxid_bob02"), tmp_path)
    with pytest.raises(ExportError, match="does not exist"):
        await export_to_file(store, media, ExportOptions("wxid_bob02"), tmp_path / "no" / "x")
    assert listing(tmp_path) == []


@pytest.mark.parametrize("mode", ["inline", "folder"])
async def test_a_cancelled_export_leaves_no_file_behind(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path, mode: str
) -> None:
    started = asyncio.Event()

    def on_progress(event: ExportProgress) -> None:
        if event.done > 0:
            started.set()

    options = ExportOptions(export_data.chat, media=mode)  # type: ignore[arg-type]
    task = asyncio.ensure_future(
        export_to_file(store, media, options, tmp_path / "chat.html", on_progress)
    )
    await asyncio.wait_for(started.wait(), 10)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert listing(tmp_path) == []


async def test_a_failed_export_keeps_the_file_it_would_have_replaced(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.html"
    out.write_text("the export from last week", encoding="utf-8")

    def failing(event: ExportProgress) -> None:
        if event.done > 0:
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        await export_to_file(
            store, media, ExportOptions(export_data.chat), out, failing, replace=True
        )
    assert out.read_text(encoding="utf-8") == "the export from last week"
    assert listing(tmp_path) == ["chat.html"]


async def test_an_existing_file_is_replaced_only_when_asked(
    store: ChatStore, media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    out = tmp_path / "chat.json"
    out.write_text("someone's own file", encoding="utf-8")
    options = ExportOptions(export_data.chat, format="json")
    with pytest.raises(FileExistsExportError, match="already exists"):
        await export_to_file(store, media, options, out)
    assert out.read_text(encoding="utf-8") == "someone's own file"
    await export_to_file(store, media, options, out, replace=True)
    assert json.loads(out.read_text(encoding="utf-8"))


async def test_a_picture_that_is_gone_becomes_a_note_not_a_failure(
    media: MediaService, export_data: ExportData, tmp_path: Path
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(export_data.root, copy)
    for path in (copy / "msg" / "attach").rglob("*.dat"):
        path.unlink()
    store = open_store(copy)
    try:
        out = tmp_path / "chat.html"
        await export_to_file(store, MediaService(store), ExportOptions(export_data.chat), out)
        page_text = out.read_text(encoding="utf-8")
    finally:
        await store.close()
    assert "<img" not in page_text and "not on this computer" in page_text
    assert "<audio" in page_text  # voice comes from the media databases, still there


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def everything(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*"))


def _moment(unix_time: int) -> datetime:
    return datetime.fromtimestamp(unix_time).astimezone()


def _data_uri(src: str) -> bytes:
    assert src.startswith("data:") and ";base64," in src
    return base64.b64decode(src.split(",", 1)[1])


async def test_a_cancel_during_the_final_rename_leaves_the_export_whole_and_done(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from server.wechat.export import atomic

    renaming = threading.Event()
    commit = atomic.AtomicFile.commit

    def slow_commit(self: atomic.AtomicFile) -> None:  # a slow disk's rename
        renaming.set()
        time.sleep(0.3)
        commit(self)

    monkeypatch.setattr(atomic.AtomicFile, "commit", slow_commit)
    out = tmp_path / "chat.json"
    task = asyncio.ensure_future(
        export_to_file(store, media, ExportOptions(export_data.chat, format="json"), out)
    )
    await asyncio.to_thread(renaming.wait, 10)
    task.cancel()  # Cancel pressed while the file is being put in place
    result = await task
    assert result.path == out and json.loads(out.read_text(encoding="utf-8"))["count"] > 0
    assert listing(tmp_path) == ["chat.json"]
