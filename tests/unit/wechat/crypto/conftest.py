"""Encrypted copies of the generated data directories, made by an independent SQLCipher.

Never by our own code: SQLCipher 4 (the `sqlcipher3` package, a locked dev dependency) writes
every format, configured with each WeChat version's parameters. WeChat's key convention is
SQLCipher's passphrase path with the 32 key bytes as the passphrase: `KEY X'<hex>'` (a blob) is
exactly that; `KEY "x'<hex>'"` (text) is SQLCipher's raw key, which WeChat 3.x for Mac uses.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3  # type: ignore[import-untyped]

from devtools.demo import Dataset
from server.wechat.crypto.params import DARWIN_V3, V4, WINDOWS_V3, CipherProfile
from server.wechat.model import Layout

KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"
OTHER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
PROFILE = {Layout.V4: V4, Layout.WINDOWS_V3: WINDOWS_V3, Layout.DARWIN_V3: DARWIN_V3}


def export_script(target: Path, profile: CipherProfile, key: str) -> str:
    """SQL that writes the open database encrypted into `target` in `profile`'s format."""
    clause = f"KEY \"x'{key}'\"" if profile.kdf_iterations == 0 else f"KEY X'{key}'"
    algorithm = profile.digest.upper()
    settings = [
        f"PRAGMA cipher_default_page_size = {profile.page_size};",
        f"PRAGMA cipher_default_hmac_algorithm = HMAC_{algorithm};",
        f"PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_{algorithm};",
    ]
    if profile.kdf_iterations:
        settings.append(f"PRAGMA cipher_default_kdf_iter = {profile.kdf_iterations};")
    return "\n".join(
        [
            *settings,
            f"ATTACH DATABASE '{target}' AS enc {clause};",
            "SELECT sqlcipher_export('enc');",
            "DETACH DATABASE enc;",
        ]
    )


def sqlcipher_connect(database: Path) -> Any:
    """A connection of SQLCipher 4 (the `sqlcipher3` package): the independent implementation
    that writes every fixture, so our decryption is never checked against our own encryptor."""
    return sqlcipher3.connect(str(database))


def run_sqlcipher(database: Path, script: str) -> None:
    with closing(sqlcipher_connect(database)) as connection:
        connection.executescript(script)


def encrypt_file(plain: Path, target: Path, profile: CipherProfile, key: str = KEY) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    run_sqlcipher(plain, export_script(target, profile, key))


def encrypt_tree(
    plain_root: Path, target_root: Path, profile: CipherProfile, key: str = KEY
) -> Path:
    for plain in sorted(plain_root.rglob("*.db")):
        encrypt_file(plain, target_root / plain.relative_to(plain_root), profile, key)
    return target_root


def table_contents(database: Path | sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in rowid order, by table name."""
    connection = (
        database
        if isinstance(database, sqlite3.Connection)
        else sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    )
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    contents = {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    if not isinstance(database, sqlite3.Connection):
        connection.close()
    return contents


@pytest.fixture(scope="session")
def encrypted(
    generated: dict[Layout, tuple[Path, Dataset]], tmp_path_factory: pytest.TempPathFactory
) -> dict[Layout, Path]:
    """Encrypted twins of the generated data directories, one per layout."""
    return {
        layout: encrypt_tree(
            plain_root, tmp_path_factory.mktemp(f"encrypted-{layout}"), PROFILE[layout]
        )
        for layout, (plain_root, _) in generated.items()
    }


@pytest.fixture
def encrypted_dir(encrypted: dict[Layout, Path], layout: Layout) -> Path:
    return encrypted[layout]


@pytest.fixture
def encrypted_copy(encrypted_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of an encrypted data directory, free to damage."""
    target = tmp_path / "data"
    shutil.copytree(encrypted_dir, target)
    yield target


def encrypted_wal_database(tmp_path: Path) -> Path:
    """WeChat's state while it runs: an encrypted 3.x database whose newest rows are in its
    -wal (two transactions), copied before any checkpoint."""
    plain = tmp_path / "plain.db"
    with closing(sqlite3.connect(plain)) as connection:
        connection.execute("CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT)")
        connection.executemany("INSERT INTO note(text) VALUES (?)", [("old",)] * 50)
        connection.commit()
    live = tmp_path / "live" / "MSG0.db"
    encrypt_file(plain, live, WINDOWS_V3)
    copy = tmp_path / "Msg" / "MSG0.db"
    copy.parent.mkdir()
    with closing(sqlcipher_connect(live)) as writer:
        writer.executescript(
            f"""PRAGMA hexkey = '{KEY}';
            PRAGMA cipher_page_size = 4096;
            PRAGMA kdf_iter = 64000;
            PRAGMA cipher_hmac_algorithm = HMAC_SHA1;
            PRAGMA cipher_kdf_algorithm = PBKDF2_HMAC_SHA1;
            PRAGMA journal_mode = WAL;
            PRAGMA wal_autocheckpoint = 0;
            INSERT INTO note(text) VALUES ('first in the wal');
            INSERT INTO note(text) VALUES ('second in the wal');"""
        )
        shutil.copy(live, copy)
        shutil.copy(f"{live}-wal", f"{copy}-wal")
    return copy
