"""Messages arriving while the app runs: a writer that appends to a 4.x message shard the way
WeChat does (one connection kept open, WAL mode, no checkpoint), for tests and benches.

The connection is the caller's: `sqlite3.connect(shard)` for plain data, a SQLCipher
connection with the key set for encrypted data.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from devtools.demo import schemas
from devtools.demo.corpus import SELF

TEXT = 1


class ShardWriter:
    """Appends text messages to one 4.x `message_N.db`."""

    def __init__(self, connection: Any, autocheckpoint: int = 0) -> None:
        """`autocheckpoint`: pages in the -wal before SQLite copies them back (0: never, so
        every new row stays in the -wal, as between two of WeChat's checkpoints)."""
        self._db = connection
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")
        self._count = 0
        self._batched = False

    @classmethod
    def plain(cls, shard: Any) -> ShardWriter:
        return cls(sqlite3.connect(shard))

    def add_text(
        self, talker: str, text: str, *, sender: str | None = None, when: int | None = None
    ) -> tuple[int, int]:
        """Commit one text message (from `sender`, the user when None); its (seq, time)."""
        moment = int(time.time()) if when is None else when
        self._count += 1
        seq = moment * 1000 + self._count % 1000
        author = sender or SELF
        body = f"{author}:\n{text}" if talker.endswith("@chatroom") and sender else text
        table = f"Msg_{hashlib.md5(talker.encode(), usedforsecurity=False).hexdigest()}"
        exists = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if exists is None:
            for statement in schemas.v4_message_table(table):
                self._db.execute(statement)
        self._db.execute(
            "INSERT INTO Name2Id(user_name, is_session) VALUES (?, 1)"
            " ON CONFLICT(user_name) DO NOTHING",
            (author,),
        )
        sender_id = self._db.execute(
            "SELECT rowid FROM Name2Id WHERE user_name = ?", (author,)
        ).fetchone()[0]
        self._db.execute(
            f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id, create_time,"
            " status, upload_status, download_status, server_seq, origin_source, source,"
            " message_content, WCDB_CT_message_content) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0,"
            " '', ?, 0)",
            (seq, TEXT, seq, sender_id, moment, 2 if sender is None else 4, seq, body),
        )
        if not self._batched:
            self._db.commit()
        return seq, moment

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Messages added inside are committed together, as one transaction."""
        self._batched = True
        try:
            yield
        finally:
            self._batched = False
            self._db.commit()

    def close(self) -> None:
        self._db.close()
