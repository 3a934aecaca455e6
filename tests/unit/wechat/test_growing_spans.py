"""A changed shard's span is measured from its last rows, and always equals a whole measure
(or is wider, never narrower) whatever WeChat did to the tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from server.wechat.readers.spans import GrowingSpans, Span, min_max


@pytest.fixture
def shard(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(tmp_path / "message_0.db", isolation_level=None)) as db:
        for table in ("Msg_a", "Msg_b"):
            # No AUTOINCREMENT: a deleted last rowid can be given out again.
            db.execute(f"CREATE TABLE {table}(local_id INTEGER PRIMARY KEY, create_time INTEGER)")
        db.executemany("INSERT INTO Msg_a(create_time) VALUES (?)", [(100,), (200,), (300,)])
        db.executemany("INSERT INTO Msg_b(create_time) VALUES (?)", [(150,), (250,)])
        yield db


def whole(db: sqlite3.Connection) -> Span | None:
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return min_max(
        db.execute(f"SELECT min(create_time), max(create_time) FROM {t}").fetchone() for t in tables
    )


def measured(spans: GrowingSpans, db: sqlite3.Connection, path: Path) -> Span | None:
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return spans.measure(path, db, sorted(tables))


def test_new_messages_extend_the_span(shard: sqlite3.Connection, tmp_path: Path) -> None:
    spans, path = GrowingSpans(), tmp_path / "message_0.db"
    assert measured(spans, shard, path) == whole(shard) == (100, 300)
    shard.execute("INSERT INTO Msg_b(create_time) VALUES (400)")
    assert measured(spans, shard, path) == whole(shard) == (100, 400)
    shard.execute("INSERT INTO Msg_a(create_time) VALUES (50)")  # history synced late
    assert measured(spans, shard, path) == whole(shard) == (50, 400)


def test_a_reused_last_row_is_noticed_and_measured_whole(
    shard: sqlite3.Connection, tmp_path: Path
) -> None:
    spans, path = GrowingSpans(), tmp_path / "message_0.db"
    measured(spans, shard, path)
    shard.execute("DELETE FROM Msg_a WHERE create_time IN (100, 300)")
    shard.execute("INSERT INTO Msg_a(create_time) VALUES (20)")  # takes rowid 3 again
    assert shard.execute("SELECT max(rowid) FROM Msg_a").fetchone()[0] == 3
    assert measured(spans, shard, path) == whole(shard) == (20, 250)


def test_new_and_emptied_tables_are_measured(shard: sqlite3.Connection, tmp_path: Path) -> None:
    spans, path = GrowingSpans(), tmp_path / "message_0.db"
    measured(spans, shard, path)
    shard.execute("CREATE TABLE Msg_c(local_id INTEGER PRIMARY KEY, create_time INTEGER)")
    shard.execute("INSERT INTO Msg_c(create_time) VALUES (999)")
    assert measured(spans, shard, path) == whole(shard) == (100, 999)
    shard.execute("DELETE FROM Msg_c")
    shard.execute("DELETE FROM Msg_a")
    # Deleted rows may leave a span wider than the rows (a query then looks for nothing);
    # measured again once the last measured row is gone, it is exact.
    assert measured(spans, shard, path) == whole(shard) == (150, 250)


def test_after_a_change_only_the_new_rows_are_read(shard: sqlite3.Connection, tmp_path: Path):
    shard.executemany("INSERT INTO Msg_a(create_time) VALUES (?)", [(t,) for t in range(5000)])
    spans, path = GrowingSpans(), tmp_path / "message_0.db"
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    shard.set_progress_handler(count, 100)  # called every 100 virtual-machine steps
    measured(spans, shard, path)
    first, steps[0] = steps[0], 0
    shard.execute("INSERT INTO Msg_a(create_time) VALUES (6000)")
    steps[0] = 0
    assert measured(spans, shard, path) == (0, 6000)
    assert steps[0] * 20 < first  # index lookups, not another scan of 5,000 rows
