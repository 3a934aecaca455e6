"""`chatlog-tray export`: one chat over a time span to an HTML, JSON or CSV file. Qt-free.

The data folder and its keys are given as for the headless server (`--data-dir`, `--key`,
`--key-from`, `--key-file`, `--image-key`, the environment variables; server/cli.py); without
`--data-dir` the demo data is exported. The file is written whole or not at all, and never
inside WeChat's folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from server.cli import FROM_STDIN, IMAGE_KEY_ENV, KEY_ENV, read_secrets
from server.composition import keys_of
from server.config import ServerConfig
from server.wechat.crypto.errors import KeyFileError
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.export.engine import ExportResult, export_to_file
from server.wechat.export.options import (
    FORMATS,
    MEDIA_MODES,
    SUFFIXES,
    VOICE_FORMATS,
    ExportError,
    ExportFormat,
    ExportOptions,
    ExportProgress,
    MediaMode,
    VoiceFormat,
)
from server.wechat.media.image_key import ImageKey
from server.wechat.media.service import MediaService
from server.wechat.store import open_store
from server.wechat.timerange import ALL_TIME, parse_time_range

COMMAND = "export"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"chatlog-tray {COMMAND}",
        description="Export one chat over a time span to an HTML, JSON or CSV file. The file "
        "is written whole or not at all, and never inside WeChat's folder.",
    )
    parser.add_argument("--chat", required=True, help="the chat's id or name")
    parser.add_argument(
        "--time",
        help="the time span, as the chat tools take it (e.g. 2024-01-01~2024-06-30, "
        "last-7d); default: all of it",
    )
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument(
        "--format", choices=FORMATS, help="default: from the --out suffix, else html"
    )
    parser.add_argument(
        "--media",
        choices=MEDIA_MODES,
        default="inline",
        help="HTML only: pictures and voice embedded in the file (inline, the default), in a "
        "folder NAME_files beside it (folder), or left out (none)",
    )
    parser.add_argument(
        "--voice",
        choices=VOICE_FORMATS,
        default="mp3",
        help="voice in the HTML (default mp3; ogg, Opus, needs ffmpeg)",
    )
    parser.add_argument("--data-dir", type=Path, help="WeChat data directory (default: demo)")
    parser.add_argument(
        "--key", help=f"the database key; '-' reads it from standard input (or {KEY_ENV})"
    )
    parser.add_argument("--key-from", type=Path, metavar="PATH", help="read the key from PATH")
    parser.add_argument(
        "--key-file", type=Path, metavar="PATH", help="one key per database (all_keys.json)"
    )
    parser.add_argument(
        "--image-key",
        help=f"the 4.x image key; '-' reads it from standard input (or {IMAGE_KEY_ENV})",
    )
    parser.add_argument(
        "--image-key-from", type=Path, metavar="PATH", help="read the image key from PATH"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--force", action="store_true", help="replace the file at --out if it exists"
    )
    return parser


def _format_of(args: argparse.Namespace) -> ExportFormat:
    if args.format:
        return cast(ExportFormat, args.format)
    by_suffix = {suffix: name for name, suffix in SUFFIXES.items()}
    return cast(ExportFormat, by_suffix.get(args.out.suffix.lower(), "html"))


def options_from(args: argparse.Namespace) -> ExportOptions:
    """Raises InvalidTimeRangeError (a QueryError) for a bad --time."""
    span = parse_time_range(args.time.strip()) if args.time else ALL_TIME
    return ExportOptions(
        chat=args.chat,
        time=span,
        format=_format_of(args),
        media=cast(MediaMode, args.media),
        voice_format=cast(VoiceFormat, args.voice),
    )


class LineProgress:
    """A progress line on a terminal, redrawn in place; nothing when not a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._live = stream.isatty()

    def __call__(self, event: ExportProgress) -> None:
        if not self._live:
            return
        filled = int(event.fraction * 28)
        self._stream.write(
            f"\r[{'#' * filled}{'.' * (28 - filled)}] {event.fraction:4.0%} "
            f"{event.done:,}/{event.total:,} messages\x1b[K"
        )
        self._stream.flush()

    def close(self) -> None:
        if self._live:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


async def _export(
    config: ServerConfig, options: ExportOptions, out: Path, quiet: bool, replace: bool = False
) -> int:
    store = open_store(config.data_dir, keys_of(config))
    image_key = ImageKey(config.image_key.get_secret_value()) if config.image_key else None
    media = MediaService(store, image_key)
    bar = None if quiet else LineProgress(sys.stderr)
    try:
        result: ExportResult = await export_to_file(store, media, options, out, bar, replace)
    except (ExportError, QueryError, DataSourceError, OSError) as error:
        if bar is not None:
            bar.close()
        sys.stderr.write(f"chatlog-tray {COMMAND}: {error}\n")
        return 1
    finally:
        await store.close()
    if bar is not None:
        bar.close()
    where = f" (media in {result.media_folder})" if result.media_folder else ""
    sys.stderr.write(f"{result.messages} messages -> {result.path}{where}\n")
    return 0


def run(argv: Sequence[str], stdin: TextIO | None = None) -> int:
    """Run the subcommand; returns the exit code (0 written, 1 failed, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.key == FROM_STDIN and args.image_key == FROM_STDIN:
        parser.error("only one of --key and --image-key can come from standard input")
    args.token = args.token_file = None  # read_secrets reads the server's token too
    try:
        read_secrets(args, os.environ, sys.stdin if stdin is None else stdin)
        config = ServerConfig(
            data_dir=args.data_dir,
            key=args.key,
            file_keys=args.file_keys or {},
            image_key=args.image_key,
        )
        options = options_from(args)
    except (ValueError, KeyFileError, QueryError) as error:
        parser.error(str(error))
    return asyncio.run(_export(config, options, args.out, args.quiet, args.force))
