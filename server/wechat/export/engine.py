"""An export from start to end: count the chat, render it page by page, write it atomically.

The event loop (the GUI thread in the tray app) only awaits: the store's worker threads read
and render each page (decoding its media), and file writes go to a thread too. Cancelling
the awaiting task stops the export at the next message and removes everything it wrote.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from server.wechat import budget
from server.wechat.connections import ConnectionPool
from server.wechat.export import atomic
from server.wechat.export.attach import MediaFolder, attachments
from server.wechat.export.collect import PAGE_SIZE, ChatCount, chat_exists, count, pages
from server.wechat.export.destination import check_destination
from server.wechat.export.options import (
    ExportError,
    ExportOptions,
    ExportProgress,
    ProgressCallback,
)
from server.wechat.export.renderer import Entry, Renderer, renderer_for
from server.wechat.layout import DataDir
from server.wechat.media import voice
from server.wechat.media.errors import MediaTimeoutError, UnsupportedMediaError
from server.wechat.media.service import MediaService
from server.wechat.model import Message
from server.wechat.store import ChatStore

logger = logging.getLogger(__name__)

MEDIA_BATCH = 20


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    messages: int
    media_folder: Path | None = None


def media_folder_for(out: Path) -> Path:
    """The folder beside `chat.html` that holds its pictures and voice: `chat_files`."""
    return out.with_name(f"{out.stem}_files")


async def prepare(store: ChatStore, options: ExportOptions) -> ChatCount:
    """The chat's id, name and message count in the span; ExportError when no chat has the
    name (an empty span of a real chat is a valid, empty export) or when Ogg voice is asked
    for and ffmpeg cannot encode it."""
    chat = options.chat.strip()
    if not chat:
        raise ExportError("name the chat to export")
    counted = await count(store, chat, options.time)
    if counted.total == 0 and not await chat_exists(store, chat):
        raise ExportError(
            f"no chat named {chat!r} was found: give a chat's id or name as the chats list shows"
        )
    if options.format == "html" and options.media != "none" and options.voice_format == "ogg":
        await asyncio.to_thread(_check_ogg)
    return counted


def _check_ogg() -> None:
    """Ogg voice needs ffmpeg with libopus: found out once, before the export starts, rather
    than as the same note in place of every voice message. A check that runs out of time
    proves neither, so the export goes on: each voice message then stands or fails alone."""
    try:
        voice.pcm_to_ogg(bytes(2 * voice.SAMPLE_RATE // 50))  # 20 ms of silence
    except UnsupportedMediaError as error:
        raise ExportError(str(error)) from None
    except MediaTimeoutError as error:
        logger.warning("the Ogg check before an export did not finish (%s); going on", error)


async def export_chunks(
    store: ChatStore,
    media: MediaService,
    options: ExportOptions,
    chat: ChatCount,
    *,
    folder: MediaFolder | None = None,
    progress: ProgressCallback | None = None,
) -> AsyncIterator[str]:
    """The export's text, a head, one chunk per page of messages and a tail."""
    renderer = renderer_for(options)
    yield renderer.head(chat, options)
    done = 0
    if progress is not None:
        progress(ExportProgress(0, chat.total))
    with_media = options.format == "html" and options.media != "none"
    # Decoding media takes longer than reading: fewer messages per job keep each job well
    # inside the store's time budget and a cancel prompt.
    step = MEDIA_BATCH if with_media else PAGE_SIZE
    async for page in pages(store, chat.talker, options.time):
        for first in range(0, len(page), step):
            items = page[first : first + step]
            text = await store.run_on_data(
                _page_job(renderer, media, items, options.voice_format, with_media, folder)
            )
            done += len(items)
            yield text
            if progress is not None:
                progress(ExportProgress(done, max(done, chat.total)))
    yield renderer.tail()


def _page_job(
    renderer: Renderer,
    media: MediaService,
    items: list[Message],
    voice_format: str,
    with_media: bool,
    folder: MediaFolder | None,
) -> Callable[[DataDir, ConnectionPool], str]:
    def render(data_dir: DataDir, pool: ConnectionPool) -> str:
        if with_media:
            found = attachments(media, data_dir, pool, items, voice_format, folder)
        else:
            budget.check()  # a cancelled export stops here, between pages
            found = [None] * len(items)
        entries = [Entry(message, item) for message, item in zip(items, found, strict=True)]
        return renderer.page(entries)

    return render


async def export_to_file(
    store: ChatStore,
    media: MediaService,
    options: ExportOptions,
    out: Path,
    progress: ProgressCallback | None = None,
    replace: bool = False,
) -> ExportResult:
    """Write the export to `out`, whole or not at all; an existing `out` only with `replace`.

    Raises:
        ExportError: the destination is refused (inside WeChat's folder, a folder, a
            missing folder, a media folder that exists, a file that exists without
            `replace`: FileExistsExportError) or the chat is unknown.
        DataSourceError / QueryError: the data could not be read.
        OSError: the file could not be written (nothing is left behind).
    """
    target = await asyncio.to_thread(check_destination, out, store.path, replace)
    chat = await prepare(store, options)
    final_folder: Path | None = None
    folder: MediaFolder | None = None
    if options.format == "html" and options.media == "folder":
        final_folder = media_folder_for(target)
        if await asyncio.to_thread(final_folder.exists):
            raise ExportError(
                f"{final_folder} already exists: remove it or choose another file name"
            )
        staging = await asyncio.to_thread(atomic.staging_folder, final_folder)
        folder = MediaFolder(staging, final_folder.name)
    try:
        file = await asyncio.to_thread(atomic.AtomicFile, target)
    except BaseException:
        if folder is not None:
            await _cleanup(None, folder)
        raise
    try:
        async for chunk in export_chunks(
            store, media, options, chat, folder=folder, progress=progress
        ):
            await asyncio.to_thread(file.write, chunk)
    except BaseException:
        await _cleanup(file, folder)
        raise
    # Once written whole, the export is committed: a cancel arriving during the rename must
    # not race it (the thread would go on while a cleanup ran). The commit is shielded and
    # finished; the export then counts as done, since the file is in place, and says so.
    committing = asyncio.ensure_future(asyncio.to_thread(_commit, file, folder, final_folder))
    try:
        await asyncio.shield(committing)
    except asyncio.CancelledError:
        try:
            await committing
        except BaseException:
            await _cleanup(file, folder)
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # too late to cancel: the file is complete and in place
    except BaseException:
        await _cleanup(file, folder)
        raise
    logger.info("exported %d messages to a %s file", chat.total, options.format)
    return ExportResult(target, chat.total, final_folder)


def _commit(file: atomic.AtomicFile, folder: MediaFolder | None, final: Path | None) -> None:
    if folder is not None and final is not None:
        folder.close()
        atomic.move_into_place(folder.staging, final)
        try:
            file.commit()
        except BaseException:
            atomic.remove_folder(final)
            raise
    else:
        file.commit()


async def _cleanup(file: atomic.AtomicFile | None, folder: MediaFolder | None) -> None:
    def clean() -> None:
        if file is not None:
            file.discard()
        if folder is not None:
            folder.close()
            atomic.remove_folder(folder.staging)

    # Shielded: a second cancel must not leave the temporary file behind.
    await asyncio.shield(asyncio.to_thread(clean))
