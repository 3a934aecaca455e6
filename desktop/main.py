"""The `chatlog-tray` command: arguments and logging first, then headless or the tray app.

Nothing here imports Qt, so `--headless` runs on machines without a display or Qt libraries.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from server.commands import (
    parse_args,
    register_secret,
    run_clients_command,
    run_decrypt_command,
    run_headless,
    run_stdio_bridge,
    setup_logging,
    why_no_gui,
)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["decrypt"]:
        return run_decrypt_command(arguments[1:])
    if arguments[:1] == ["clients"]:
        return run_clients_command(arguments[1:])
    if arguments[:1] == ["stdio"]:
        return run_stdio_bridge(arguments[1:])
    args, config = parse_args(arguments)
    for secret in (config.token, config.key, *config.file_keys.values()):
        if secret is not None:
            register_secret(secret.get_secret_value())
    setup_logging(args.log_level)
    if args.headless:
        return run_headless(config)
    problem = why_no_gui()
    if problem is not None:
        logging.getLogger("chatlog_tray").error("%s; to serve without it: --headless", problem)
        return 2
    from desktop.app import run_desktop

    return run_desktop(args, config)


if __name__ == "__main__":
    sys.exit(main())
