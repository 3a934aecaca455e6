"""The `chatlog-tray` command: arguments and logging first, then headless or the tray app.

Nothing here imports Qt, so `--headless` runs on machines without a display or Qt libraries.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from server.cli import parse_args
from server.display import why_no_gui
from server.logging_setup import register_secret, setup_logging


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["decrypt"]:
        from server.wechat.crypto.command import run as decrypt

        return decrypt(arguments[1:])
    if arguments[:1] == ["clients"]:
        from server.connect.command import run as connect_clients

        return connect_clients(arguments[1:])
    if arguments[:1] == ["export"]:
        from server.wechat.export.command import run as export

        return export(arguments[1:])
    if arguments[:1] == ["stdio"]:
        from server.bridge.command import run as bridge

        return bridge(arguments[1:])
    args, config = parse_args(arguments)
    for secret in (config.token, config.key, *config.file_keys.values()):
        if secret is not None:
            register_secret(secret.get_secret_value())
    setup_logging(args.log_level)
    if args.headless:
        from server.headless import run

        return run(config)
    problem = why_no_gui()
    if problem is not None:
        logging.getLogger("chatlog_tray").error("%s; to serve without it: --headless", problem)
        return 2
    from desktop.app import run_desktop

    return run_desktop(args, config)


if __name__ == "__main__":
    sys.exit(main())
