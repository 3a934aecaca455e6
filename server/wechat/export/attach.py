"""A message's picture or voice for the HTML: decoded once, then embedded or written beside it.

Runs on a store worker thread (inside `ChatStore.run_on_data`), never on the event loop.
Pictures are embedded only in the formats every browser shows; voice is re-encoded (MP3 by
default, WAV or Ogg Opus) so that `<audio>` plays it. A media file that cannot be had becomes
a short note instead of failing the whole export.
"""

from __future__ import annotations

import base64
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from server.wechat import budget
from server.wechat.connections import ConnectionPool
from server.wechat.layout import DataDir
from server.wechat.media.errors import MediaError
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import Media, MediaService, encode_voice
from server.wechat.model import Message

# ffmpeg processes encoding Ogg voice at once: they mostly wait on their own start-up.
OGG_ENCODERS = max(2, min(4, os.cpu_count() or 1))
_CHECK_EVERY = 0.1  # seconds between looks at the budget while an encode runs

# What an <img> shows in every browser; TIFF and BMP pictures are linked, not shown.
_BROWSER_PICTURES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True, slots=True)
class Attachment:
    """A picture or voice message as the HTML shows it: `src` is a data: URI or a relative
    path; `note` says why there is none."""

    kind: str  # "image" or "voice"
    src: str = ""
    mime: str = ""
    note: str = ""


class MediaFolder:
    """The folder beside the HTML that media files are written into, while it is staged.

    `close` makes every later write fail, under the same lock as the writes, so a page still
    rendering on a worker thread after a cancel cannot write into a folder being removed.
    """

    def __init__(self, staging: Path, final_name: str) -> None:
        self.staging = staging
        self.final_name = final_name  # the folder's name once in place, used in the links
        self._lock = threading.Lock()
        self._closed = False

    def write(self, name: str, data: bytes) -> str:
        """Writes `data` as `name`; returns the link to it from the HTML."""
        with self._lock:
            if self._closed:
                raise MediaError("the export was stopped")
            (self.staging / name).write_bytes(data)
        return f"{quote(self.final_name)}/{quote(name)}"

    def close(self) -> None:
        with self._lock:
            self._closed = True


def attachment(
    media: MediaService,
    data_dir: DataDir,
    pool: ConnectionPool,
    message: Message,
    voice_format: str,
    folder: MediaFolder | None,
) -> Attachment | None:
    """The picture or voice of `message` for the HTML, or None for other messages."""
    kind = media_kind(message)
    if kind not in ("image", "voice"):
        return None
    assert kind is not None
    try:
        item = media.decode(data_dir, pool, message, voice_format)
    except MediaError as error:
        return Attachment(kind, note=str(error))
    except OSError as error:
        return Attachment(kind, note=f"the file could not be read ({error.strerror or error})")
    return _attach(item, folder)


def attachments(
    media: MediaService,
    data_dir: DataDir,
    pool: ConnectionPool,
    messages: list[Message],
    voice_format: str,
    folder: MediaFolder | None,
) -> list[Attachment | None]:
    """`attachment` for each of `messages`, in order; stops at a cancel (`budget.check`).

    Ogg voice is encoded by one ffmpeg process per message, and starting it is most of the
    cost (docs/benchmarks-data.md), so those encodes run side by side, `OGG_ENCODERS` at a
    time, while this thread goes on reading. Database and file reads stay on this thread:
    its connections are its own (server/wechat/connections.py).
    """
    found: list[Attachment | None] = []
    encoding: dict[int, Future[Media]] = {}
    encoders = ThreadPoolExecutor(OGG_ENCODERS, "ogg-encoder") if voice_format == "ogg" else None
    try:
        for message in messages:
            budget.check()  # a cancelled export stops here, between messages
            if encoders is not None and media_kind(message) == "voice":
                try:
                    pcm = media.decode_voice_pcm(data_dir, pool, message)
                except MediaError as error:
                    found.append(Attachment("voice", note=str(error)))
                    continue
                encoding[len(found)] = encoders.submit(encode_voice, message, pcm, "ogg")
                found.append(None)
            else:
                found.append(attachment(media, data_dir, pool, message, voice_format, folder))
        for index, future in encoding.items():
            try:
                found[index] = _attach(_result_unless_stopped(future), folder)
            except MediaError as error:
                found[index] = Attachment("voice", note=str(error))
    finally:
        if encoders is not None:
            encoders.shutdown(cancel_futures=True)  # after a cancel: no encode left queued
    return found


def _result_unless_stopped(future: Future[Media]) -> Media:
    """`future`'s result; a cancel or the time budget running out stops the wait."""
    while True:
        budget.check()
        try:
            return future.result(timeout=_CHECK_EVERY)
        except TimeoutError:
            continue


def _attach(item: Media, folder: MediaFolder | None) -> Attachment:
    kind = item.kind
    assert item.data is not None
    if kind == "image" and item.mime not in _BROWSER_PICTURES:
        return Attachment(kind, note=f"a {item.mime} picture, which browsers do not show")
    if folder is None:
        encoded = base64.b64encode(item.data).decode("ascii")
        return Attachment(kind, f"data:{item.mime};base64,{encoded}", item.mime)
    extension = item.name.rsplit(".", 1)[-1]
    name = f"{media_ref(item.message)}.{extension}"
    return Attachment(kind, folder.write(name, item.data), item.mime)
