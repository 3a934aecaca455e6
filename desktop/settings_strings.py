# ruff: noqa: E501 (generated: one text per line, as long as it is)
"""The settings schema's texts, for the translation tools (generated; do not edit).

`python -m devtools.settings_docs` writes this file from server/config.py, so that
pyside6-lupdate, which reads desktop/, finds every label, help text and group name; the
dialog translates them at run time in the "Settings" context (desktop/settings_form.py).
"""

from PySide6.QtCore import QT_TRANSLATE_NOOP

SCHEMA_TEXTS = (
    QT_TRANSLATE_NOOP("Settings", "Network"),
    QT_TRANSLATE_NOOP("Settings", "Performance"),
    QT_TRANSLATE_NOOP("Settings", "WeChat data"),
    QT_TRANSLATE_NOOP("Settings", "Webhooks"),
    QT_TRANSLATE_NOOP("Settings", "Listen on"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "the interface to listen on: 127.0.0.1 (this computer only) or 0.0.0.0 (every network interface, which needs a token)",
    ),
    QT_TRANSLATE_NOOP("Settings", "This computer only (127.0.0.1)"),
    QT_TRANSLATE_NOOP("Settings", "All network interfaces (0.0.0.0)"),
    QT_TRANSLATE_NOOP("Settings", "Port"),
    QT_TRANSLATE_NOOP("Settings", "the TCP port; 0 picks any free port"),
    QT_TRANSLATE_NOOP("Settings", "any free port"),
    QT_TRANSLATE_NOOP("Settings", "Access token"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "require 'Authorization: Bearer TOKEN' on every route but /health (at least 16 characters)",
    ),
    QT_TRANSLATE_NOOP("Settings", "none: any local program may connect"),
    QT_TRANSLATE_NOOP("Settings", "Allowed browser origins"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "a browser origin allowed to call the server, one per line (the flag repeats), e.g. http://localhost:6274",
    ),
    QT_TRANSLATE_NOOP("Settings", "http://localhost:6274"),
    QT_TRANSLATE_NOOP("Settings", "Queue capacity"),
    QT_TRANSLATE_NOOP("Settings", "requests waiting at most"),
    QT_TRANSLATE_NOOP("Settings", "requests"),
    QT_TRANSLATE_NOOP("Settings", "Workers"),
    QT_TRANSLATE_NOOP("Settings", "requests processed at once"),
    QT_TRANSLATE_NOOP("Settings", "SSE ping interval"),
    QT_TRANSLATE_NOOP("Settings", "seconds between pings on an open stream"),
    QT_TRANSLATE_NOOP("Settings", "s"),
    QT_TRANSLATE_NOOP("Settings", "Session idle timeout"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "seconds before an idle MCP client leaves the list and its session, if any, ends",
    ),
    QT_TRANSLATE_NOOP("Settings", "Sessions at most"),
    QT_TRANSLATE_NOOP(
        "Settings", "live handshake-era sessions at most; the one quiet longest makes room"
    ),
    QT_TRANSLATE_NOOP("Settings", "sessions"),
    QT_TRANSLATE_NOOP("Settings", "Data directory"),
    QT_TRANSLATE_NOOP("Settings", "the WeChat data directory; empty: the built-in demo data"),
    QT_TRANSLATE_NOOP("Settings", "empty: use the built-in demo data"),
    QT_TRANSLATE_NOOP("Settings", "Database key"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "the WeChat database key (64 hexadecimal characters, or SQLCipher's raw key x'<64 hex key><32 hex salt>'): read encrypted data in place",
    ),
    QT_TRANSLATE_NOOP("Settings", "none: the data is not encrypted"),
    QT_TRANSLATE_NOOP("Settings", "Key file"),
    QT_TRANSLATE_NOOP(
        "Settings",
        'a key file with one key per database (all_keys.json: relative path -> {"enc_key": HEX}); combines with the database key, which opens the files it does not name',
    ),
    QT_TRANSLATE_NOOP("Settings", "Image key"),
    QT_TRANSLATE_NOOP(
        "Settings",
        "the WeChat 4.x image key (16 characters), for pictures in the newer .dat format",
    ),
    QT_TRANSLATE_NOOP("Settings", "only for pictures in WeChat 4.x's newer format"),
    QT_TRANSLATE_NOOP(
        "Settings", "Let any program on this computer read my chats without being connected"
    ),
    QT_TRANSLATE_NOOP(
        "Settings",
        "let any program on this computer read your real WeChat data without a token (by default each app needs its own: 'chatlog-tray clients add'); the demo data is always open",
    ),
    QT_TRANSLATE_NOOP(
        "Settings",
        "where new messages are POSTed as they arrive, in chatlog's JSON format, each with optional chat, sender and keyword filters; a receiver on another computer needs your confirmation (docs/webhooks.md)",
    ),
)
