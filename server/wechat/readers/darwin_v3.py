"""WeChat 3.x for macOS: Message/msg_N.db with Chat_<md5> tables (docs/wechat-formats.md).

Shards here are not split by time but by conversation, so all message databases form one
shard: every one of them may hold any time range.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

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
    split_group_sender,
    table_names,
    talker_hash,
)

_Table = tuple[sqlite3.Connection, str, str]  # connection, table name, talker
_SENT = 0  # mesDes: 0 = sent by the account owner, 1 = received


class DarwinV3Reader:
    layout = Layout.DARWIN_V3

    def __init__(self, data_dir: DataDir, pool: ConnectionPool) -> None:
        self._dir = data_dir
        self._pool = pool

    def _db(self, name: str) -> sqlite3.Connection:
        return self._pool.connect(self._dir.database(name))

    def directory_signature(self) -> Signature:
        return file_signature(self._dir.database("contact")) + file_signature(
            self._dir.database("chatroom")
        )

    _SESSION_ORDER = " ORDER BY COALESCE(m_uLastTime, 0) DESC, m_nsUserName"

    def sessions(
        self, limit: int | None = None, offset: int = 0, users: Sequence[str] | None = None
    ) -> list[Session]:
        sql, params = session_page_sql(
            "SELECT m_nsUserName, COALESCE(m_uLastTime, 0) FROM SessionAbstract",
            "m_nsUserName",
            self._SESSION_ORDER,
            users,
            limit,
            offset,
        )
        rows = self._db("session").execute(sql, params)
        return [Session(name, last, "", "", local_time(last)) for name, last in rows]

    def session_keys(self) -> list[tuple[str, str]]:
        rows = self._db("session").execute(
            "SELECT m_nsUserName FROM SessionAbstract" + self._SESSION_ORDER
        )
        return [(name, "") for (name,) in rows]

    def session_count(self) -> int:
        row = self._db("session").execute("SELECT count(*) FROM SessionAbstract").fetchone()
        return int(row[0])

    def contacts(self) -> list[Contact]:
        rows = self._db("contact").execute(
            "SELECT m_nsUsrName, COALESCE(m_nsAliasName, ''), COALESCE(m_nsRemark, ''),"
            " COALESCE(nickname, '') FROM WCContact"
        )
        return [Contact(name, alias, remark, nick, True) for name, alias, remark, nick in rows]

    def chat_rooms(self) -> list[ChatRoom]:
        connection = self._db("chatroom")
        nicknames = dict(
            connection.execute("SELECT m_nsUsrName, COALESCE(nickname, '') FROM GroupMember")
        )
        rows = connection.execute(
            "SELECT m_nsUsrName, COALESCE(nickname, ''), COALESCE(m_nsRemark, ''),"
            " COALESCE(m_nsChatRoomMemList, ''), COALESCE(m_nsChatRoomAdminList, '')"
            " FROM GroupContact"
        )
        rooms = []
        for name, nick, remark, member_list, admin_list in rows:
            members = tuple(
                ChatRoomMember(user, nicknames.get(user, ""))
                for user in member_list.split(";")
                if user
            )
            # The database keeps no owner; the first administrator is the closest fact.
            owner = next((admin for admin in admin_list.split(";") if admin), "")
            rooms.append(ChatRoom(name, owner, members, remark, nick))
        return rooms

    def shards(self) -> list[Shard]:
        paths = tuple(self._dir.message_files())
        return [Shard(paths, 0, None)] if paths else []

    def _tables(self, query: RowQuery, known: Iterable[str]) -> list[_Table]:
        names = query.talkers if query.talkers is not None else tuple(known)
        by_table = {f"Chat_{talker_hash(name)}": name for name in names}
        found = []
        for path in self._dir.message_files():
            connection = self._pool.connect(path)
            for table in table_names(connection, "Chat_") & by_table.keys():
                found.append((connection, table, by_table[table]))
        return found

    def _where(self, query: RowQuery) -> tuple[str, list[Any]]:
        where = " WHERE msgCreateTime BETWEEN ? AND ?"
        params: list[Any] = [query.start, query.end]
        if query.must_contain is not None:
            where += literal_clause("messageType", "msgContent", all_types=True)
            params.append(query.must_contain)
        elif query.literal is not None:
            where += literal_clause("messageType", "msgContent")
            params.append(query.literal)
        where += skip_types_clause("messageType", query.skip_types)
        return where, params

    def count(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> int:
        where, params = self._where(query)
        return sum(
            int(connection.execute(f"SELECT count(*) FROM [{table}]{where}", params).fetchone()[0])
            for connection, table, _talker in self._tables(query, known)
        )

    def rows(self, shard: Shard, query: RowQuery, known: Iterable[str]) -> list[Row]:
        where, params = self._where(query)
        limit = ""
        if query.limit is not None:
            limit = " LIMIT ?"
            params.append(query.limit)
        found: list[Row] = []
        for connection, table, talker in self._tables(query, known):
            rows = connection.execute(
                "SELECT mesLocalID, msgCreateTime, msgContent, messageType, mesDes"
                f" FROM [{table}]{where} ORDER BY msgCreateTime, mesLocalID{limit}",
                params,
            )
            for local_id, created, text, msg_type, direction in rows:
                if not isinstance(text, str):
                    text = bytes(text or b"").decode("utf-8", "replace")
                if query.skips(text):
                    continue
                found.append(
                    DarwinRow(
                        int(created),
                        int(local_id),
                        talker,
                        direction == _SENT,
                        int(msg_type),
                        0,
                        text,
                    )
                )
        return found


class DarwinRow(Row):
    __slots__ = ("_stored_text",)

    def __init__(
        self,
        unix_time: int,
        seq: int,
        talker: str,
        is_self: bool,
        msg_type: int,
        sub_type: int,
        text: str,
    ) -> None:
        super().__init__(unix_time, seq, talker, is_self, msg_type, sub_type)
        self._stored_text = text

    def _load(self) -> tuple[str, str]:
        text = self._stored_text
        sender = "" if self.is_self else self.talker
        if self.talker.endswith("@chatroom") and not self.is_self:
            prefix, text = split_group_sender(text)
            sender = prefix or ""
        return sender, text
