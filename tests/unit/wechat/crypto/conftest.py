"""Encrypted copies of the generated data directories, made by an independent SQLCipher.

Never by our own code: Debian's `sqlcipher` command (SQLCipher 3.x: the WeChat 3.x formats)
and, for WeChat 4.x, a SQLCipher 4 build (`sqlcipher3` from PyPI, or a `sqlcipher` command of
version 4). WeChat's key convention is SQLCipher's passphrase path with the 32 key bytes as the
passphrase: `KEY X'<hex>'` (a blob) is exactly that; `KEY "x'<hex>'"` (text) is SQLCipher's raw
key, which is what WeChat 3.x for Mac uses.
"""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from server.wechat.crypto.params import DARWIN_V3, V4, WINDOWS_V3, CipherProfile
from server.wechat.demo import Dataset
from server.wechat.model import Layout

KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"
OTHER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
PROFILE = {Layout.V4: V4, Layout.WINDOWS_V3: WINDOWS_V3, Layout.DARWIN_V3: DARWIN_V3}


def _cli_version() -> tuple[int, ...] | None:
    if shutil.which("sqlcipher") is None:
        return None
    output = subprocess.run(
        ["sqlcipher", ":memory:"], input="PRAGMA cipher_version;", capture_output=True,
        text=True, check=True,
    ).stdout.split()  # fmt: skip
    return tuple(int(part) for part in output[0].split(".")[:2]) if output else None


CLI_VERSION = _cli_version()
HAS_PYTHON_SQLCIPHER4 = importlib.util.find_spec("sqlcipher3") is not None


def can_encrypt(profile: CipherProfile) -> bool:
    if profile.digest == "sha1":
        return CLI_VERSION is not None or HAS_PYTHON_SQLCIPHER4
    return (CLI_VERSION or (0,)) >= (4, 0) or HAS_PYTHON_SQLCIPHER4


def export_script(target: Path, profile: CipherProfile, key: str) -> str:
    """SQL that writes the open database encrypted into `target` in `profile`'s format."""
    clause = f"KEY \"x'{key}'\"" if profile.kdf_iterations == 0 else f"KEY X'{key}'"
    settings = [f"PRAGMA cipher_default_page_size = {profile.page_size};"]
    if profile.kdf_iterations:
        settings.append(f"PRAGMA cipher_default_kdf_iter = {profile.kdf_iterations};")
    if profile.digest == "sha512" or CLI_VERSION is None or CLI_VERSION >= (4, 0):
        algorithm = profile.digest.upper()
        settings += [f"PRAGMA cipher_default_hmac_algorithm = HMAC_{algorithm};",
                     f"PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_{algorithm};"]  # fmt: skip
    return "\n".join([*settings, f"ATTACH DATABASE '{target}' AS enc {clause};",
                      "SELECT sqlcipher_export('enc');", "DETACH DATABASE enc;"])  # fmt: skip


def run_sqlcipher(database: Path, script: str, profile: CipherProfile) -> None:
    """Run SQL on `database` with the independent SQLCipher that handles `profile`."""
    use_cli = CLI_VERSION is not None and (profile.digest == "sha1" or CLI_VERSION >= (4, 0))
    if use_cli:
        subprocess.run(["sqlcipher", str(database)], input=script, text=True, check=True,
                       capture_output=True)  # fmt: skip
        return
    module: Any = importlib.import_module("sqlcipher3")
    with closing(module.connect(str(database))) as connection:
        connection.executescript(script)


def encrypt_file(plain: Path, target: Path, profile: CipherProfile, key: str = KEY) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    run_sqlcipher(plain, export_script(target, profile, key), profile)


def encrypt_tree(plain_root: Path, target_root: Path, profile: CipherProfile,
                 key: str = KEY) -> Path:  # fmt: skip
    for plain in sorted(plain_root.rglob("*.db")):
        encrypt_file(plain, target_root / plain.relative_to(plain_root), profile, key)
    return target_root


def table_contents(database: Path | sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in rowid order, by table name."""
    connection = database if isinstance(database, sqlite3.Connection) else sqlite3.connect(
        f"{database.resolve().as_uri()}?mode=ro", uri=True)  # fmt: skip
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]  # fmt: skip
    contents = {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    if not isinstance(database, sqlite3.Connection):
        connection.close()
    return contents


@pytest.fixture(scope="session")
def encrypted(
    generated: dict[Layout, tuple[Path, Dataset]], tmp_path_factory: pytest.TempPathFactory
) -> dict[Layout, Path]:
    """Encrypted twins of the generated data directories (layouts we can encrypt)."""
    result = {}
    for layout, (plain_root, _) in generated.items():
        if can_encrypt(PROFILE[layout]):
            target = tmp_path_factory.mktemp(f"encrypted-{layout}")
            result[layout] = encrypt_tree(plain_root, target, PROFILE[layout])
    return result


@pytest.fixture
def encrypted_dir(encrypted: dict[Layout, Path], layout: Layout) -> Path:
    if layout not in encrypted:
        pytest.skip(f"no SQLCipher here that writes the {PROFILE[layout].name} format")
    return encrypted[layout]


@pytest.fixture
def encrypted_copy(encrypted_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of an encrypted data directory, free to damage."""
    target = tmp_path / "data"
    shutil.copytree(encrypted_dir, target)
    yield target
