"""Decrypting one database file: round trip, the key check, damage, WAL and a moving file."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from devtools.demo import Dataset
from server.wechat.crypto.database import MemorySink, is_encrypted, read_database
from server.wechat.crypto.errors import (
    DatabaseChangingError,
    EncryptedDatabaseError,
    MissingDatabaseError,
    PageAuthenticationError,
    TruncatedDatabaseError,
    WrongKeyError,
)
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.model import Layout
from tests.unit.wechat.crypto.conftest import (
    KEY,
    OTHER_KEY,
    PROFILE,
    encrypted_wal_database,
    table_contents,
)


@contextmanager
def plain_image(path: Path, layout: Layout | None = None) -> Iterator[sqlite3.Connection]:
    sink = MemorySink()
    read_database(path, sink, DatabaseKey(KEY), layout)
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.deserialize(sink.data)
        yield connection


def test_every_table_decrypts_to_the_original_rows(
    generated: dict[Layout, tuple[Path, Dataset]], encrypted_dir: Path, layout: Layout
) -> None:
    plain_root = generated[layout][0]
    files = sorted(encrypted_dir.rglob("*.db"))
    assert files and all(is_encrypted(path) for path in files)
    for path in files:
        original = table_contents(plain_root / path.relative_to(encrypted_dir))
        with plain_image(path, layout) as decrypted:
            assert table_contents(decrypted) == original
            assert decrypted.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_format_is_found_without_a_layout_hint(encrypted_dir: Path) -> None:
    path = sorted(encrypted_dir.rglob("*.db"))[0]
    with plain_image(path, layout=None) as decrypted:
        assert table_contents(decrypted)


def test_a_wrong_key_is_refused_before_any_page_is_decrypted(encrypted_dir: Path) -> None:
    path = sorted(encrypted_dir.rglob("*.db"))[0]
    sink = MemorySink()
    with pytest.raises(WrongKeyError, match="Wrong key for this data") as caught:
        read_database(path, sink, DatabaseKey(OTHER_KEY))
    assert caught.value.path == path
    assert not sink.data


def test_an_encrypted_file_without_a_key_says_to_give_one(encrypted_dir: Path) -> None:
    path = sorted(encrypted_dir.rglob("*.db"))[0]
    with pytest.raises(EncryptedDatabaseError, match="--key"):
        read_database(path, MemorySink(), None)


def test_a_truncated_file_names_the_file_and_the_incomplete_page(
    encrypted_copy: Path, layout: Layout
) -> None:
    path = max(encrypted_copy.rglob("*.db"), key=lambda p: p.stat().st_size)
    page_size = PROFILE[layout].page_size
    pages = path.stat().st_size // page_size
    with path.open("r+b") as handle:
        handle.truncate((pages - 1) * page_size + 100)
    with pytest.raises(TruncatedDatabaseError, match=f"page {pages} is incomplete") as caught:
        read_database(path, MemorySink(), DatabaseKey(KEY), layout)
    assert str(path) in str(caught.value)


def test_a_corrupted_page_names_the_file_and_the_page(encrypted_copy: Path, layout: Layout) -> None:
    path = max(encrypted_copy.rglob("*.db"), key=lambda p: p.stat().st_size)
    page_size = PROFILE[layout].page_size
    with path.open("r+b") as handle:
        handle.seek(2 * page_size + 100)  # inside page 3's ciphertext
        byte = handle.read(1)
        handle.seek(2 * page_size + 100)
        handle.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(PageAuthenticationError, match="page 3 failed its integrity check") as c:
        read_database(path, MemorySink(), DatabaseKey(KEY), layout)
    assert c.value.page == 3 and str(path) in str(c.value)


def test_a_missing_file_is_reported_as_missing(tmp_path: Path) -> None:
    with pytest.raises(MissingDatabaseError, match="missing"):
        read_database(tmp_path / "gone.db", MemorySink(), DatabaseKey(KEY))


def test_a_file_that_keeps_changing_while_read_is_reported_as_being_written(
    encrypted_copy: Path,
) -> None:
    path = sorted(encrypted_copy.rglob("*.db"))[0]

    def wechat_writes(_count: int) -> None:
        # Every read finds a newer modification time than it started with.
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    with pytest.raises(DatabaseChangingError, match="WeChat is writing"):
        read_database(path, MemorySink(), DatabaseKey(KEY), progress=wechat_writes)


def test_plain_files_pass_through_without_a_key(
    generated: dict[Layout, tuple[Path, Dataset]], layout: Layout
) -> None:
    path = sorted(generated[layout][0].rglob("*.db"))[0]
    sink = MemorySink()
    read_database(path, sink, None)
    with closing(sqlite3.connect(":memory:")) as copy:
        copy.deserialize(sink.data)
        assert table_contents(copy) == table_contents(path)


def test_committed_transactions_in_an_encrypted_wal_are_included(tmp_path: Path) -> None:
    snapshot = encrypted_wal_database(tmp_path)
    assert (snapshot.parent / "MSG0.db-wal").stat().st_size > 0
    with plain_image(snapshot) as decrypted:
        rows = decrypted.execute("SELECT text FROM note ORDER BY id").fetchall()
    assert rows[-2:] == [("first in the wal",), ("second in the wal",)]
    assert len(rows) == 52
