"""WeChat 3.x for Windows: Msg/MicroMsg.db and Msg/Multi/MSGn.db shards (docs/wechat-formats.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import lz4.block

from server.wechat import content, proto
from server.wechat.connections import ConnectionPool
from server.wechat.files import Signature, file_signature
from server.wechat.layout import DataDir
from server.wechat.model import ChatRoom, ChatRoomMember, Contact, Layout, Session
from server.wechat.readers.base import (
    Row,
    RowQuery,
    Shard,
    literal_clause,
    local_time,
    session_page_sql,
    skip_types_clause,
)
from server.wechat.readers.spans import ShardSpans, Span, min_max

_EXTRA_SENDER, _EXTRA_THUMB, _EXTRA_SOURCE = 1, 3, 4
_LZ4_MAX_OUTPUT = 4 * 1024 * 1024


def decompress_lz4(data: bytes) -> str | None:
    """A raw LZ4 block (no size header): grow the output buffer until it fits."""
    size = max(len(data) * 4, 256)
    while size <= _LZ4_MAX_OUTPUT:
        try:
            raw = lz4.block.decompress(data, uncompressed_size=size)
        except lz4.block.LZ4BlockError:
            size *= 4
            continue
        return str(raw.rstrip(b"\x00").decode("utf-8", errors="replace"))
    return None


def _media_path(windows_path: str) -> str:
    # Stored with backslashes and the account folder first; chatlog only fixed that on Windows.
    parts = [part for part in windows_path.replace("\\", "/").split("/") if part]
    return "/".join(parts[1:])


class WindowsV3Reader:
    layout = Layout.WINDOWS_V3

    def __init__(self, data_dir: DataDir, pool: ConnectionPool) -> None:
        self._dir = data_dir
        self._pool = pool
        self._spans = ShardSpans(self._measure)

    def _micro_msg(self) -> sqlite3.Connection:
        return self._pool.connect(self._dir.database("contact"))

    def directory_signature(self) -> Signature:
        return file_signature(self._dir.database("contact"))

    # Newest first by last message time (what the list shows), then WeChat's own order.
    _SESSION_ORDER = " ORDER BY COALESCE(nTime, 0) DESC, nOrder DESC, strUsrName"

    def sessions(
        self, limit: int | None = None, offset: int = 0, users: Sequence[str] | None = None
    ) -> list[Session]:
        sql, params = session_page_sql(
            "SELECT strUsrName, COALESCE(nOrder, 0), COALESCE(strNickName, ''),"
            " COALESCE(strContent, ''), COALESCE(nTime, 0) FROM Session",
            "strUsrName",
            self._SESSION_ORDER,
            users,
            limit,
            offset,
        )
        return [
            Session(name, order, nick, text, local_time(when))
            for name, order, nick, text, when in self._micro_msg().execute(sql, params)
        ]

    def session_keys(self) -> list[tuple[str, str]]:
        rows = self._micro_msg().execute(
            "SELECT strUsrName, COALESCE(strNickName, '') FROM Session" + self._SESSION_ORDER
        )
        return [(name, nick) for name, nick in rows]

    def session_count(self) -> int:
        return int(self._micro_msg().execute("SELECT count(*) FROM Session").fetchone()[0])

    def contacts(self) -> list[Contact]:
        rows = self._micro_msg().execute(
            "SELECT UserName, COALESCE(Alias, ''), COALESCE(Remark, ''), COALESCE(NickName, ''),"
            " COALESCE(Reserved1, 0) FROM Contact"
        )
        return [
            Contact(name, alias, remark, nick, friend == 1)
            for name, alias, remark, nick, friend in rows
        ]

    def chat_rooms(self) -> list[ChatRoom]:
        rows = self._micro_msg().execute(
            "SELECT ChatRoomName, COALESCE(Reserved2, ''), RoomData FROM ChatRoom"
        )
        return [
            ChatRoom(name, owner, tuple(ChatRoomMember(*m) for m in proto.room_members(room_data)))
            for name, owner, room_data in rows
        ]

    def shards(self) -> list[Shard]:
        return self._spans.shards(self._dir.message_files(), self._dir.official_files())

    def _measure(self, path: Path) -> Span | None:
        # CreateTime is indexed (MSG_CREATETIME): both ends cost a lookup, not a scan.
        row = self._pool.connect(path).execute("SELECT min(CreateTime), max(CreateTime) FROM MSG")
        return min_max([row.fetchone()])

    def _where(self, query: RowQuery) -> tuple[str, list[Any]]:
        where = " WHERE CreateTime BETWEEN ? AND ?"
        params: list[Any] = [query.start, query.end]
        if query.talkers is not None:
            where += f" AND StrTalker IN ({','.join('?' * len(query.talkers))})"
            params.extend(query.talkers)
        if query.must_contain is not None:
            # App messages keep their XML lz4-compressed in CompressContent: SQL cannot see it.
            where += (
                f" AND (instr(StrContent, ?) > 0"
                f" OR (Type = {content.APP} AND length(CompressContent) > 0))"
            )
            params.append(query.must_contain)
        elif query.literal is not None:
            where += literal_clause("Type", "StrContent")
            params.append(query.literal)
        where += skip_types_clause("Type", query.skip_types)
        return where, params

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int:
        where, params = self._where(query)
        connection = self._pool.connect(shard.paths[0])
        return int(connection.execute(f"SELECT count(*) FROM MSG{where}", params).fetchone()[0])

    def rows(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Row]:
        where, params = self._where(query)
        connection = self._pool.connect(shard.paths[0])
        columns = (
            "SELECT MsgSvrID, Sequence, CreateTime, StrTalker, IsSender, Type, SubType,"
            " StrContent, CompressContent, BytesExtra FROM MSG"
        )
        if query.limit is None:
            rows = connection.execute(f"{columns}{where} ORDER BY Sequence", params).fetchall()
        else:
            # Per-talker limits, like a table per talker in 4.x: the engine merges by time.
            rows = []
            for talker in query.talkers or self._talkers(connection, query):
                one_where, one_params = self._where(replace(query, talkers=(talker,)))
                rows.extend(
                    connection.execute(
                        f"{columns}{one_where} ORDER BY Sequence LIMIT ?",
                        [*one_params, query.limit],
                    )
                )
        found: list[Row] = []
        for (
            server_id,
            sequence,
            created,
            talker,
            is_sender,
            msg_type,
            sub_type,
            text,
            packed,
            extra,
        ) in rows:
            row = V3Row(
                int(created),
                int(sequence),
                talker,
                is_sender == 1,
                int(msg_type),
                int(sub_type or 0),
                server_id,
                text,
                packed,
                extra,
            )
            if query.must_contain is not None and query.skips(row.text):
                continue
            row.official = shard.official
            found.append(row)
        return found

    def _talkers(self, connection: sqlite3.Connection, query: RowQuery) -> list[str]:
        where, params = self._where(query)
        return [
            row[0]
            for row in connection.execute(f"SELECT DISTINCT StrTalker FROM MSG{where}", params)
        ]


class V3Row(Row):
    __slots__ = ("_extra", "_items", "_packed", "_server_id", "_stored_text")

    def __init__(
        self,
        unix_time: int,
        seq: int,
        talker: str,
        is_self: bool,
        msg_type: int,
        sub_type: int,
        server_id: object,
        text: str | None,
        packed: bytes | None,
        extra: bytes | None,
    ) -> None:
        super().__init__(unix_time, seq, talker, is_self, msg_type, sub_type)
        self._server_id = server_id
        self._stored_text = text
        self._packed = packed
        self._extra = extra
        self._items: dict[int, str] | None = None

    def _extra_items(self) -> dict[int, str]:
        if self._items is None:
            self._items = proto.bytes_extra_items(self._extra)
        return self._items

    def _load(self) -> tuple[str, str]:
        body = self._stored_text or ""
        if self.type == content.APP and self._packed:
            body = decompress_lz4(bytes(self._packed)) or body
        if self.is_self:
            sender = ""
        elif self.talker.endswith("@chatroom"):
            sender = self._extra_items().get(_EXTRA_SENDER, "")
        else:
            sender = self.talker
        return sender, body

    def contents(self) -> dict[str, object]:
        contents: dict[str, object] = {}
        msg_type = self.type
        if msg_type == content.VOICE:
            contents["voice"] = str(self._server_id)
        if msg_type in (content.IMAGE, content.VIDEO):
            items = self._extra_items()
            if items.get(_EXTRA_SOURCE):
                contents["path"] = _media_path(items[_EXTRA_SOURCE])
            if msg_type == content.IMAGE and items.get(_EXTRA_THUMB):
                contents["thumbpath"] = _media_path(items[_EXTRA_THUMB])
        return contents
