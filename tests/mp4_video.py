"""MP4 video read back: its top-level boxes walked, its frames decoded by the ffmpeg of the
`imageio-ffmpeg` test dependency from a pipe (as a player streams it), and ffmpeg's own
description of the stream and duration."""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageStat

from tests.ogg_opus import FFMPEG

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+\.\d+)")
_VIDEO = re.compile(r"Stream #\S+: Video: (.+)")
_PPM_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+255\s")


@dataclass(frozen=True)
class Decoded:
    frames: list[Image.Image]
    video: str  # how ffmpeg describes the video stream: codec, profile, pixel format, size
    seconds: float  # the duration the file declares


def top_level_boxes(data: bytes) -> list[str]:
    """The types of an MP4's top-level boxes, in order (ftyp, moov, mdat, …)."""
    boxes, at = [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, at)
        if size == 1:  # a 64-bit size follows the type
            (size,) = struct.unpack_from(">Q", data, at + 8)
        boxes.append(kind.decode("latin-1"))
        if size < 8:
            break
        at += size
    return boxes


def decode(mp4: bytes) -> Decoded:
    """Every frame of the video, decoded by ffmpeg reading the file from its standard input."""
    command = [FFMPEG, "-hide_banner", "-f", "mp4", "-i", "pipe:0"]
    command += ["-f", "image2pipe", "-c:v", "ppm", "pipe:1"]
    run = subprocess.run(command, input=mp4, capture_output=True, check=True)
    log = run.stderr.decode(errors="replace")
    duration = _DURATION.search(log)
    video = _VIDEO.search(log)
    assert duration is not None and video is not None, log
    hours, minutes, seconds = duration.groups()
    return Decoded(
        _ppm_frames(run.stdout),
        video.group(1),
        int(hours) * 3600 + int(minutes) * 60 + float(seconds),
    )


def _ppm_frames(data: bytes) -> list[Image.Image]:
    """The pictures of a run of binary PPMs (`P6 <width> <height> 255`, then RGB bytes)."""
    frames, at = [], 0
    while at < len(data):
        header = _PPM_HEADER.match(data, at)
        assert header is not None, f"no PPM header at byte {at}"
        width, height = int(header.group(1)), int(header.group(2))
        end = header.end() + width * height * 3
        frames.append(Image.frombytes("RGB", (width, height), data[header.end() : end]))
        at = end
    return frames


def difference(a: Image.Image, b: Image.Image) -> float:
    """The mean absolute difference of two pictures' pixels, 0 to 255."""
    channels = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean
    return sum(channels) / len(channels)
