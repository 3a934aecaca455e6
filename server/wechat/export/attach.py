"""A message's picture or voice for the HTML: decoded once, then embedded or written beside it.

Runs on a store worker thread (inside `ChatStore.run_on_data`), never on the event loop.
Pictures are embedded only in the formats every browser shows; voice is re-encoded (MP3 by
default, WAV or Ogg Opus) so that `<audio>` plays it. A media file that cannot be had becomes
a short note instead of failing the whole export.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from server.wechat.connections import ConnectionPool
from server.wechat.layout import DataDir
from server.wechat.media.errors import MediaError
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
from server.wechat.model import Message

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
    assert item.data is not None
    if kind == "image" and item.mime not in _BROWSER_PICTURES:
        return Attachment(kind, note=f"a {item.mime} picture, which browsers do not show")
    if folder is None:
        encoded = base64.b64encode(item.data).decode("ascii")
        return Attachment(kind, f"data:{item.mime};base64,{encoded}", item.mime)
    extension = item.name.rsplit(".", 1)[-1]
    name = f"{media_ref(message)}.{extension}"
    return Attachment(kind, folder.write(name, item.data), item.mime)
