"""Encode the demo clips: python -m devtools.demo.clips [NAME ...]

Draws every frame of each clip (`frames.py`), pipes them as raw RGB into the ffmpeg of the
`imageio-ffmpeg` dev dependency and writes `devtools/demo/clips/<name>.mp4`: H.264 main
profile, yuv420p (what every player takes), the index at the front (`+faststart`, so that a
player or `ffmpeg -i pipe:0` can start before the end), no sound. Run it after changing the
frames, then regenerate the demo set (resources/demo/README.md) and commit both.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
from pathlib import Path

import imageio_ffmpeg

from devtools.demo.clips import FOLDER, NAMES, path
from devtools.demo.clips.frames import FPS, FRAMES, SIZE, frame

logger = logging.getLogger(__name__)

# x264 quality (lower is better): at 26 the drawings and their text stay sharp, and a clip
# costs 8-16 kB.
CRF = 26


def encode_command(ffmpeg: str, target: str) -> list[str]:
    width, height = SIZE
    command = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y"]
    command += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"]
    command += ["-r", str(FPS), "-i", "pipe:0"]
    command += ["-c:v", "libx264", "-profile:v", "main", "-preset", "veryslow"]
    command += ["-tune", "animation", "-crf", str(CRF), "-pix_fmt", "yuv420p"]
    # One encoding thread, no metadata and no muxer version: the same ffmpeg writes the same
    # bytes again.
    command += ["-threads", "1", "-map_metadata", "-1", "-fflags", "+bitexact"]
    command += ["-movflags", "+faststart", "-f", "mp4", target]
    return command


def encode(name: str, ffmpeg: str, folder: Path = FOLDER) -> Path:
    """Write the clip `name` into `folder` as `<name>.mp4`; its path."""
    target = folder / path(name).name
    partial = target.with_suffix(".part")
    frames = b"".join(frame(name, number).tobytes() for number in range(FRAMES))
    subprocess.run(encode_command(ffmpeg, str(partial)), input=frames, check=True)
    partial.replace(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description="Encode the demo's video clips.")
    parser.add_argument("names", nargs="*", help=f"of {', '.join(NAMES)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - set(NAMES)
    if unknown:
        parser.error(f"no clip named {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    for name in args.names or NAMES:
        written = encode(name, ffmpeg)
        logger.info("%s: %d bytes", written, written.stat().st_size)


if __name__ == "__main__":
    main()
