"""The `chatlog-tray` command: arguments and logging first, then headless or the tray app.

Nothing here imports Qt, so `--headless` runs on machines without a display or Qt libraries.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Sequence

from server.cli import parse_args
from server.logging_setup import register_secret, setup_logging


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["decrypt"]:
        from server.wechat.crypto.command import run as decrypt

        return decrypt(arguments[1:])
    if arguments[:1] == ["clients"]:
        from server.connect.command import run as connect_clients

        return connect_clients(arguments[1:])
    args, config = parse_args(arguments)
    for secret in (config.token, config.key):
        if secret is not None:
            register_secret(secret.get_secret_value())
    setup_logging(args.log_level)
    if args.headless:
        from server.headless import run

        return run(config)
    problem = _why_no_gui()
    if problem is not None:
        logging.getLogger("chatlog_tray").error("%s; to serve without it: --headless", problem)
        return 2
    from desktop.app import run_desktop

    return run_desktop(args, config)


def _why_no_gui() -> str | None:
    """Why the tray app cannot start here (Qt would abort the process), or None."""
    if importlib.util.find_spec("PySide6") is None or importlib.util.find_spec("qasync") is None:
        return "the tray app needs Qt: install chatlog-tray[desktop]"
    on_linux = sys.platform.startswith(("linux", "freebsd"))
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if on_linux and not display and not os.environ.get("QT_QPA_PLATFORM"):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    return None


if __name__ == "__main__":
    sys.exit(main())
