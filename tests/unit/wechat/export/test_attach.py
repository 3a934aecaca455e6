"""The pictures and voice of a page of messages, as the HTML export embeds them."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from server.wechat.connections import ConnectionPool
from server.wechat.export import attach
from server.wechat.export.attach import Attachment, attachment, attachments
from server.wechat.layout import DataDir
from server.wechat.media import ffmpeg
from server.wechat.media.refs import media_kind
from server.wechat.media.service import Media, MediaService, encode_voice
from server.wechat.model import Message
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore
from tests.ogg_opus import FFMPEG
from tests.unit.wechat.export.conftest import ExportData

pytestmark = pytest.mark.asyncio

Found = Attachment | None


async def chat_messages(store: ChatStore, chat: str) -> list[Message]:
    return (await store.messages(MessageQuery(talkers=(chat,), limit=0))).items


@pytest.mark.parametrize("voice_format", ["ogg", "mp3"])
async def test_a_page_gets_what_each_message_alone_would_get_in_order(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    monkeypatch: pytest.MonkeyPatch,
    voice_format: str,
) -> None:
    # Ogg voices are encoded side by side; the page must not tell.
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    messages = await chat_messages(store, export_data.chat)
    voices = [m for m in messages if media_kind(m) == "voice"]
    assert len(voices) > 1

    def as_a_page(data_dir: DataDir, pool: ConnectionPool) -> list[Found]:
        return attachments(media, data_dir, pool, messages, voice_format, None)

    def one_by_one(data_dir: DataDir, pool: ConnectionPool) -> list[Found]:
        return [attachment(media, data_dir, pool, m, voice_format, None) for m in messages]

    # Two store jobs, not one: each runs ffmpeg per voice, and a store job has the query
    # budget (15 s), which both together can exceed on a loaded machine.
    together = await store.run_on_data(as_a_page)
    alone = await store.run_on_data(one_by_one)
    assert together == alone
    assert sum(1 for found in together if found is not None and found.kind == "voice") == len(
        voices
    )
    assert all(found.src for found in together if found is not None and found.kind == "voice")


async def test_ogg_voice_that_cannot_be_encoded_is_a_note_in_its_own_place(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    messages = await chat_messages(store, export_data.chat)
    found = await store.run_on_data(
        lambda data_dir, pool: attachments(media, data_dir, pool, messages, "ogg", None)
    )
    for message, item in zip(messages, found, strict=True):
        if media_kind(message) == "voice":
            assert item is not None and not item.src and "needs ffmpeg" in item.note
        elif media_kind(message) == "image":
            assert item is not None and item.src.startswith("data:image/")


async def test_a_cancel_stops_a_page_that_waits_for_its_ogg_encodes(
    store: ChatStore,
    media: MediaService,
    export_data: ExportData,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    voices = [m for m in await chat_messages(store, export_data.chat) if media_kind(m) == "voice"]
    page = (voices * 20)[:20]
    read: list[Message] = []
    all_read = threading.Event()
    decode_voice_pcm = media.decode_voice_pcm

    def reading(data_dir: DataDir, pool: ConnectionPool, message: Message) -> bytes:
        pcm = decode_voice_pcm(data_dir, pool, message)
        read.append(message)
        if len(read) == len(page):
            all_read.set()  # from here on the page only waits for its encodes
        return pcm

    encoded: list[str] = []

    def slow_encode(message: Message, pcm: bytes, form: str) -> Media:
        time.sleep(1.0)  # an ffmpeg slow to start
        encoded.append(form)
        return encode_voice(message, pcm, form)

    monkeypatch.setattr(media, "decode_voice_pcm", reading)
    monkeypatch.setattr(attach, "encode_voice", slow_encode)
    ended = threading.Event()

    def job(data_dir: DataDir, pool: ConnectionPool) -> list[Found]:
        try:
            return attachments(media, data_dir, pool, page, "ogg", None)
        finally:
            ended.set()

    running = asyncio.ensure_future(store.run_on_data(job))
    assert await asyncio.to_thread(all_read.wait, 30)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert await asyncio.to_thread(ended.wait, 60)
    # The encodes already running finished; those still queued never started.
    assert 0 < len(encoded) < len(page)
