"""Per-file raw keys of SQLCipher-encrypted fixtures, as 4.x key tools write them.

Each raw key is PBKDF2-SHA512(master key, the file's salt, 256,000) computed with the standard
library (not our derivation), then proven with SQLCipher itself: `raw_key` opens the file with
SQLCipher's raw-key syntax `x'<key><salt>'` before it is returned.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import closing
from pathlib import Path

from server.wechat.crypto.params import SALT_SIZE, V4
from tests.unit.wechat.crypto.conftest import KEY, sqlcipher_connect


def raw_key(path: Path, master: str = KEY) -> str:
    """The 64-hex page key of V4-encrypted `path`, checked by SQLCipher."""
    salt = path.read_bytes()[:SALT_SIZE]
    derived = hashlib.pbkdf2_hmac("sha512", bytes.fromhex(master), salt, V4.kdf_iterations, 32)
    with closing(sqlcipher_connect(path)) as connection:
        # SQLCipher 4's own format is WeChat 4.x's (the fixtures' writer may have changed the
        # process-wide defaults, hence the explicit compatibility); a raw key runs no KDF.
        connection.execute(f"PRAGMA key = \"x'{derived.hex()}{salt.hex()}'\"")
        connection.execute("PRAGMA cipher_compatibility = 4")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return derived.hex()


def salted_raw_key(path: Path) -> str:
    """SQLCipher's raw-key text for `path`: x'<64 hex key><32 hex salt>'."""
    return f"x'{raw_key(path)}{path.read_bytes()[:SALT_SIZE].hex()}'"


def key_file_entries(root: Path, *, leave_out: str | None = None) -> dict[str, dict[str, str]]:
    """all_keys.json's content for every database under `root`/db_storage, with Windows
    separators, plus a `_meta` entry; `leave_out` (a file name) gets no entry."""
    storage = root / "db_storage"
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(storage.rglob("*.db")):
        if path.name != leave_out:
            relative = "\\".join(path.relative_to(storage).parts)
            entries[relative] = {"enc_key": raw_key(path), "salt": "ignored"}
    return {**entries, "_meta": {"tool": "test", "count": str(len(entries))}}


def write_key_file(target: Path, root: Path, *, leave_out: str | None = None) -> Path:
    target.write_text(json.dumps(key_file_entries(root, leave_out=leave_out)), encoding="utf-8")
    return target
