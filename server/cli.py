"""Command-line arguments, shared by the desktop app and the headless server. Qt-free."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from server.config import DEFAULT_HOST, DEFAULT_PORT, ServerConfig
from server.mcp.protocol import server_version
from server.mcp.tools.registry import validation_message

LOG_LEVELS = ("debug", "info", "warning", "error")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatlog-tray",
        description="Serve your own WeChat chat history to AI assistants over MCP, locally.",
        epilog="'chatlog-tray decrypt --help' shows how to write plain copies of encrypted data.",
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
        help="seconds before an idle Streamable HTTP session expires (default 1800)",
    )
    parser.add_argument("--data-dir", type=Path, help="WeChat data directory (default: demo data)")
    parser.add_argument(
        "--key", help="WeChat database key (64 hex characters): read encrypted data in place"
    )
    parser.add_argument(
        "--token", help="require 'Authorization: Bearer TOKEN' on every route but /health"
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin allowed to call the server (repeatable), e.g. http://localhost:6274",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    parser.add_argument(
        "--conformance-fixtures",
        action="store_true",
        help="also serve the tools, resources and prompts of the MCP conformance suite",
    )
    return parser


def config_from_args(args: argparse.Namespace, base: ServerConfig | None = None) -> ServerConfig:
    """The ServerConfig for these arguments: given flags override `base` (or the defaults).

    Raises ValueError with a readable message when a value is out of range.
    """
    overrides = {
        "host": args.host,
        "port": args.port,
        "queue_capacity": args.queue_capacity,
        "workers": args.workers,
        "ping_interval": args.ping_interval,
        "session_idle_timeout": args.session_idle_timeout,
        "data_dir": args.data_dir,
        "token": args.token,
        "key": args.key,
        "allow_origins": tuple(args.allow_origin) or None,
        "conformance_fixtures": args.conformance_fixtures or None,
    }
    values = (base or ServerConfig()).model_dump()
    values.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return ServerConfig.model_validate(values)
    except ValidationError as error:
        raise ValueError(
            validation_message(error).replace("Invalid arguments", "Invalid settings")
        ) from None


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, ServerConfig]:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as error:
        parser.error(str(error))
    return args, config
