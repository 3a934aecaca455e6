"""Exporting a 10,000-message chat: time and peak memory per format (docs/benchmarks-data.md).

    .venv/bin/python bench/export.py [--messages 10000]

Builds a 4.x data folder (in a temporary folder) holding one group chat of `--messages`
messages with the generator's media (pictures in every `.dat` version, SILK voice), then runs
each export in its own process, as `chatlog-tray export` would: the time from opening the
store to the file in place, and the process's peak RSS before and after the export
(Linux's VmHWM), so the export's own memory is the difference. Ogg voice is encoded by ffmpeg
(CHATLOG_TRAY_FFMPEG or the PATH, else the `imageio-ffmpeg` dev dependency's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "0123456789abcdef"
RUNS = [
    ("html", "inline", "mp3"),
    ("html", "inline", "wav"),
    ("html", "inline", "ogg"),
    ("html", "folder", "mp3"),
    ("html", "none", "mp3"),
    ("json", "none", "mp3"),
    ("csv", "none", "mp3"),
]


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(root: Path, messages: int) -> str:
    """One group chat of `messages` messages, with its media; returns the chat's id."""
    from devtools.demo import build_dataset
    from devtools.demo.generate import write_v4
    from devtools.demo.media import write_media
    from server.wechat.model import Layout

    dataset = build_dataset(messages * 14)  # the busiest chat gets about 8% of them
    chat = Counter(m.talker for m in dataset.messages).most_common(1)[0][0]
    dataset.messages = [m for m in dataset.messages if m.talker == chat][:messages]
    write_v4(dataset, root, shards=4)
    media = write_media(dataset, root, Layout.V4, KEY.encode())
    print(
        f"chat {chat}: {len(dataset.messages):,} messages, {len(media.images)} pictures, "
        f"{len(media.voices)} voice messages"
    )
    return chat


async def child(root: Path, chat: str, fmt: str, media_mode: str, voice: str) -> dict[str, float]:
    from server.wechat.export.engine import export_to_file
    from server.wechat.export.options import ExportOptions
    from server.wechat.media.image_key import ImageKey
    from server.wechat.media.service import MediaService
    from server.wechat.store import open_store

    out = Path(tempfile.mkdtemp()) / f"chat.{fmt}"
    before = peak_rss_mb()
    began = time.perf_counter()
    store = open_store(root)
    media = MediaService(store, ImageKey(KEY))
    options = ExportOptions(chat, format=fmt, media=media_mode, voice_format=voice)  # type: ignore[arg-type]
    result = await export_to_file(store, media, options, out)
    seconds = time.perf_counter() - began
    await store.close()
    folder = result.media_folder
    extra = sum(p.stat().st_size for p in folder.iterdir()) if folder else 0
    return {
        "messages": result.messages,
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": peak_rss_mb(),
        "size_mb": (out.stat().st_size + extra) / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--only",
        action="append",
        metavar="FORMAT:MEDIA:VOICE",
        help="run only these exports, e.g. html:inline:ogg (repeatable; default: all)",
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        root, chat, fmt, media_mode, voice = args.child
        print(json.dumps(asyncio.run(child(Path(root), chat, fmt, media_mode, voice))))
        return
    sys.path.insert(0, str(ROOT))
    from server.wechat.media import ffmpeg

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if ffmpeg.executable() is None:
        import imageio_ffmpeg  # a dev dependency: the bench runs from a checkout

        env[ffmpeg.ENV_FFMPEG] = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "wechat"
        chat = build(root, args.messages)
        print("| format | media | voice | messages | seconds | peak RSS MB (before) | size MB |")
        print("|---|---|---|---:|---:|---:|---:|")
        chosen = [tuple(run.split(":")) for run in args.only] if args.only else RUNS
        for fmt, media_mode, voice in chosen:
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(root), chat, fmt, media_mode, voice],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(output.strip().splitlines()[-1])
            print(
                f"| {fmt} | {media_mode if fmt == 'html' else '-'} | "
                f"{voice if fmt == 'html' and media_mode != 'none' else '-'} | "
                f"{r['messages']:,} | {r['seconds']:.2f} | {r['rss_peak_mb']:.0f} "
                f"({r['rss_before_mb']:.0f}) | {r['size_mb']:.1f} |"
            )


if __name__ == "__main__":
    main()
