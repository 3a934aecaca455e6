"""What the `chatlog-tray` command (desktop/main.py) may use from the server: its arguments,
logging, and each subcommand, whose modules load only when it runs (`chatlog-tray stdio`
starts without loading the server; `--headless` without Qt).

The tray app's own surface is server/api.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from server.cli import parse_args
from server.config import ServerConfig
from server.display import why_no_gui
from server.logging_setup import register_secret, setup_logging

__all__ = [
    "ServerConfig",
    "parse_args",
    "register_secret",
    "run_clients_command",
    "run_decrypt_command",
    "run_headless",
    "run_stdio_bridge",
    "setup_logging",
    "why_no_gui",
]


def run_headless(config: ServerConfig) -> int:
    """Serve without the tray until SIGINT or SIGTERM (`chatlog-tray --headless`)."""
    from server.headless import run

    return run(config)


def run_decrypt_command(argv: Sequence[str]) -> int:
    """`chatlog-tray decrypt ...`: plain copies of encrypted WeChat data."""
    from server.wechat.crypto.command import run

    return run(argv)


def run_clients_command(argv: Sequence[str]) -> int:
    """`chatlog-tray clients ...`: connect AI apps, list and revoke their tokens."""
    from server.connect.command import run

    return run(argv)


def run_stdio_bridge(argv: Sequence[str]) -> int:
    """`chatlog-tray stdio`: relay an app's standard input and output to the server's /mcp."""
    from server.bridge.command import run

    return run(argv)
