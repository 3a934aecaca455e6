"""Whether a chat's videos and files are on this computer, and how large they are: what the
sessions window shows beside their Save… links before anything is clicked.

`MediaService.fetch` finds a video or a file and measures it without reading it (only its
first bytes, for the type, and a video's thumbnail of tens of kB), so looking up a page of
messages is quick; it runs on the store's
worker threads like every other media lookup.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from server.api import Media, MediaNotFoundError, MediaService, Message, media_kind, media_ref

logger = logging.getLogger(__name__)

LOOKED_UP = ("video", "file")  # pictures get thumbnails; a voice message has no file


@dataclass(frozen=True, slots=True)
class Stored:
    """A video's or a file's copy on this computer: its size, or why there is none
    (`missing`, the whole reason)."""

    size: int | None = None
    missing: str | None = None


async def find_stored(media: MediaService, messages: list[Message]) -> dict[str, Stored]:
    """What is known of the copies of the videos and files among `messages`, by reference.
    One that could not be looked up for another reason is left out: its Save… says why."""
    refs = [
        ref
        for message in messages
        if media_kind(message) in LOOKED_UP and (ref := media_ref(message)) is not None
    ]
    found = await asyncio.gather(*(media.fetch(ref) for ref in refs), return_exceptions=True)
    stored: dict[str, Stored] = {}
    for ref, result in zip(refs, found, strict=True):
        if isinstance(result, Media):
            stored[ref] = Stored(size=result.size)
        elif isinstance(result, MediaNotFoundError):
            stored[ref] = Stored(missing=str(result))
        elif isinstance(result, Exception):
            logger.info("could not look %s up: %s", ref, result)
        else:
            raise result  # cancelled: the window has moved on
    return stored
