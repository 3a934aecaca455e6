"""WeChat 4.x (Windows and macOS): db_storage/{session,contact,message} (reference §1.3, §2)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from server.wechat import content, proto
from server.wechat.connections import ConnectionPool, Signature, file_signature
from server.wechat.layout import DataDir
from server.wechat.model import ChatRoom, ChatRoomMember, Contact, Layout, Message, Session
from server.wechat.readers.base import (
    RowQuery,
    Shard,
    body_text,
    build_message,
    literal_clause,
    local_time,
    split_group_sender,
    table_names,
    talker_hash,
)

_STATUS_SENT = 2
_NON_FRIEND_MEMBER = 3


class V4Reader:
    layout = Layout.V4

    def __init__(self, data_dir: DataDir, pool: ConnectionPool) -> None:
        self._dir = data_dir
        self._pool = pool
        self._shard_starts: dict[Path, tuple[Signature, int]] = {}

    def _db(self, name: str) -> sqlite3.Connection:
        return self._pool.connect(self._dir.database(name))

    def directory_signature(self) -> Signature:
        return file_signature(self._dir.database("contact"))

    def sessions(self) -> list[Session]:
        rows = self._db("session").execute(
            "SELECT username, COALESCE(summary, ''), COALESCE(last_timestamp, 0),"
            " COALESCE(last_sender_display_name, '') FROM SessionTable"
            " ORDER BY sort_timestamp DESC"
        )
        return [
            Session(user_name, last, sender_name, body_text(summary), local_time(last))
            for user_name, summary, last, sender_name in rows
        ]

    def contacts(self) -> list[Contact]:
        rows = self._db("contact").execute(
            "SELECT username, COALESCE(local_type, 0), COALESCE(alias, ''),"
            " COALESCE(remark, ''), COALESCE(nick_name, '') FROM contact"
        )
        return [
            Contact(user_name, alias, remark, nick, local_type != _NON_FRIEND_MEMBER)
            for user_name, local_type, alias, remark, nick in rows
        ]

    def chat_rooms(self) -> list[ChatRoom]:
        rows = self._db("contact").execute(
            "SELECT username, COALESCE(owner, ''), ext_buffer FROM chat_room"
        )
        return [
            ChatRoom(
                name,
                owner,
                tuple(ChatRoomMember(*member) for member in proto.room_members(buffer)),
            )
            for name, owner, buffer in rows
        ]

    def shards(self) -> list[Shard]:
        starts = sorted((self._shard_start(path), path) for path in self._dir.message_files())
        return [
            Shard((path,), start, starts[index + 1][0] if index + 1 < len(starts) else None)
            for index, (start, path) in enumerate(starts)
        ]

    def _shard_start(self, path: Path) -> int:
        signature = file_signature(path)
        cached = self._shard_starts.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
        connection = self._pool.connect(path)
        try:
            row = connection.execute("SELECT timestamp FROM Timestamp LIMIT 1").fetchone()
        except sqlite3.OperationalError:
            row = None
        start = int(row[0]) if row and row[0] is not None else 0
        self._shard_starts[path] = (signature, start)
        return start

    def _tables(self, connection: sqlite3.Connection, query: RowQuery,
                known: Iterable[str]) -> list[tuple[str, str]]:  # fmt: skip
        present = table_names(connection, "Msg_")
        if query.talkers is not None:
            names = query.talkers
        else:
            names_in_shard = [row[0] for row in connection.execute("SELECT user_name FROM Name2Id")]
            names = tuple(dict.fromkeys([*names_in_shard, *known]))
        by_table = {f"Msg_{talker_hash(name)}": name for name in names}
        return [(table, talker) for table, talker in by_table.items() if table in present]

    def _where(self, query: RowQuery) -> tuple[str, list[Any]]:
        where = " WHERE m.create_time BETWEEN ? AND ?"
        params: list[Any] = [query.start, query.end]
        if query.literal is not None:
            where += literal_clause("m.local_type", "m.message_content")
            params.append(query.literal)
        return where, params

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int:
        connection = self._pool.connect(shard.paths[0])
        where, params = self._where(query)
        total = 0
        for table, _talker in self._tables(connection, query, known):
            row = connection.execute(f"SELECT count(*) FROM [{table}] m{where}", params)
            total += int(row.fetchone()[0])
        return total

    def messages(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Message]:
        connection = self._pool.connect(shard.paths[0])
        where, params = self._where(query)
        limit = ""
        if query.limit is not None:
            limit = " LIMIT ?"
            params.append(query.limit)
        found: list[Message] = []
        for table, talker in self._tables(connection, query, known):
            rows = connection.execute(
                "SELECT m.sort_seq, m.server_id, m.local_type, n.user_name, m.create_time,"
                " m.message_content, m.packed_info_data, m.status"
                f" FROM [{table}] m LEFT JOIN Name2Id n ON m.real_sender_id = n.rowid"
                f"{where} ORDER BY m.sort_seq{limit}",
                params,
            )
            for row in rows:
                message = _wrap(talker, row, query)
                if message is not None:
                    found.append(message)
        return found


def _wrap(talker: str, row: tuple[Any, ...], query: RowQuery) -> Message | None:
    sort_seq, server_id, local_type, user_name, create_time, raw, packed, status = row
    user_name = user_name or ""
    msg_type, sub_type = content.split_type(int(local_type or 0))
    text = body_text(raw)
    if query.skips(text):
        return None
    is_group = talker.endswith("@chatroom")
    is_self = status == _STATUS_SENT or (not is_group and user_name not in ("", talker))
    sender = user_name
    if is_group and not is_self:
        prefix, text = split_group_sender(text)
        sender = prefix or sender
    extra: dict[str, object] = {}
    if msg_type == content.VOICE:
        extra["voice"] = str(server_id)
    image_md5, video_md5 = proto.packed_media_md5(packed)
    month = local_time(create_time).strftime("%Y-%m")
    if msg_type == content.IMAGE and image_md5:
        extra["path"] = f"msg/attach/{talker_hash(talker)}/{month}/Img/{image_md5}"
    elif msg_type == content.VIDEO and video_md5:
        extra["path"] = f"msg/video/{month}/{video_md5}"
    return build_message(
        seq=int(sort_seq),
        unix_time=int(create_time),
        talker=talker,
        sender=sender,
        is_self=is_self,
        msg_type=msg_type,
        sub_type=sub_type,
        text=text,
        contents=extra,
    )
