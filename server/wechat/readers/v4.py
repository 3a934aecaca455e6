"""WeChat 4.x (Windows and macOS): db_storage/{session,contact,message} (docs/wechat-formats.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from server.wechat import content, proto
from server.wechat.account import own_user_names
from server.wechat.connections import ConnectionPool
from server.wechat.files import Signature, file_signature
from server.wechat.layout import DataDir
from server.wechat.model import ChatRoom, ChatRoomMember, Contact, Layout, Session
from server.wechat.readers.base import (
    Row,
    RowQuery,
    Shard,
    body_text,
    literal_clause,
    local_time,
    session_page_sql,
    skip_types_clause,
    split_group_sender,
    table_names,
    talker_hash,
    zstd_frames,
)
from server.wechat.readers.spans import GrowingSpans, ShardSpans, Span

_STATUS_SENT = 2
_NON_FRIEND_MEMBER = 3


class V4Reader:
    layout = Layout.V4

    def __init__(self, data_dir: DataDir, pool: ConnectionPool) -> None:
        self._dir = data_dir
        self._pool = pool
        self._spans = ShardSpans(self._measure)
        self._growing = GrowingSpans()  # a changed shard is measured from its last rows

    def _db(self, name: str) -> sqlite3.Connection:
        return self._pool.connect(self._dir.database(name))

    def directory_signature(self) -> Signature:
        return file_signature(self._dir.database("contact"))

    # Newest first by last message time (what the list shows), then WeChat's own order.
    _SESSION_ORDER = " ORDER BY COALESCE(last_timestamp, 0) DESC, sort_timestamp DESC, username"

    def sessions(
        self, limit: int | None = None, offset: int = 0, users: Sequence[str] | None = None
    ) -> list[Session]:
        sql, params = session_page_sql(
            "SELECT username, COALESCE(summary, ''), COALESCE(last_timestamp, 0),"
            " COALESCE(last_sender_display_name, '') FROM SessionTable",
            "username",
            self._SESSION_ORDER,
            users,
            limit,
            offset,
        )
        return [
            Session(user_name, last, sender_name, body_text(summary), local_time(last))
            for user_name, summary, last, sender_name in self._db("session").execute(sql, params)
        ]

    def session_keys(self) -> list[tuple[str, str]]:
        rows = self._db("session").execute(
            "SELECT username, COALESCE(last_sender_display_name, '') FROM SessionTable"
            + self._SESSION_ORDER
        )
        return [(user_name, nick) for user_name, nick in rows]

    def session_count(self) -> int:
        return int(self._db("session").execute("SELECT count(*) FROM SessionTable").fetchone()[0])

    def contacts(self) -> list[Contact]:
        connection = self._db("contact")
        found: dict[str, Contact] = {}
        # `stranger` (same columns) names non-friends met in groups; `contact` wins on both.
        tables = ["contact"] + (
            ["stranger"] if "stranger" in table_names(connection, "str") else []
        )
        for table in tables:
            rows = connection.execute(
                "SELECT username, COALESCE(local_type, 0), COALESCE(alias, ''),"
                f" COALESCE(remark, ''), COALESCE(nick_name, '') FROM {table}"
            )
            for user_name, local_type, alias, remark, nick in rows:
                if user_name and user_name not in found:
                    is_friend = table == "contact" and local_type != _NON_FRIEND_MEMBER
                    found[user_name] = Contact(user_name, alias, remark, nick, is_friend)
        return list(found.values())

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
        return self._spans.shards(self._dir.message_files(), self._dir.official_files())

    def _measure(self, path: Path) -> Span | None:
        connection = self._pool.connect(path)
        return self._growing.measure(path, connection, sorted(table_names(connection, "Msg_")))

    def _tables(
        self, connection: sqlite3.Connection, query: RowQuery, known: Iterable[str]
    ) -> list[tuple[str, str]]:
        present = table_names(connection, "Msg_")
        if query.talkers is not None:
            names = query.talkers
        else:
            names_in_shard = [row[0] for row in connection.execute("SELECT user_name FROM Name2Id")]
            names = tuple(dict.fromkeys([*names_in_shard, *known]))
        by_table = {f"Msg_{talker_hash(name)}": name for name in names}
        return [(table, talker) for table, talker in by_table.items() if table in present]

    def _own_id(self, connection: sqlite3.Connection) -> int | None:
        """The shard's `Name2Id` row of the account itself, if the folder name tells it."""
        names = own_user_names(self._dir.root.name)
        for name in names:
            row = connection.execute(
                "SELECT rowid FROM Name2Id WHERE user_name = ?", (name,)
            ).fetchone()
            if row is not None:
                return int(row[0])
        return None

    def _where(self, query: RowQuery) -> tuple[str, list[Any]]:
        where = " WHERE m.create_time BETWEEN ? AND ?"
        params: list[Any] = [query.start, query.end]
        if query.must_contain is not None:
            where += literal_clause("m.local_type", "m.message_content", all_types=True)
            params.append(query.must_contain)
        elif query.literal is not None:
            where += literal_clause("m.local_type", "m.message_content")
            params.append(query.literal)
        where += skip_types_clause("(m.local_type & 4294967295)", query.skip_types)
        return where, params

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int:
        connection = self._pool.connect(shard.paths[0])
        where, params = self._where(query)
        total = 0
        for table, _talker in self._tables(connection, query, known):
            row = connection.execute(f"SELECT count(*) FROM [{table}] m{where}", params)
            total += int(row.fetchone()[0])
        return total

    def rows(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Row]:
        connection = self._pool.connect(shard.paths[0])
        where, params = self._where(query)
        # Without a limit the caller sorts by (time, seq) anyway; a plain table scan is cheaper
        # than walking the sort_seq index, and equal keys still come in rowid order.
        order = ""
        if query.limit is not None:
            order = " ORDER BY m.sort_seq LIMIT ?"
            params.append(query.limit)
        must_contain = query.must_contain
        needle = must_contain.encode() if must_contain is not None else None
        frames = zstd_frames()
        own_id = self._own_id(connection)
        found: list[Row] = []
        for table, talker in self._tables(connection, query, known):
            is_group = talker.endswith("@chatroom")
            rows = connection.execute(
                "SELECT m.sort_seq, m.server_id, m.local_type, n.user_name, m.create_time,"
                " m.message_content, m.packed_info_data, m.status, m.real_sender_id"
                f" FROM [{table}] m LEFT JOIN Name2Id n ON m.real_sender_id = n.rowid"
                f"{where}{order}",
                params,
            )
            for (
                sort_seq,
                server_id,
                local_type,
                user_name,
                created,
                raw,
                packed,
                status,
                sender_id,
            ) in rows:
                if needle is not None:
                    if isinstance(raw, bytes):
                        # SQL could not look inside a compressed body: decompress, test bytes.
                        data = frames(raw)
                        if needle not in data:
                            continue
                        raw = data.decode("utf-8", errors="replace")
                    elif raw is None or must_contain not in raw:
                        continue
                user_name = user_name or ""
                local_type = int(local_type or 0)
                created = int(created)
                found.append(
                    V4Row(
                        created,
                        int(sort_seq),
                        talker,
                        _is_own(own_id, sender_id, status, is_group, user_name, talker),
                        local_type & 0xFFFFFFFF,
                        (local_type >> 32) & 0xFFFFFFFF,
                        user_name,
                        raw,
                        server_id,
                        packed,
                    )
                )
        if shard.official:
            for row in found:
                row.official = True
        return found


def _is_own(
    own_id: int | None,
    sender_id: object,
    status: object,
    is_group: bool,
    user_name: str,
    talker: str,
) -> bool:
    """Whether the account sent a message (docs/wechat-data.md, "Own messages in 4.x groups").

    With the account's `Name2Id` row known, `real_sender_id` decides: `status` 2 ("sent") is
    wrong for messages sent from another device and for some received ones. Without it, the
    old rule: status 2, or a one-to-one message whose sender is not the other person.
    """
    if own_id is not None:
        return sender_id == own_id
    return status == _STATUS_SENT or (not is_group and user_name not in ("", talker))


class V4Row(Row):
    __slots__ = ("_packed", "_raw", "_server_id", "_stored_sender")

    def __init__(
        self,
        unix_time: int,
        seq: int,
        talker: str,
        is_self: bool,
        msg_type: int,
        sub_type: int,
        sender: str,
        raw: bytes | str | None,
        server_id: object,
        packed: bytes | None,
    ) -> None:
        super().__init__(unix_time, seq, talker, is_self, msg_type, sub_type)
        self._stored_sender = sender
        self._raw = raw
        self._server_id = server_id
        self._packed = packed

    def _load(self) -> tuple[str, str]:
        text = body_text(self._raw)
        self._raw = None
        sender = self._stored_sender
        if self.talker.endswith("@chatroom") and not self.is_self:
            prefix, text = split_group_sender(text)
            sender = prefix or sender
        return sender, text

    def contents(self) -> dict[str, object]:
        extra: dict[str, object] = {}
        msg_type = self.type
        if msg_type == content.VOICE:
            extra["voice"] = str(self._server_id)
        elif msg_type in (content.IMAGE, content.VIDEO):
            image_md5, video_md5 = proto.packed_media_md5(self._packed)
            month = local_time(self.unix_time).strftime("%Y-%m")
            if msg_type == content.IMAGE and image_md5:
                extra["path"] = f"msg/attach/{talker_hash(self.talker)}/{month}/Img/{image_md5}"
            elif msg_type == content.VIDEO and video_md5:
                extra["path"] = f"msg/video/{month}/{video_md5}"
        return extra
