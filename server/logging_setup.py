"""Logging for both modes: to stderr when there is one, and always to a file.

Windowed builds have no stdout or stderr, so the file in the platform's log folder is the
one place a user (or a bug report) finds what happened. Secrets never reach a log: the
redaction filter replaces any registered secret with `***` as a last line of defence.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

import platformdirs

APP_NAME = "chatlog-tray"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class RedactSecrets(logging.Filter):
    """Masks registered secrets (tokens, keys) in every record, whatever logged them."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            masked = message
            for secret in self.secrets:
                masked = masked.replace(secret, "***")
            if masked != message:
                record.msg, record.args = masked, None
        return True


redactor = RedactSecrets()


def register_secret(secret: str | None) -> None:
    if secret:
        redactor.secrets.add(secret)


def setup_logging(level: str = "info", log_file: Path | None = None) -> Path | None:
    """Configure the root logger; returns the log file path (None if it could not be made)."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in list(root.handlers):
        root.removeHandler(handler)
    formatter = logging.Formatter(FORMAT)
    if sys.stderr is not None:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.addFilter(redactor)
        root.addHandler(stream)
    path = log_file or log_dir() / f"{APP_NAME}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    file_handler.setFormatter(formatter)
    file_handler.addFilter(redactor)
    root.addHandler(file_handler)
    # Hypercorn's and Quart's access chatter stays out of the user's log.
    logging.getLogger("hypercorn.access").setLevel(logging.WARNING)
    return path
