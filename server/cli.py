"""Command-line arguments, shared by the desktop app and the headless server. Qt-free.

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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from server.config import DEFAULT_HOST, DEFAULT_PORT, MIN_TOKEN_LENGTH, ServerConfig
from server.devhooks import DEVTOOLS_MISSING, devtools_available
from server.logging_setup import register_secret
from server.mcp.protocol import server_version
from server.mcp.tools.registry import validation_message
from server.push.hook_cli import add_webhook_arguments, webhook_configs
from server.wechat.crypto.keyfile import read_key_file

LOG_LEVELS = ("debug", "info", "warning", "error")
TOKEN_ENV = "CHATLOG_TRAY_TOKEN"
KEY_ENV = "CHATLOG_TRAY_KEY"
IMAGE_KEY_ENV = "CHATLOG_TRAY_IMAGE_KEY"
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
        epilog="'chatlog-tray decrypt --help' shows how to write plain copies of encrypted data; "
        "'chatlog-tray export --help' how to export a chat to HTML, JSON or CSV.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {server_version()}")
    parser.add_argument("--headless", action="store_true", help="serve without the tray (no Qt)")
    parser.add_argument("--host", help=f"interface to listen on (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, help=f"TCP port, 0 = any free port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--queue-capacity", type=int, help="requests waiting at most (default 1000)"
    )
    parser.add_argument("--workers", type=int, help="requests processed at once (default 8)")
    parser.add_argument(
        "--ping-interval", type=float, help="seconds between SSE pings (default 30)"
    )
    parser.add_argument(
        "--session-idle-timeout",
        type=float,
        help="seconds before an idle MCP client leaves the list and its session, if any, "
        "ends (default 1800)",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        help="live handshake-era sessions at most; the one quiet longest makes room (default 1000)",
    )
    parser.add_argument("--data-dir", type=Path, help="WeChat data directory (default: demo data)")
    parser.add_argument(
        "--no-search-index",
        action="store_true",
        help="keep no full-text index in the app's data folder: keyword queries scan",
    )
    secrets = parser.add_argument_group("secrets", SECRETS_HELP)
    token = secrets.add_mutually_exclusive_group()
    token.add_argument(
        "--token",
        help="require 'Authorization: Bearer TOKEN' on every route but /health "
        f"(at least {MIN_TOKEN_LENGTH} characters); '-' reads it from standard input; a "
        "token that itself starts with '-' is given as --token=VALUE",
    )
    token.add_argument("--token-file", type=Path, metavar="PATH", help="read the token from PATH")
    key = secrets.add_mutually_exclusive_group()
    key.add_argument(
        "--key",
        help="WeChat database key (64 hex characters): read encrypted data in place; "
        "'-' reads it from standard input",
    )
    key.add_argument(
        "--key-from", type=Path, metavar="PATH", help="read the database key from PATH"
    )
    secrets.add_argument(
        "--key-file",
        type=Path,
        metavar="PATH",
        help="a key file with one key per database (all_keys.json: relative path -> "
        '{"enc_key": HEX}); combines with --key, whose key opens the files it does not name',
    )
    image_key = secrets.add_mutually_exclusive_group()
    image_key.add_argument(
        "--image-key",
        help="WeChat 4.x image key (16 characters) for pictures in the V2 .dat format; '-' "
        f"reads it from standard input (or use {IMAGE_KEY_ENV})",
    )
    image_key.add_argument(
        "--image-key-from", type=Path, metavar="PATH", help="read the image key from PATH"
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin allowed to call the server (repeatable), e.g. http://localhost:6274",
    )
    parser.add_argument(
        "--open-access",
        action="store_true",
        help="let any program on this computer read your real WeChat data without a token "
        "(by default each app needs its own: 'chatlog-tray clients add'); the demo data is "
        "always open",
    )
    add_webhook_arguments(parser)
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    parser.add_argument(
        "--conformance-fixtures",
        action="store_true",
        help="also serve the tools, resources and prompts of the MCP conformance suite "
        "(developers: needs a source checkout)",
    )
    return parser


def config_from_args(args: argparse.Namespace, base: ServerConfig | None = None) -> ServerConfig:
    """The ServerConfig for these arguments: given flags override `base` (or the defaults).

    Raises ValueError with a readable message when a value is out of range.
    """
    if args.conformance_fixtures and not devtools_available():
        raise ValueError(DEVTOOLS_MISSING)
    overrides = {
        "host": args.host,
        "port": args.port,
        "queue_capacity": args.queue_capacity,
        "workers": args.workers,
        "ping_interval": args.ping_interval,
        "session_idle_timeout": args.session_idle_timeout,
        "max_sessions": args.max_sessions,
        "data_dir": args.data_dir,
        "token": args.token,
        "key": args.key,
        "file_keys": getattr(args, "file_keys", None),  # set by read_secrets only
        "image_key": getattr(args, "image_key", None),
        "allow_origins": tuple(args.allow_origin) or None,
        "conformance_fixtures": args.conformance_fixtures or None,
        "open_access": args.open_access or None,
        "search_index": False if args.no_search_index else None,
        "webhooks": webhook_configs(args) or None,
    }
    values = (base or ServerConfig()).model_dump()
    values.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return ServerConfig.model_validate(values)
    except ValidationError as error:
        raise ValueError(
            validation_message(error).replace("Invalid arguments", "Invalid settings")
        ) from None


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
