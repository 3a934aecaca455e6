"""`chatlog-tray stdio`: arguments, the token, finding the app, then relaying until EOF.

Exit status: 0 when the client closes standard input, 2 for bad arguments, 3 when the app is
not running and cannot be started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import httpx

from server import endpoint
from server.bridge.discovery import (
    DEFAULT_URL,
    LaunchError,
    LaunchOptions,
    find_or_start,
    running_app,
)
from server.bridge.relay import Relay
from server.bridge.stdio import LineReader, LineWriter, claim_stdout
from server.cli import FROM_STDIN, LOG_LEVELS, TOKEN_ENV, read_secret
from server.logging_setup import log_dir, setup_logging
from server.mcp.protocol import server_version

logger = logging.getLogger("chatlog_tray.stdio")

EXIT_CANNOT_START = 3
LOG_FILE = "chatlog-tray-stdio.log"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chatlog-tray stdio",
        description="Speak MCP on standard input and output (for clients that start local "
        "servers, such as Claude Desktop) and relay it to the running Chatlog Tray app, "
        "starting the app if it is not running.",
    )
    parser.add_argument(
        "--url",
        help="the MCP endpoint to relay to, e.g. http://127.0.0.1:5030/mcp (default: where "
        "the running app says it listens); the app is never started for an explicit URL",
    )
    token = parser.add_mutually_exclusive_group()
    token.add_argument(
        "--token",
        help=f"the server's token (visible in the process list: prefer {TOKEN_ENV} or "
        "--token-file)",
    )
    token.add_argument("--token-file", type=Path, metavar="PATH", help="read the token from PATH")
    parser.add_argument(
        "--no-start", action="store_true", help="never start the app when it is not running"
    )
    parser.add_argument(
        "--start-headless",
        action="store_true",
        help="when starting the app, start the headless server, not the tray app",
    )
    parser.add_argument(
        "--start-port",
        type=int,
        metavar="PORT",
        help="the port of the app the bridge starts (0 = any free port; default: its setting)",
    )
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long a started app may take to serve (default 10)",
    )
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info")
    return parser


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.token == FROM_STDIN:
        parser.error(
            f"standard input carries the protocol: give the token in {TOKEN_ENV} or a file"
        )
    try:
        token = read_secret("token", args.token, args.token_file, os.environ.get(TOKEN_ENV), None)
    except ValueError as error:
        parser.error(str(error))
    if sys.stdin is None or sys.stdout is None:
        logger.error("chatlog-tray stdio needs standard input and output (run it from a client)")
        return 2
    protocol_out = claim_stdout()
    setup_logging(args.log_level, log_dir() / LOG_FILE)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request is noise here
    try:
        return asyncio.run(_serve(args, token, sys.stdin.buffer, protocol_out))
    except KeyboardInterrupt:
        return 0


async def _serve(
    args: argparse.Namespace, token: str | None, stdin: BinaryIO, stdout: BinaryIO
) -> int:
    headers = {"user-agent": f"chatlog-tray-stdio/{server_version()}"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    # No read timeout: answers may stream for as long as a tool runs or a listen lasts.
    timeout = httpx.Timeout(connect=5.0, read=None, write=30.0, pool=None)
    # The app is on this computer: proxies from the environment apply only to an explicit URL.
    async with httpx.AsyncClient(
        headers=headers, timeout=timeout, trust_env=args.url is not None
    ) as http:
        try:
            url = await _mcp_url(args, http)
        except LaunchError as error:
            logger.error("cannot reach Chatlog Tray: %s", error)
            return EXIT_CANNOT_START
        logger.info("relaying to %s", url)
        await _relay_until_eof(Relay(url, LineWriter(stdout), http), stdin)
    return 0


async def _mcp_url(args: argparse.Namespace, http: httpx.AsyncClient) -> str:
    if args.url is not None:
        return mcp_endpoint(args.url)
    if args.no_start:
        published = endpoint.read()
        fallback = published.url if published is not None else DEFAULT_URL
        return mcp_endpoint(await running_app(http) or fallback)
    options = LaunchOptions(args.start_headless, args.start_port, args.start_timeout)
    return mcp_endpoint(await find_or_start(http, options))


def mcp_endpoint(url: str) -> str:
    """The MCP endpoint for a URL: itself, or `/mcp` on it when it names only the server."""
    url = url.strip()
    if httpx.URL(url).path in ("", "/"):
        return url.rstrip("/") + "/mcp"
    return url


async def _relay_until_eof(relay: Relay, stdin: BinaryIO) -> None:
    reader = LineReader(stdin)
    loop = asyncio.get_running_loop()
    stopped_by_signal = False

    def on_signal() -> None:
        nonlocal stopped_by_signal
        stopped_by_signal = True
        reader.stop()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows' loop has none
        loop.add_signal_handler(signal.SIGTERM, on_signal)
    # A client that closed its end of stdout is gone as surely as one that closed stdin.
    broken = loop.create_task(relay.writer.broken.wait())
    broken.add_done_callback(lambda _: reader.stop())
    try:
        while (line := await reader.next()) is not None:
            await relay.handle_line(line)
    finally:
        broken.cancel()
        # After a signal the client will not wait for answers; at EOF it may still read some.
        await relay.close(grace=0 if stopped_by_signal else None)
