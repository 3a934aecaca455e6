"""Key files: one raw key per database, as 4.x key tools write them (`all_keys.json`).

    {"message\\message_0.db": {"enc_key": "<64 hex>", ...}, "_meta": {...}}

A relative path (either separator) maps to an object whose `enc_key` is that file's page key;
names starting with `_` are metadata (docs/encryption.md, "Key forms"). Every key read is
registered with the log redactor at once; the file itself is only read, never written.
"""

from __future__ import annotations

import json
from pathlib import Path

from server.logging_setup import register_secret
from server.wechat.crypto.errors import InvalidKeyError, KeyFileError
from server.wechat.crypto.keys import check_key_text

# A real key file lists a few dozen databases; anything far larger is not one.
MAX_KEY_FILE_BYTES = 4 * 1024 * 1024


def parse_key_file(text: str, path: Path) -> dict[str, str]:
    """Relative path -> key text, in the file's order.

    Raises:
        KeyFileError: not JSON, not an object, an entry without a valid `enc_key`, or no key
            at all (the message names the entry, never the key).
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise KeyFileError(path, f"it is not JSON (line {error.lineno})") from None
    if not isinstance(document, dict):
        raise KeyFileError(path, "it is not a JSON object of file names")
    keys: dict[str, str] = {}
    for name, entry in document.items():
        if name.startswith("_"):
            continue
        value = entry.get("enc_key") if isinstance(entry, dict) else entry
        if not isinstance(value, str):
            raise KeyFileError(path, f"the entry {name!r} has no enc_key")
        try:
            keys[name] = check_key_text(value)
        except InvalidKeyError as error:
            raise KeyFileError(path, f"the entry {name!r} is invalid: {error}") from None
        register_secret(keys[name])
        register_secret(keys[name].lower())
    if not keys:
        raise KeyFileError(path, "it holds no database key")
    return keys


def read_key_file(path: Path) -> dict[str, str]:
    """`parse_key_file` of the file at `path`. Raises KeyFileError."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise KeyFileError(path, error.strerror or str(error)) from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError(path, "it is too large to be a key file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KeyFileError(path, "it is not UTF-8 text") from None
    return parse_key_file(text, path)
