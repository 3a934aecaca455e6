"""WeChat's `wxgf` pictures: HEVC (H.265) frames in WeChat's own container, converted by ffmpeg.

WeChat 4.x stores many pictures, above all stickers and pictures from phones, this way inside
the `.dat` encoding (docs/wechat-data.md, "wxgf pictures"):

    b"wxgf" | header length (1 byte, counted from the start) | rest of the header |
    partitions: each a 4-byte big-endian length, then an HEVC Annex B stream
    (it begins with the start code 00 00 00 01 or 00 00 01)

A still picture's largest partition holds the picture. An animated one (a sticker) has
several partitions of similar size, alternately an alpha mask and the frames.

Decoding HEVC is ffmpeg's job, not ours: an ffmpeg executable from `CHATLOG_TRAY_FFMPEG` or the
PATH converts the stream, through pipes (the picture never touches the disk), into a JPEG (a
still) or a GIF (an animation, without its transparency). Without ffmpeg the answer says so.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass

from server.wechat.media.errors import UnsupportedMediaError

logger = logging.getLogger(__name__)

MAGIC = b"wxgf"
ENV_FFMPEG = "CHATLOG_TRAY_FFMPEG"
_START_CODES = (b"\x00\x00\x00\x01", b"\x00\x00\x01")
# A partition smaller than this share of the file means an animation's frames are spread
# over many partitions (a still picture's one partition is nearly the whole file).
_STILL_SHARE = 0.6
# Well inside a store job's time budget (15 s, server/wechat/store.py): one picture that
# ffmpeg cannot finish fails alone, not the export or thumbnail job around it.
_TIMEOUT = 5.0
# The windowed app has no console; without this every conversion would flash one on Windows.
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)

NO_FFMPEG = (
    "this picture is in WeChat's wxgf (HEVC) format, which needs ffmpeg to convert: install "
    f"ffmpeg (on the PATH) or set {ENV_FFMPEG} to the ffmpeg executable"
)


@dataclass(frozen=True, slots=True)
class Partition:
    offset: int
    size: int


def is_wxgf(data: bytes) -> bool:
    return data.startswith(MAGIC)


def partitions(data: bytes) -> list[Partition]:
    """The HEVC streams of a wxgf file, in order. Raises UnsupportedMediaError if none."""
    if not is_wxgf(data) or len(data) < 5 or data[4] >= len(data):
        raise UnsupportedMediaError("the wxgf picture's header is damaged")
    header = data[4]
    for code in _START_CODES:
        found: list[Partition] = []
        position = header
        while (index := data.find(code, position)) != -1:
            if index >= header + 4:
                size = int.from_bytes(data[index - 4 : index], "big")
                if 0 < size <= len(data) - index:
                    found.append(Partition(index, size))
                    position = index + size  # start codes inside the stream are its own
                    continue
            position = index + 1
        if found:
            return found
    raise UnsupportedMediaError("the wxgf picture holds no HEVC stream")


def convert(data: bytes) -> tuple[bytes, str]:
    """The picture as (JPEG or GIF bytes, MIME type). Runs ffmpeg: call off the event loop.

    Raises UnsupportedMediaError when ffmpeg is missing or cannot decode the stream.
    """
    parts = partitions(data)
    largest = max(parts, key=lambda part: part.size)
    if len(parts) > 1 and largest.size / len(data) < _STILL_SHARE:
        frames = b"".join(_bytes_of(data, part) for part in parts[1::2])
        return _ffmpeg(frames, ["-f", "gif"]), "image/gif"
    still = _bytes_of(data, largest)
    return _ffmpeg(still, ["-frames:v", "1", "-c:v", "mjpeg", "-q:v", "2", "-f", "image2pipe"]), (
        "image/jpeg"
    )


def _bytes_of(data: bytes, part: Partition) -> bytes:
    return data[part.offset : part.offset + part.size]


def ffmpeg_executable() -> str | None:
    chosen = os.environ.get(ENV_FFMPEG)
    if chosen:
        return chosen if os.path.isfile(chosen) else None
    return shutil.which("ffmpeg")


def _ffmpeg(stream: bytes, output: list[str]) -> bytes:
    executable = ffmpeg_executable()
    if executable is None:
        raise UnsupportedMediaError(NO_FFMPEG)
    command = [executable, "-hide_banner", "-loglevel", "error", "-nostdin"]
    command += ["-f", "hevc", "-i", "pipe:0", *output, "pipe:1"]
    try:
        # -nostdin only stops ffmpeg reading keys; the stream itself comes through pipe:0.
        done = subprocess.run(  # a fixed command line, no shell
            command,
            input=stream,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            creationflags=_NO_WINDOW,
        )
    except subprocess.TimeoutExpired as error:
        raise UnsupportedMediaError("ffmpeg took too long to convert the wxgf picture") from error
    except OSError as error:
        raise UnsupportedMediaError(f"ffmpeg could not be run: {error.strerror}") from error
    if done.returncode != 0 or not done.stdout:
        logger.info("ffmpeg could not convert a wxgf picture: %s", done.stderr[-300:])
        raise UnsupportedMediaError("ffmpeg could not decode this wxgf (HEVC) picture")
    return done.stdout
