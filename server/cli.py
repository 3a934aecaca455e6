"""Command-line arguments, shared by the desktop app and the headless server. Qt-free.

Every setting's flag is made from its entry in `server.config.SETTINGS` (its help, type,
default and unit), so a new setting needs no change here.

The token and the database key can come from the command line, standard input, a file or an
environment variable. Only the first is unsafe: any user of the computer can read a
process's arguments (`ps`, /proc/PID/cmdline), but not its standard input, a file only its
owner may read, or its environment.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from server.config import SETTING, SETTINGS, ServerConfig
from server.devhooks import DEVTOOLS_MISSING, devtools_available
from server.logging_setup import register_secret
from server.mcp.protocol import server_version
from server.mcp.tools.registry import validation_message
from server.settings_schema import Entry, Kind
from server.wechat.crypto.keyfile import read_key_file

LOG_LEVELS = ("debug", "info", "warning", "error")
TOKEN_ENV = SETTING["token"].setting.env
KEY_ENV = SETTING["key"].setting.env
IMAGE_KEY_ENV = SETTING["image_key"].setting.env
FROM_STDIN = "-"
SECRETS_HELP = (
    "A token or key given as a value (--token VALUE, --key VALUE) is visible to every user "
    "of this computer in the process list. Safe ways: '-' reads it from standard input "
    "(typed without echo at a terminal), a file only you can read (--token-file, "
    f"--key-from), or the environment variables {TOKEN_ENV} and {KEY_ENV}. A value on the "
    "command line wins over the environment."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatlog-tray",
        description="Serve your own WeChat chat history to AI assistants over MCP, locally.",
        epilog="'chatlog-tray decrypt --help' shows how to write plain copies of encrypted data.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {server_version()}")
    parser.add_argument("--headless", action="store_true", help="serve without the tray (no Qt)")
    secrets = parser.add_argument_group("secrets", SECRETS_HELP)
    for entry in SETTINGS:
        if entry.setting.flags is not None:
            entry.setting.flags.add(parser)
        elif entry.kind in (Kind.SECRET, Kind.KEY_TABLE):
            _add_secret(secrets, entry)
        elif entry.kind is not Kind.RECORDS:
            _add_flag(parser, entry)
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    return parser


def _add_flag(parser: argparse.ArgumentParser, entry: Entry) -> None:
    """One setting's flag, from its schema entry (server/settings_schema.py)."""
    setting = entry.setting
    default = entry.default_text()
    shown = f"{default} {setting.unit}".strip() if entry.kind is not Kind.SWITCH else ""
    text = f"{setting.help} (default {shown})" if shown else setting.help
    if entry.kind is Kind.SWITCH:
        if entry.default:  # --no-search-index turns off what is on by default
            text = f"do not {text}"
        parser.add_argument(entry.flag, dest=entry.dest, action="store_true", help=text)
    elif entry.kind is Kind.LINES:
        parser.add_argument(
            entry.flag, dest=entry.dest, action="append", default=[], metavar=setting.metavar,
            help=text.replace("one per line (the flag repeats)", "repeatable"),
        )  # fmt: skip
    else:
        parser.add_argument(
            entry.flag, dest=entry.dest, type=_FLAG_TYPES[entry.kind],
            metavar=setting.metavar or _metavar(entry), help=text,
        )  # fmt: skip


def _add_secret(group: argparse._ArgumentGroup, entry: Entry) -> None:
    """A secret's flag ('-' reads it from standard input) and its file and environment."""
    setting = entry.setting
    if entry.kind is Kind.KEY_TABLE:
        group.add_argument(entry.flag, type=Path, metavar=setting.metavar, help=setting.help)
        return
    choice = group.add_mutually_exclusive_group()
    env = f" (or use {setting.env})" if setting.env else ""
    choice.add_argument(
        entry.flag,
        dest=entry.dest,
        help=f"{setting.help}; '-' reads it from standard input{env}; a value that itself "
        f"starts with '-' is given as {entry.flag}=VALUE",
    )
    what = setting.label.lower()
    choice.add_argument(
        setting.file_flag, type=Path, metavar="PATH", help=f"read the {what} from PATH"
    )


def _metavar(entry: Entry) -> str | None:
    if entry.kind is Kind.INTEGER:
        return "N"
    if entry.kind is Kind.NUMBER:
        return "SECONDS" if entry.setting.unit == "s" else "N"
    return None


_FLAG_TYPES: dict[Kind, Callable[[str], object]] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.INTEGER: int,
    Kind.NUMBER: float,
    Kind.FOLDER: Path,
}


def config_from_args(args: argparse.Namespace, base: ServerConfig | None = None) -> ServerConfig:
    """The ServerConfig for these arguments: given flags override `base` (or the defaults).

    Raises ValueError with a readable message when a value is out of range.
    """
    if args.conformance_fixtures and not devtools_available():
        raise ValueError(DEVTOOLS_MISSING)
    values = (base or ServerConfig()).model_dump()
    for entry in SETTINGS:
        value = _given(args, entry)
        if value is not None:
            values[entry.name] = value
    try:
        return ServerConfig.model_validate(values)
    except ValidationError as error:
        raise ValueError(
            validation_message(error).replace("Invalid arguments", "Invalid settings")
        ) from None


def _given(args: argparse.Namespace, entry: Entry) -> object:
    """The value a flag gave for `entry`, or None when it was not given."""
    if entry.setting.flags is not None:
        return entry.setting.flags.given(args)
    if entry.kind is Kind.KEY_TABLE:
        return getattr(args, "file_keys", None)  # set by read_secrets only
    value = getattr(args, entry.dest, None)
    if entry.kind is Kind.SWITCH:
        # --open-access turns on what is off by default; --no-search-index turns off.
        return (not entry.default) if value else None
    if entry.kind is Kind.LINES:
        return tuple(value) if value else None
    return value


def parse_args(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
) -> tuple[argparse.Namespace, ServerConfig]:
    """The arguments and the ServerConfig they make; exits with a message (status 2) if bad.

    The token and key are read from their source here, once, so `args.token` and `args.key`
    hold the secrets themselves (the desktop app applies the arguments again later).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        read_secrets(
            args,
            os.environ if environ is None else environ,
            sys.stdin if stdin is None else stdin,
        )
        config = config_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    return args, config


def read_secrets(
    args: argparse.Namespace, environ: Mapping[str, str], stdin: TextIO | None
) -> None:
    """Replace `-`, --token-file, --key-from and the environment by the secrets they hold."""
    image_key = getattr(args, "image_key", None)
    if args.token == FROM_STDIN and args.key == FROM_STDIN:
        raise ValueError(
            "only one of --token and --key can come from standard input; "
            "give the other in a file or an environment variable"
        )
    if image_key == FROM_STDIN and FROM_STDIN in (args.token, args.key):
        raise ValueError(
            "only one of --token, --key and --image-key can come from standard input; "
            "give the others in a file or an environment variable"
        )
    args.token = read_secret("token", args.token, args.token_file, environ.get(TOKEN_ENV), stdin)
    args.key = read_secret("key", args.key, args.key_from, environ.get(KEY_ENV), stdin)
    # Each key is registered for masking as it is read (see keyfile.py).
    args.file_keys = read_key_file(args.key_file) if args.key_file else None
    args.image_key = read_secret(
        "image key",
        image_key,
        getattr(args, "image_key_from", None),
        environ.get(IMAGE_KEY_ENV),
        stdin,
    )


def read_secret(
    name: str, value: str | None, path: Path | None, from_env: str | None, stdin: TextIO | None
) -> str | None:
    """One secret from the first source given: `-` (stdin), a file, the value, the environment.

    Raises ValueError with a readable message; the secret is registered for masking in logs.
    """
    if value == FROM_STDIN:
        secret = _read_stdin(name, stdin)
    elif path is not None:
        secret = _read_file(name, path)
    elif value is not None:
        secret = value
    elif from_env:
        secret = from_env.strip()
    else:
        return None
    # Masked in every log from now on, whatever logs it by mistake.
    register_secret(secret)
    return secret


def _read_stdin(name: str, stdin: TextIO | None) -> str:
    if stdin is None or stdin.closed:
        raise ValueError(f"there is no standard input to read the {name} from")
    # At a terminal, typed without echo; else the first line (stdin may be left open).
    secret = getpass.getpass(f"{name.capitalize()}: ") if stdin.isatty() else stdin.readline()
    secret = secret.strip()
    if not secret:
        raise ValueError(f"no {name} on standard input")
    return secret


def _read_file(name: str, path: Path) -> str:
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ValueError(f"cannot read the {name} from {path}: {reason}") from None
    if not secret:
        raise ValueError(f"the {name} file {path} is empty")
    return secret
