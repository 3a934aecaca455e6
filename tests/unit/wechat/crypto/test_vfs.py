"""Issue 12: encrypted databases read in place through the page-decrypting apsw VFS."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import apsw
import pytest

from devtools.demo import Dataset
from server.wechat.crypto.errors import PageAuthenticationError
from server.wechat.crypto.facade import Connection as FacadeConnection
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.crypto.memory import EncryptedDatabases
from server.wechat.crypto.pagecache import PageCache
from server.wechat.crypto.params import WINDOWS_V3
from server.wechat.crypto.wal import FRAME_HEADER_SIZE, HEADER_SIZE
from server.wechat.model import Layout
from server.wechat.store import open_store
from tests.unit.wechat.crypto.conftest import (
    KEY,
    PROFILE,
    encrypted_wal_database,
    table_contents,
)
from tests.unit.wechat.test_read_only import snapshot


@pytest.fixture
def databases() -> Iterator[EncryptedDatabases]:
    opened = EncryptedDatabases(DatabaseKey(KEY))
    yield opened
    opened.close()


def contents(connection: Any) -> dict[str, list[tuple[Any, ...]]]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}


def test_every_table_reads_like_the_plain_database(
    generated: dict[Layout, tuple[Path, Dataset]],
    encrypted: dict[Layout, Path],
    layout: Layout,
    databases: EncryptedDatabases,
) -> None:
    plain_root = generated[layout][0]
    files = sorted(plain_root.rglob("*.db"))
    assert files
    for plain in files:
        connection = databases.connect(encrypted[layout] / plain.relative_to(plain_root))
        try:
            assert contents(connection) == table_contents(plain), plain.name
        finally:
            connection.close()


def test_the_page_cache_never_exceeds_its_limit(
    encrypted: dict[Layout, Path], layout: Layout
) -> None:
    limit = 16 * PROFILE[layout].page_size
    databases = EncryptedDatabases(DatabaseKey(KEY), cache_bytes=limit)
    seen = 0
    original = databases.cache.put

    def put(key: Any, page: bytes) -> None:
        nonlocal seen
        original(key, page)
        seen += 1
        assert databases.cache.size_bytes <= limit

    databases.cache.put = put  # type: ignore[method-assign]
    try:
        for path in sorted(encrypted[layout].rglob("*.db")):
            connection = databases.connect(path)
            contents(connection)
            connection.close()
    finally:
        databases.close()
    assert seen > 16  # more pages went through it than it may hold


def test_the_lru_keeps_the_recently_used_pages() -> None:
    cache = PageCache(3 * 4)
    for key in "abc":
        cache.put(key, b"1234")
    assert cache.get("a") == b"1234"  # now the most recent
    cache.put("d", b"1234")
    assert cache.get("b") is None and cache.get("a") is not None
    assert cache.size_bytes == 12 and len(cache) == 3
    cache.put("huge", bytes(13))  # larger than the whole cache: not kept
    assert cache.get("huge") is None and cache.size_bytes == 12


def test_the_key_is_asked_per_file(encrypted: dict[Layout, Path]) -> None:
    asked: list[Path] = []

    def key_for(path: Path) -> DatabaseKey:
        asked.append(path)
        return DatabaseKey(KEY)

    databases = EncryptedDatabases(None, key_for=key_for)
    path = sorted(encrypted[Layout.V4].rglob("*.db"))[0]
    try:
        databases.connect(path).close()
    finally:
        databases.close()
    assert asked == [path.resolve()]


def test_only_the_main_database_opens_and_only_read_only(
    encrypted: dict[Layout, Path], databases: EncryptedDatabases
) -> None:
    path = sorted(encrypted[Layout.V4].rglob("*.db"))[0]
    vfs = databases._vfs.vfs_name
    with pytest.raises(apsw.CantOpenError):
        apsw.Connection(str(path), vfs=vfs)  # read-write, may create
    with pytest.raises(apsw.CantOpenError):
        apsw.Connection(str(path.with_name("new.db")), vfs=vfs)
    assert not path.with_name("new.db").exists()


def _uncommit_last_frame(wal: Path, page_size: int) -> None:
    """Turn the WAL's last frame into a valid but uncommitted one (commit size 0, checksums
    recomputed), as a transaction still being written leaves it."""
    data = bytearray(wal.read_bytes())
    frame = FRAME_HEADER_SIZE + page_size
    count = (len(data) - HEADER_SIZE) // frame
    last = HEADER_SIZE + (count - 1) * frame
    before = last - frame + 16 if count > 1 else 24
    s0, s1 = struct.unpack(">2I", data[before : before + 8])
    words = "<" if struct.unpack(">I", data[:4])[0] == 0x377F0682 else ">"
    data[last + 4 : last + 8] = bytes(4)
    for part in (data[last : last + 8], data[last + FRAME_HEADER_SIZE : last + frame]):
        values = struct.unpack(f"{words}{len(part) // 4}I", part)
        for index in range(0, len(values), 2):
            s0 = (s0 + values[index] + s1) & 0xFFFFFFFF
            s1 = (s1 + values[index + 1] + s0) & 0xFFFFFFFF
    data[last + 16 : last + 24] = struct.pack(">2I", s0, s1)
    wal.write_bytes(bytes(data))


def test_committed_wal_frames_are_seen_and_uncommitted_ones_are_not(
    tmp_path: Path, databases: EncryptedDatabases
) -> None:
    path = encrypted_wal_database(tmp_path)
    before = snapshot(path.parent)
    connection = databases.connect(path)
    rows = connection.execute("SELECT text FROM note ORDER BY id").fetchall()
    connection.close()
    assert rows[-2:] == [("first in the wal",), ("second in the wal",)] and len(rows) == 52

    _uncommit_last_frame(Path(f"{path}-wal"), WINDOWS_V3.page_size)
    connection = databases.connect(path)
    rows = connection.execute("SELECT text FROM note ORDER BY id").fetchall()
    connection.close()
    assert rows[-1] == ("first in the wal",) and len(rows) == 51
    assert snapshot(path.parent) == before | {"MSG0.db-wal": snapshot(path.parent)["MSG0.db-wal"]}
    assert sorted(p.name for p in path.parent.iterdir()) == ["MSG0.db", "MSG0.db-wal"]


def test_a_page_failing_its_hmac_fails_that_file_with_a_clear_error(
    encrypted_copy: Path, layout: Layout, databases: EncryptedDatabases
) -> None:
    path = max(encrypted_copy.rglob("*.db"), key=lambda p: p.stat().st_size)
    page_size = PROFILE[layout].page_size
    with path.open("r+b") as handle:
        handle.seek(2 * page_size + 100)  # inside page 3's ciphertext
        byte = handle.read(1)
        handle.seek(2 * page_size + 100)
        handle.write(bytes([byte[0] ^ 0x01]))
    connection = databases.connect(path)
    with pytest.raises(PageAuthenticationError, match="page 3 failed its integrity check") as c:
        contents(connection)
    assert c.value.page == 3 and str(path.resolve()) in str(c.value)
    connection.close()
    other = min(encrypted_copy.rglob("*.db"), key=lambda p: p.stat().st_size)
    databases.connect(other).close()  # the other files still open


@pytest.mark.asyncio
async def test_queries_through_the_vfs_leave_the_data_folder_unchanged(
    encrypted_copy: Path, tmp_path: Path
) -> None:
    (tmp_path / "wal").mkdir()
    wal = encrypted_wal_database(tmp_path / "wal")
    shutil.copytree(wal.parent, encrypted_copy / "Msg-extra")
    before = snapshot(encrypted_copy)
    store = open_store(encrypted_copy, DatabaseKey(KEY))
    await store.sessions()
    await store.contacts()
    await store.messages(limit=0)
    await store.messages(keyword="好", limit=5)
    databases = EncryptedDatabases(DatabaseKey(KEY))
    connection = databases.connect(encrypted_copy / "Msg-extra" / "MSG0.db")
    assert len(connection.execute("SELECT * FROM note").fetchall()) == 52
    connection.close()
    databases.close()
    await store.close()
    assert snapshot(encrypted_copy) == before


def test_an_invalid_utf8_cell_is_decoded_lossily_and_the_other_rows_stay_intact():
    raw = apsw.Connection(":memory:")
    raw.execute("CREATE TABLE t(id INTEGER, body TEXT, data BLOB)")
    raw.execute("INSERT INTO t VALUES (1, 'fine', x'00ff')")
    raw.execute("INSERT INTO t VALUES (2, CAST(x'41ff42' AS TEXT), NULL)")
    raw.execute("INSERT INTO t VALUES (3, '好', x'01')")
    rows = FacadeConnection(raw).execute("SELECT id, body, data FROM t ORDER BY id;").fetchall()
    assert rows == [(1, "fine", b"\x00\xff"), (2, "A\ufffdB", None), (3, "好", b"\x01")]
