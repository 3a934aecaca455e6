"""One media item saved where the user chose (the desktop window's Save… and Save As…).

The bytes are those `/api/v1/media/<ref>` serves: `Media.data` for a picture or a voice
message, the file at `Media.path` copied as it is for a video or a file. The destination is
checked first like an export's (`destination`: never inside WeChat's folders, an existing
file only when replacing it was asked for), then written whole or not at all (`atomic`):
an error or a cancel, between two chunks, removes the temporary file and leaves the
destination as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import BinaryIO

from server.wechat.export import atomic
from server.wechat.export.destination import check_destination
from server.wechat.media.service import Media

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024  # a copy reads and writes this much per worker-thread job

# (bytes written, bytes in all): called on the event loop after each chunk.
SaveProgress = Callable[[int, int], None]


async def save_media(
    media: Media,
    out: Path,
    data_dir: Path,
    *,
    replace: bool = False,
    progress: SaveProgress | None = None,
) -> Path:
    """Write `media` to `out`; returns the file written.

    Raises:
        ExportError: the destination is refused (inside WeChat's folder or the data folder
            `data_dir`, a folder, a missing folder; FileExistsExportError for an existing
            file without `replace`).
        OSError: the source could not be read or the file written (nothing is left behind).
    """
    target = await asyncio.to_thread(check_destination, out, data_dir, replace)
    file = await _finished_or_undone(
        asyncio.to_thread(atomic.AtomicBytes, target), lambda made: made.discard()
    )
    try:
        if media.data is not None:
            await asyncio.to_thread(file.write, media.data)
            if progress is not None:
                progress(len(media.data), len(media.data))
        else:
            assert media.path is not None, "a Media has its data or its path"
            await _copy(media.path, file, media.size, progress)
    except BaseException:
        await _discard(file)
        raise
    # Once written whole, the file is committed even if a cancel arrives meanwhile (as an
    # export's is, engine.py): the cancel and the rename must not race.
    committing = asyncio.ensure_future(asyncio.to_thread(file.commit))
    try:
        await asyncio.shield(committing)
    except asyncio.CancelledError:
        try:
            await _unstoppable(committing)
        except BaseException:
            await _discard(file)
            raise
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # too late to cancel: the file is complete and in place
    except BaseException:
        await _discard(file)
        raise
    logger.info("saved a %s of %d bytes", media.kind, media.size)
    return target


async def _copy(
    source: Path, file: atomic.AtomicBytes, size: int, progress: SaveProgress | None
) -> None:
    handle: BinaryIO = await _finished_or_undone(
        asyncio.to_thread(source.open, "rb"), lambda opened: opened.close()
    )
    try:
        done = 0
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            await asyncio.to_thread(file.write, chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, max(size, done))
    finally:
        await asyncio.shield(asyncio.to_thread(handle.close))


async def _finished_or_undone[T](work: Awaitable[T], undo: Callable[[T], object]) -> T:
    """The result of `work`, which runs on a thread and makes something that must not be
    left behind (an open file, a temporary file). Cancelled meanwhile, the thread still
    finishes; what it made is then undone, on a thread, before the cancel goes on."""
    running = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            made = await _unstoppable(running)
            await _unstoppable(asyncio.ensure_future(asyncio.to_thread(undo, made)))
        raise


async def _unstoppable[T](running: asyncio.Future[T]) -> T:
    """`running`'s result, waited for through any further cancel: the caller is already
    handling one, and must not go on (remove a file, say) while the thread still works."""
    while not running.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(running)
    return running.result()


async def _discard(file: atomic.AtomicBytes) -> None:
    # Shielded: a second cancel must not leave the temporary file behind.
    await asyncio.shield(asyncio.to_thread(file.discard))
