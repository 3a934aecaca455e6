"""Small pictures for a chat's recent messages in the desktop window: of its pictures, and of
its videos from the thumbnail WeChat keeps beside each (server/wechat/media/locate.py).

Decoding and shrinking run on the store's worker threads; the GUI thread gets a few kB per
picture, ready to show. A picture that cannot be had is simply left out: the message's text
label still says it was a picture or a video.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, UnidentifiedImageError

from server.wechat import budget
from server.wechat.connections import ConnectionPool
from server.wechat.layout import DataDir
from server.wechat.media.errors import MediaError
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
from server.wechat.model import Message
from server.wechat.store import ChatStore

logger = logging.getLogger(__name__)

THUMBNAIL_SIDE = 160


def thumbnail(data: bytes, side: int = THUMBNAIL_SIDE) -> bytes | None:
    """A PNG (with transparency) or JPEG at most `side` pixels on its long side; None if the
    bytes are not a picture Pillow reads."""
    buffer = io.BytesIO()
    try:
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", (side, side))  # JPEG: decode at a fraction of the size
        image.thumbnail((side, side))
        # Pillow decodes some pictures (a GIF) only here: a file cut short fails here too.
        if image.mode in ("RGBA", "LA", "P") and (
            image.mode != "P" or "transparency" in image.info
        ):
            image.convert("RGBA").save(buffer, "PNG")
        else:
            image.convert("RGB").save(buffer, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None
    return buffer.getvalue()


async def thumbnails(
    store: ChatStore, media: MediaService, messages: list[Message], side: int = THUMBNAIL_SIDE
) -> dict[str, bytes]:
    """Thumbnails of the pictures and videos among `messages`, by media reference."""
    shown = [m for m in messages if media_kind(m) in ("image", "video")]
    if not shown:
        return {}

    def job(data_dir: DataDir, pool: ConnectionPool) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for message in shown:
            budget.check()
            ref = media_ref(message)
            try:
                if media_kind(message) == "video":
                    item = media.decode_thumbnail(data_dir, pool, message)
                else:
                    item = media.decode(data_dir, pool, message)
            except (MediaError, OSError) as error:
                logger.debug("no thumbnail for %s: %s", ref, error)
                continue
            small = thumbnail(item.data) if item.data is not None else None
            if ref is not None and small is not None:
                found[ref] = small
        return found

    return await store.run_on_data(job)
