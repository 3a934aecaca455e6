"""`chatlog-tray decrypt`: write plain copies of an encrypted data folder. Qt-free.

The key is read from `--key`, or from standard input with `--key -` (which keeps it out of the
process list and the shell history). `--key-file` gives one key per database (all_keys.json);
with both, the master key opens the files the key file does not name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from server.wechat.crypto.errors import InvalidKeyError, KeyFileError
from server.wechat.crypto.export import export
from server.wechat.crypto.keyfile import read_key_file
from server.wechat.crypto.keys import KeyRing
from server.wechat.crypto.progress import TerminalProgress
from server.wechat.errors import DataSourceError

COMMAND = "decrypt"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"chatlog-tray {COMMAND}",
        description="Write plain SQLite copies of an encrypted WeChat data folder, in the "
        "same layout. Unchanged files are skipped; a failed file never replaces a good copy.",
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="the WeChat data folder")
    parser.add_argument(
        "--key",
        help="the 64-hex-character database key (or SQLCipher's raw key x'<key><salt>'), "
        "or - to read stdin",
    )
    parser.add_argument(
        "--key-file",
        type=Path,
        metavar="PATH",
        help="a key file with one key per database (all_keys.json)",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the plain copies")
    parser.add_argument(
        "--full-check",
        action="store_true",
        help="verify each copy with PRAGMA integrity_check (default: the faster quick_check)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    return parser


def run(argv: Sequence[str]) -> int:
    """Run the subcommand; returns the process exit code (0 ok, 1 a file failed, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.key is None and args.key_file is None:
        parser.error("give --key, --key-file or both")
    text = sys.stdin.readline() if args.key == "-" else args.key
    try:
        files = read_key_file(args.key_file) if args.key_file else None
        key = KeyRing.from_texts(text, files)
    except (InvalidKeyError, KeyFileError) as error:
        parser.error(str(error))
    if key is None:
        parser.error("no key given")
    bar = None if args.quiet else TerminalProgress(sys.stderr)
    try:
        result = export(args.data_dir, args.out, key, bar, full_check=args.full_check)
    except DataSourceError as error:
        sys.stderr.write(f"chatlog-tray {COMMAND}: {error}\n")
        return 1
    finally:
        if bar:
            bar.close()
    sys.stderr.write(
        f"{len(result.written)} decrypted, {len(result.skipped)} unchanged, "
        f"{len(result.failed)} failed -> {args.out}\n"
    )
    for name, reason in result.failed.items():
        sys.stderr.write(f"  {name}: {reason}\n")
    return 0 if result.ok else 1
