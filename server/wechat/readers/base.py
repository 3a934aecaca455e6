"""What every layout's reader offers, and the decoding steps they share."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import zstandard

from server.wechat.content import decode_body
from server.wechat.files import Signature
from server.wechat.model import ChatRoom, Contact, Layout, Message, Session

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GROUP_SENDER = re.compile(r"^([^\s:]{1,80}):\n")
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Shard:
    """Message databases covering [start, end) in Unix seconds (end None: open-ended)."""

    paths: tuple[Path, ...]
    start: int
    end: int | None

    def overlaps(self, start: int, end: int) -> bool:
        return self.start <= end and (self.end is None or self.end > start)


def ordered_shards(found: Sequence[tuple[Path, int | None]]) -> list[Shard]:
    """Shards from (path, start) in file order; start None: the file could not be read.

    Readable files cover [their start, the next readable start). An unreadable one is placed
    between its readable neighbours in file order, a guess wide enough for the query layer to
    say which time span may be missing (docs/isolation.md).
    """
    known = sorted((start, path) for path, start in found if start is not None)
    shards = [
        Shard((path,), start, known[index + 1][0] if index + 1 < len(known) else None)
        for index, (start, path) in enumerate(known)
    ]
    for index, (path, start) in enumerate(found):
        if start is None:
            before = [s for _, s in found[:index] if s is not None]
            after = [s for _, s in found[index + 1 :] if s is not None]
            shards.append(Shard((path,), max(before, default=0), min(after, default=None)))
    return shards


@dataclass(frozen=True, slots=True)
class RowQuery:
    """The part of a message query that SQL (or a byte scan before decoding) can answer.

    `literal` lets SQL drop text messages that cannot match the keyword; `must_contain` lets
    every row be dropped whose stored body lacks it (SQL for plain bodies, a byte search
    after decompression otherwise); `skip_types` are message types the keyword can never
    match; `limit` caps rows per conversation table and is only set when no filter runs after
    SQL.
    """

    start: int
    end: int
    talkers: tuple[str, ...] | None
    literal: str | None = None
    limit: int | None = None
    must_contain: str | None = None
    skip_types: tuple[int, ...] = ()

    def skips(self, raw_text: str) -> bool:
        """Whether a row can be dropped before decoding: it cannot match the keyword."""
        return self.must_contain is not None and self.must_contain not in raw_text

    def skips_bytes(self, raw: bytes) -> bool:
        """`skips` on a UTF-8 body before it is decoded to text."""
        return self.must_contain is not None and self.must_contain.encode() not in raw


class Row:
    """One stored message, read but not yet decoded.

    Enough to sort, count and filter by sender and by the text of plain messages without
    building a `Message`: the body is decompressed and split from its group sender prefix on
    first use of `sender`/`text` (`_load`), and XML is parsed only by `build`, once.
    """

    __slots__ = (
        "_sender",
        "_text",
        "is_self",
        "message",
        "seq",
        "sub_type",
        "talker",
        "type",
        "unix_time",
    )

    def __init__(
        self, unix_time: int, seq: int, talker: str, is_self: bool, msg_type: int, sub_type: int
    ) -> None:
        self.unix_time = unix_time
        self.seq = seq
        self.talker = talker
        self.is_self = is_self
        self.type = msg_type
        self.sub_type = sub_type
        self._sender = ""
        self._text: str | None = None
        self.message: Message | None = None

    def _load(self) -> tuple[str, str]:
        """(sender, body text without group sender prefix), read from the stored columns."""
        raise NotImplementedError

    def contents(self) -> dict[str, object]:
        """What the reader knows beside the body (media paths, voice key)."""
        return {}

    @property
    def sender(self) -> str:
        """The sender as stored (the body may still name another: system messages, pats)."""
        if self._text is None:
            self._sender, self._text = self._load()
        return self._sender

    @property
    def text(self) -> str:
        if self._text is None:
            self._sender, self._text = self._load()
        return self._text

    def build(self) -> Message:
        """The decoded message (without display names); built once."""
        if self.message is None:
            self.message = build_message(
                seq=self.seq,
                unix_time=self.unix_time,
                talker=self.talker,
                sender=self.sender,
                is_self=self.is_self,
                msg_type=self.type,
                sub_type=self.sub_type,
                text=self.text,
                contents=self.contents(),
            )
        return self.message


def time_order(row: Row) -> tuple[int, int]:
    return row.unix_time, row.seq


class Reader(Protocol):
    layout: Layout

    def sessions(
        self, limit: int | None = None, offset: int = 0, users: Sequence[str] | None = None
    ) -> list[Session]:
        """Newest first (last message time, then the layout's own order, then user name).

        `limit` None: all; `users`: only those chats (still newest first).
        """
        ...

    def session_keys(self) -> list[tuple[str, str]]:
        """(user name, stored nickname) of every session, newest first (same order)."""
        ...

    def session_count(self) -> int: ...

    def contacts(self) -> list[Contact]: ...

    def chat_rooms(self) -> list[ChatRoom]: ...

    def shards(self) -> list[Shard]: ...

    def rows(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Row]: ...

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int: ...

    def directory_signature(self) -> Signature: ...


def talker_hash(user_name: str) -> str:
    """Per-conversation tables are named after the MD5 of the talker's user name."""
    return hashlib.md5(user_name.encode(), usedforsecurity=False).hexdigest()


_zones: dict[tuple[int, str], timezone] = {}


def local_time(unix_seconds: int) -> datetime:
    """The instant in the local time zone, as `datetime.fromtimestamp(t).astimezone()` gives.

    Built from `time.localtime` (offset and zone name of that very instant) with the
    `timezone` objects cached, which is several times cheaper than `astimezone()`.
    """
    local = time.localtime(unix_seconds)
    key = (local.tm_gmtoff, local.tm_zone)
    zone = _zones.get(key)
    if zone is None:
        zone = _zones.setdefault(key, timezone(timedelta(seconds=local.tm_gmtoff), local.tm_zone))
    return datetime.fromtimestamp(unix_seconds, zone)


def _decompressor() -> zstandard.ZstdDecompressor:
    decompressor: zstandard.ZstdDecompressor | None = getattr(_local, "zstd", None)
    if decompressor is None:
        decompressor = _local.zstd = zstandard.ZstdDecompressor()
    return decompressor


def zstd_frames() -> Callable[[bytes], bytes]:
    """`body_bytes` for a loop: this thread's decompressor looked up once."""
    decompress = _decompressor().decompress

    def frames(raw: bytes) -> bytes:
        if not raw.startswith(ZSTD_MAGIC):
            return raw
        try:
            return decompress(raw)
        except zstandard.ZstdError:
            return body_bytes(raw)

    return frames


def body_bytes(raw: bytes) -> bytes:
    """A stored binary body, zstd frames (4.x) decompressed; b"" for a broken frame."""
    if not raw.startswith(ZSTD_MAGIC):
        return raw
    decompressor = _decompressor()
    try:
        return decompressor.decompress(raw)
    except zstandard.ZstdError:
        try:  # frames written without their content size need the streaming API
            return decompressor.decompressobj().decompress(raw)
        except zstandard.ZstdError:
            return b""


def body_text(raw: bytes | str | None) -> str:
    """A stored body as text: zstd frames (4.x) are decompressed, bytes decoded as UTF-8."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    return body_bytes(raw).decode("utf-8", errors="replace")


def split_group_sender(text: str) -> tuple[str | None, str]:
    """`wxid_x:\\nhello` -> ("wxid_x", "hello"); bodies without such a prefix are unchanged."""
    match = _GROUP_SENDER.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :]


def build_message(
    *,
    seq: int,
    unix_time: int,
    talker: str,
    sender: str,
    is_self: bool,
    msg_type: int,
    sub_type: int,
    text: str,
    contents: dict[str, object] | None = None,
) -> Message:
    """Decode `text` for the type and assemble the message (sender may come from the body)."""
    body = decode_body(msg_type, sub_type, text)
    if contents:
        body.contents.update(contents)
    return Message(
        seq=seq,
        time=local_time(unix_time),
        talker=talker,
        sender=body.sender if body.sender is not None else sender,
        is_self=is_self,
        type=body.type,
        sub_type=body.sub_type,
        content=body.content,
        contents=body.contents,
        refer=body.refer,
        sender_name=body.sender_name or "",
    )


def table_names(connection: sqlite3.Connection, prefix: str) -> set[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ? ESCAPE '\\'",
        (prefix.replace("_", "\\_") + "%",),
    )
    return {name for (name,) in rows}


def literal_clause(type_column: str, body_column: str, *, all_types: bool = False) -> str:
    """SQL that keeps only rows whose body may contain the literal (bound as ?).

    By default non-text rows are all kept (their rendering may add the literal); with
    `all_types` (the literal must show in every stored body that can match) they are
    filtered too. Compressed bodies (zstd) cannot be searched by SQL, so they are kept.
    """
    kept = "" if all_types else f"{type_column} != 1 OR "
    return f" AND ({kept}instr({body_column}, ?) > 0 OR substr({body_column}, 1, 4) = x'28B52FFD')"


def skip_types_clause(type_expression: str, types: Sequence[int]) -> str:
    """SQL dropping rows of `types` (constants, never user input)."""
    if not types:
        return ""
    return f" AND {type_expression} NOT IN ({','.join(str(int(t)) for t in types)})"


def session_page_sql(
    select: str,
    user_column: str,
    order: str,
    users: Sequence[str] | None,
    limit: int | None,
    offset: int,
) -> tuple[str, list[Any]]:
    """`select` narrowed to `users`, ordered newest first, paged: the SQL and its parameters."""
    sql, params = select, list[Any]()
    if users is not None:
        sql += f" WHERE {user_column} IN ({','.join('?' * len(users))})"
        params.extend(users)
    sql += order
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params.extend((limit, offset))
    return sql, params
