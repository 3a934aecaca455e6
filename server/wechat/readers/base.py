"""What every layout's reader offers, and the decoding steps they share."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import zstandard

from server.wechat.connections import Signature
from server.wechat.content import decode_body
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


@dataclass(frozen=True, slots=True)
class RowQuery:
    """The part of a message query that SQL can answer.

    `literal` lets SQL drop text messages that cannot match the keyword; `limit` caps rows per
    conversation table and is only set when no filter runs after SQL.
    """

    start: int
    end: int
    talkers: tuple[str, ...] | None
    literal: str | None = None
    limit: int | None = None
    must_contain: str | None = None

    def skips(self, raw_text: str) -> bool:
        """Whether a row can be dropped before decoding: it cannot match the keyword."""
        return self.must_contain is not None and self.must_contain not in raw_text


class Reader(Protocol):
    layout: Layout

    def sessions(self) -> list[Session]: ...

    def contacts(self) -> list[Contact]: ...

    def chat_rooms(self) -> list[ChatRoom]: ...

    def shards(self) -> list[Shard]: ...

    def messages(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Message]: ...

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int: ...

    def directory_signature(self) -> Signature: ...


def talker_hash(user_name: str) -> str:
    """Per-conversation tables are named after the MD5 of the talker's user name."""
    return hashlib.md5(user_name.encode(), usedforsecurity=False).hexdigest()


def local_time(unix_seconds: int) -> datetime:
    return datetime.fromtimestamp(unix_seconds).astimezone()


def body_text(raw: bytes | str | None) -> str:
    """A stored body as text: zstd frames (4.x) are decompressed, bytes decoded as UTF-8."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw
    if raw.startswith(ZSTD_MAGIC):
        decompressor: zstandard.ZstdDecompressor | None = getattr(_local, "zstd", None)
        if decompressor is None:
            decompressor = _local.zstd = zstandard.ZstdDecompressor()
        try:
            raw = decompressor.decompress(raw)
        except zstandard.ZstdError:
            try:  # frames written without their content size need the streaming API
                raw = decompressor.decompressobj().decompress(raw)
            except zstandard.ZstdError:
                return ""
    return raw.decode("utf-8", errors="replace")


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


def literal_clause(type_column: str, body_column: str) -> str:
    """SQL that keeps non-text rows and only text rows containing the literal (bound as ?).

    Compressed text bodies (zstd) cannot be searched by SQL, so they are kept as well.
    """
    return (
        f" AND ({type_column} != 1 OR instr({body_column}, ?) > 0"
        f" OR substr({body_column}, 1, 4) = x'28B52FFD')"
    )
