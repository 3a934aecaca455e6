"""WeChat's `wxgf` pictures: HEVC (H.265) frames in WeChat's own container, converted by ffmpeg.

WeChat 4.x stores many pictures, above all stickers and pictures from phones, this way inside
the `.dat` encoding (docs/wechat-data.md, "wxgf pictures"):

    b"wxgf" | header length (1 byte, counted from the start) | rest of the header |
    partitions: each a 4-byte big-endian length, then an HEVC Annex B stream
    (it begins with the start code 00 00 00 01 or 00 00 01)

A still picture's largest partition holds the picture. An animated one (a sticker) has
several partitions of similar size, alternately an alpha mask and the frames.

Decoding HEVC is ffmpeg's job, not ours: the optional external ffmpeg (`ffmpeg.py`: from
`CHATLOG_TRAY_FFMPEG` or the PATH) converts the stream, through pipes (the picture never
touches the disk), into a JPEG (a still) or a GIF (an animation, without its transparency).
Without ffmpeg the answer says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.wechat.media import ffmpeg
from server.wechat.media.errors import UnsupportedMediaError

MAGIC = b"wxgf"
_START_CODES = (b"\x00\x00\x00\x01", b"\x00\x00\x01")
# A partition smaller than this share of the file means an animation's frames are spread
# over many partitions (a still picture's one partition is nearly the whole file).
_STILL_SHARE = 0.6

NO_FFMPEG = (
    "this picture is in WeChat's wxgf (HEVC) format, which needs ffmpeg to convert: "
    f"{ffmpeg.INSTALL_HINT}"
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


def _ffmpeg(stream: bytes, output: list[str]) -> bytes:
    return ffmpeg.run(
        ["-f", "hevc"], stream, output, what="decode this wxgf (HEVC) picture", missing=NO_FFMPEG
    )
