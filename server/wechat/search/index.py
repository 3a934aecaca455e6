"""The index file: documents (rendered text, sender, time) and an FTS5 table of their terms.

One file per data directory in the app's own data folder. For an encrypted source the file
is a SQLCipher database keyed from the user's key (`keying.index_key`), so no chat text is
ever written in the clear. A file of another format version or for another source is thrown
away and rebuilt.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.wechat.search.documents import Document
from server.wechat.search.grams import cased_terms, document_terms

# Bump whenever the schema, the terms or what `document_of` stores changes.
FORMAT_VERSION = "4"

_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE shards(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE,"
    " signature TEXT NOT NULL, watermark INTEGER NOT NULL)",
    # Documents get ids in the scan's order (time, seq, then the reader's order) as long as
    # messages arrive newer than every indexed one (`ordered` in meta): a time range is then
    # an id range, and FTS5 pages and counts on its own rowids without reading `docs`.
    "CREATE TABLE docs(id INTEGER PRIMARY KEY, shard INTEGER NOT NULL, talker TEXT NOT NULL,"
    " seq INTEGER NOT NULL, unix_time INTEGER NOT NULL, sender TEXT NOT NULL,"
    " is_self INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE(talker, seq, unix_time, shard))",
    "CREATE INDEX docs_time ON docs(unix_time, seq, id)",
    # Contentless: the terms are only searched, the text itself lives in `docs`. The chat and
    # the sender are terms too, so that FTS5 intersects them with the text's matches.
    # `cased` holds case-exact terms of Latin (and other cased) text (search/grams.py).
    "CREATE VIRTUAL TABLE terms USING fts5(grams, cased, talker, sender, content='',"
    " columnsize=0,"
    " tokenize='unicode61 remove_diacritics 0')",
)
_HIT_COLUMNS = "s.path, d.talker, d.seq, d.unix_time, d.body"


@dataclass(frozen=True, slots=True)
class Hit:
    """An indexed message: where to read it from and the text the keyword was tested on."""

    shard: str
    talker: str
    seq: int
    unix_time: int
    body: str


@dataclass(frozen=True, slots=True)
class Filters:
    """The SQL side of a message query (time, talkers, senders)."""

    start: int
    end: int
    talkers: Sequence[str] = ()
    senders: Sequence[str] = ()
    wants_self: bool = False

    def restrict(self, expression: str, column: str = "grams") -> str:
        """`expression` (over the text's `column`) narrowed to the chats and senders."""
        query = f"{column} : ({expression})"
        if self.talkers:
            query += f" AND talker : ({' OR '.join(map(talker_term, self.talkers))})"
        if self.senders or self.wants_self:
            chosen = [*map(sender_term, self.senders), *([_SELF_TERM] if self.wants_self else [])]
            query += f" AND sender : ({' OR '.join(chosen)})"
        return query


_SELF_TERM = "me"


def talker_term(talker: str) -> str:
    # A user name may hold any character; its hash is one plain token.
    return "t" + hashlib.sha256(talker.encode()).hexdigest()[:20]


def sender_term(sender: str) -> str:
    return "s" + hashlib.sha256(sender.encode()).hexdigest()[:20]


def _connect(path: Path, secret: bytes | None) -> sqlite3.Connection:
    if secret is None:
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    else:
        import sqlcipher3  # type: ignore[import-untyped]  # only needed for encrypted sources

        connection = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
        connection.execute(f"PRAGMA key = \"x'{secret.hex()}'\"")
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except Exception:
        connection.close()  # another key, or not a database
        raise
    return connection


class SearchIndex:
    """The index file; every call is serialised on one connection (they are short)."""

    def __init__(self, path: Path, identity: str, secret: bytes | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = self._open(path, identity, secret)

    def _open(self, path: Path, identity: str, secret: bytes | None) -> sqlite3.Connection:
        wanted = {"format": FORMAT_VERSION, "source": identity}
        if path.exists():
            try:
                db = _connect(path, secret)
            except Exception as error:  # another key, not a database: start afresh
                if type(error).__name__ != "DatabaseError":
                    raise
            else:
                try:
                    found = dict(db.execute("SELECT key, value FROM meta").fetchall())
                    if found == wanted:
                        return db
                except Exception as error:  # sqlcipher3 raises its own error classes
                    if type(error).__name__ not in ("DatabaseError", "OperationalError"):
                        db.close()
                        raise
                    # missing tables, a damaged file: start afresh
                db.close()
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        db = _connect(path, secret)
        with _Transaction(db):
            for statement in _SCHEMA:
                db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def shards(self) -> dict[str, tuple[str, int]]:
        """Shard path -> (signature when last read, newest message time indexed)."""
        with self._lock:
            rows = self._db.execute("SELECT path, signature, watermark FROM shards").fetchall()
        return {path: (signature, watermark) for path, signature, watermark in rows}

    def add(
        self, shard: str, documents: Iterable[Document], signature: str, watermark: int
    ) -> tuple[int, int]:
        """Store the documents not stored yet (given in the scan's order), replace the stored
        ones whose text or sender changed in place (a recalled message), and record the
        shard's new state, in one transaction. Returns (added, replaced)."""
        added = replaced = 0
        with self._lock, _Transaction(self._db):
            execute = self._db.execute
            execute(
                "INSERT INTO shards(path, signature, watermark) VALUES (?, ?, ?) ON CONFLICT(path)"
                " DO UPDATE SET signature = excluded.signature, watermark = excluded.watermark",
                (shard, signature, watermark),
            )
            shard_id = execute("SELECT id FROM shards WHERE path = ?", (shard,)).fetchone()[0]
            newest = execute("SELECT unix_time, seq FROM docs ORDER BY id DESC LIMIT 1").fetchone()
            # Equal (time, seq) keys keep the scan's order within one batch (sorted stably as
            # the scan sorts), not across batches: there the next key must be newer.
            first, ordered = True, True
            for doc in documents:
                cursor = execute(
                    "INSERT OR IGNORE INTO docs(shard, talker, seq, unix_time, sender, is_self,"
                    " body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        shard_id,
                        doc.talker,
                        doc.seq,
                        doc.unix_time,
                        doc.sender,
                        doc.is_self,
                        doc.text,
                    ),
                )
                if not cursor.rowcount:
                    replaced += self._replace_if_changed(shard_id, doc)
                    continue
                key = (doc.unix_time, doc.seq)
                if newest is not None and (key <= tuple(newest) if first else key < newest):
                    ordered = False  # an older message came late: ids leave time order
                newest, first = key, False
                assert cursor.lastrowid is not None
                self._write_terms(cursor.lastrowid, doc.talker, doc.sender, doc.is_self, doc.text)
                added += 1
            if not ordered:
                execute("INSERT OR REPLACE INTO meta VALUES ('ordered', '0')")
        return added, replaced

    def _replace_if_changed(self, shard_id: int, doc: Document) -> bool:
        """Give a stored message its current text and sender when WeChat changed it in place
        (a recall turns the message into its notice, keeping its time and sequence)."""
        stored = self._db.execute(
            "SELECT id, sender, is_self, body FROM docs"
            " WHERE talker = ? AND seq = ? AND unix_time = ? AND shard = ?",
            (doc.talker, doc.seq, doc.unix_time, shard_id),
        ).fetchone()
        if stored is None:
            return False
        id_, sender, is_self, body = stored
        if (sender, bool(is_self), body) == (doc.sender, doc.is_self, doc.text):
            return False
        # A contentless FTS5 table forgets a row only when given the exact terms it holds.
        self._write_terms(id_, doc.talker, sender, bool(is_self), body, command="delete")
        self._db.execute(
            "UPDATE docs SET sender = ?, is_self = ?, body = ? WHERE id = ?",
            (doc.sender, doc.is_self, doc.text, id_),
        )
        self._write_terms(id_, doc.talker, doc.sender, doc.is_self, doc.text)
        return True

    def _write_terms(
        self,
        id_: int,
        talker: str,
        sender: str,
        is_self: bool,
        text: str,
        command: str | None = None,
    ) -> None:
        """Add the document's terms, or with `command="delete"` take them out again."""
        who = sender_term(sender) + (" " + _SELF_TERM if is_self else "")
        values = (id_, document_terms(text), cased_terms(text), talker_term(talker), who)
        if command is None:
            self._db.execute(
                "INSERT INTO terms(rowid, grams, cased, talker, sender) VALUES (?, ?, ?, ?, ?)",
                values,
            )
        else:
            self._db.execute(
                "INSERT INTO terms(terms, rowid, grams, cased, talker, sender)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (command, *values),
            )

    def _ordered(self) -> bool:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'ordered'").fetchone()
        return row is None or row[0] != "0"

    def _id_range(self, start: int, end: int) -> tuple[int, int]:
        """The ids of the first and last documents in [start, end] (ids in time order)."""
        first = self._db.execute(
            "SELECT id FROM docs WHERE unix_time >= ? ORDER BY unix_time, seq, id LIMIT 1",
            (start,),
        ).fetchone()
        last = self._db.execute(
            "SELECT id FROM docs WHERE unix_time <= ? ORDER BY unix_time DESC, seq DESC, id DESC"
            " LIMIT 1",
            (end,),
        ).fetchone()
        if first is None or last is None:
            return 1, 0  # nothing indexed in the range
        return first[0], last[0]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the file (after a build it is as large as the data)."""
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def _matching(
        self, query: str, filters: Filters, shards: bool = False
    ) -> tuple[str, list[Any], str]:
        """FROM ... WHERE over `terms t` joined to `docs d` (and `shards s`) for the matches
        in the time range, its parameters, and the column that orders them as the scan does
        ("" for (time, seq, id))."""
        sql = " FROM terms t CROSS JOIN docs d ON d.id = t.rowid"
        if shards:
            sql += " JOIN shards s ON s.id = d.shard"
        sql += " WHERE terms MATCH ?"
        if self._ordered():
            low, high = self._id_range(filters.start, filters.end)
            return sql + " AND t.rowid BETWEEN ? AND ?", [query, low, high], "t.rowid"
        # "+": SQLite must not walk a docs index instead of the FTS matches.
        sql += " AND +d.unix_time BETWEEN ? AND ?"
        return sql, [query, filters.start, filters.end], ""

    def _hits(self, ids: list[int]) -> list[Hit]:
        found = {
            row[0]: Hit(*row[1:])
            for row in self._db.execute(
                f"SELECT d.id, {_HIT_COLUMNS} FROM docs d JOIN shards s ON s.id = d.shard"
                f" WHERE d.id IN ({','.join('?' * len(ids))})",
                ids,
            )
        }
        return [found[id_] for id_ in ids]

    def candidates(self, expression: str, filters: Filters) -> list[Hit]:
        """Every document the FTS expression and the filters keep, in the scan's order."""
        with self._lock:
            matching, params, key = self._matching(filters.restrict(expression), filters, True)
            order = key or "d.unix_time, d.seq, d.id"
            sql = f"SELECT {_HIT_COLUMNS}{matching} ORDER BY {order}"
            rows = self._db.execute(sql, params).fetchall()
        return [Hit(*row) for row in rows]

    def page(
        self,
        expression: str,
        filters: Filters,
        descending: bool,
        limit: int,
        offset: int,
        must_contain: str | None = None,
        column: str = "grams",
    ) -> tuple[list[Hit], int]:
        """One page of the matching documents and how many match in all, in SQL; with
        `must_contain`, only documents whose text holds it exactly (case and all)."""
        direction = " DESC" if descending else ""
        bounds = [limit if limit > 0 else -1, offset]
        query = filters.restrict(expression, column)
        with self._lock:
            if must_contain is None and self._ordered():
                # Ids follow time: FTS5 counts and pages on its rowids alone.
                low, high = self._id_range(filters.start, filters.end)
                matching = " FROM terms WHERE terms MATCH ? AND rowid BETWEEN ? AND ?"
                params: list[Any] = [query, low, high]
                total = int(self._db.execute("SELECT count(*)" + matching, params).fetchone()[0])
                ids = self._db.execute(
                    f"SELECT rowid{matching} ORDER BY rowid{direction} LIMIT ? OFFSET ?",
                    [*params, *bounds],
                ).fetchall()
                return self._hits([row[0] for row in ids]), total
            matching, params, key = self._matching(query, filters)
            if must_contain is not None:
                matching += " AND instr(d.body, ?) > 0"
                params.append(must_contain)
            total = int(self._db.execute("SELECT count(*)" + matching, params).fetchone()[0])
            keys = [key] if key else ["d.unix_time", "d.seq", "d.id"]
            order = ", ".join(column + direction for column in keys)
            ids = self._db.execute(
                f"SELECT d.id{matching} ORDER BY {order} LIMIT ? OFFSET ?", [*params, *bounds]
            ).fetchall()
            return self._hits([row[0] for row in ids]), total


class _Transaction:
    """BEGIN ... COMMIT (ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
