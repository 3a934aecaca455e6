"""Short playable video clips for the video messages of the demo set and of the tests.

The clips are H.264 in MP4, committed beside this file (`<name>.mp4`), encoded once by
`python -m devtools.demo.clips` from the frames in `frames.py`: x264's output differs between
ffmpeg builds, so encoding at generation time would make the demo set differ from one
computer to the next. The generator copies these bytes into each video message's file, and
writes each video's thumbnail, a JPEG of the clip's first frame drawn again by `frames.py`
(resources/demo/README.md).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from devtools.demo.clips.frames import NAMES, frame

FOLDER = Path(__file__).resolve().parent
THUMBNAIL_QUALITY = 70

__all__ = ["FOLDER", "NAMES", "clip", "clip_for", "path", "thumbnail"]


def path(name: str) -> Path:
    return FOLDER / f"{name}.mp4"


@cache
def clip(name: str) -> bytes:
    """The committed MP4 of the clip `name`."""
    return path(name).read_bytes()


@cache
def thumbnail(name: str) -> bytes:
    """The clip's first frame as a JPEG, as WeChat keeps a video's thumbnail."""
    buffer = io.BytesIO()
    frame(name, 0).save(buffer, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()


def clip_for(index: int) -> str:
    """The clip of video message number `index`: the few clips in turn."""
    return NAMES[index % len(NAMES)]
