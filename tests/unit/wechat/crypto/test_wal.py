"""Reading a growing WAL again and again: only new frames are checked, answers stay exact."""

import sqlite3
from contextlib import closing
from pathlib import Path

from server.wechat.crypto.wal import FRAME_HEADER_SIZE, WalReader, committed_frames

PAGE = 4096


def live_database(path: Path) -> sqlite3.Connection:
    """A database as WeChat keeps it: WAL mode, no automatic checkpoint."""
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA page_size = {PAGE}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")
    connection.execute("CREATE TABLE msg(id INTEGER PRIMARY KEY, body TEXT)")
    connection.commit()
    return connection


def add(connection: sqlite3.Connection, rows: int) -> None:
    connection.executemany("INSERT INTO msg(body) VALUES (?)", [("x" * 500,)] * rows)
    connection.commit()


def wal_of(path: Path) -> bytes:
    return Path(f"{path}-wal").read_bytes()


def test_each_read_of_a_growing_wal_equals_a_full_check(tmp_path):
    path = tmp_path / "message_0.db"
    reader = WalReader()
    with closing(live_database(path)) as connection:
        for rows in (1, 3, 20, 1, 50):
            add(connection, rows)
            wal = wal_of(path)
            assert reader.committed_frames(path, wal, PAGE) == committed_frames(wal, PAGE)
            assert reader._known[path].offset == len(wal)  # checked up to the last commit


def test_a_checkpoint_that_restarts_the_wal_is_a_new_generation(tmp_path):
    path = tmp_path / "message_0.db"
    reader = WalReader()
    with closing(live_database(path)) as connection:
        add(connection, 30)
        before = reader.committed_frames(path, wal_of(path), PAGE)
        connection.execute("PRAGMA wal_checkpoint(RESTART)")
        add(connection, 2)  # written from the WAL's start again, with new salts
        wal = wal_of(path)
        after = reader.committed_frames(path, wal, PAGE)
        assert after == committed_frames(wal, PAGE)
        assert before is not None and after is not None and after != before


def test_a_half_written_frame_waits_until_its_transaction_commits(tmp_path):
    path = tmp_path / "message_0.db"
    reader = WalReader()
    with closing(live_database(path)) as connection:
        add(connection, 5)
        committed = wal_of(path)
        add(connection, 5)
        grown = wal_of(path)
    torn = grown[: len(committed) + FRAME_HEADER_SIZE + PAGE // 2]
    assert reader.committed_frames(path, torn, PAGE) == committed_frames(committed, PAGE)
    assert reader.committed_frames(path, grown, PAGE) == committed_frames(grown, PAGE)


def test_a_file_that_is_no_wal_has_no_frames_and_leaves_nothing_behind(tmp_path):
    reader = WalReader()
    assert reader.committed_frames("x", b"not a wal at all" * 10, PAGE) is None
    assert reader.committed_frames("x", b"", PAGE) is None
    assert "x" not in reader._known
