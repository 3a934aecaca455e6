"""Rows that real folders hold and the plain demo set does not (docs/wechat-data.md).

Written on top of a generated directory (`generate(..., edge_cases=True)`), never into the
shipped demo set: a revoke of each form, a self-sent group message whose `status` says
"received", a TEXT cell with invalid UTF-8, official-account messages in their own database
(4.x `biz_message_0.db`, 3.x `PublicMsg.db`), a non-friend known only from the 4.x `stranger`
table, and migrated history: messages older than their shard's `TimeStamp`/`DBInfo` start.

4.x recognises the account's own messages by its user name, which the reader takes from the
account folder's name (`<wxid>_<hex>`): write the 4.x cases into a folder named `ACCOUNT_FOLDER`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from devtools.demo import schemas
from devtools.demo.corpus import SELF, START_TIME, md5_hex
from server.wechat.model import Layout

ACCOUNT_FOLDER = f"{SELF}_8f3a"
GROUP = "20001@chatroom"
FRIEND = "wxid_alice01"
OTHER_FRIEND = "wxid_bob02"
OFFICIAL = "gh_edge_news"
OFFICIAL_NAME = "Edge 新闻"
STRANGER = "wxid_edge_stranger"
STRANGER_NAME = "路人甲"

EDGE_TIME = START_TIME + 40 * 86_400  # 2024-02-10: inside the first shard's span
REVOKE_TEXT = '"Alice Chen" 撤回了一条消息'
SELF_REVOKE_TEXT = "你撤回了一条消息"
MISLEADING_SELF_TEXT = "edge: sent by me, status says received"
MISLEADING_OTHER_TEXT = "edge: sent by Bob, status says sent"
BAD_UTF8 = b"edge: broken \xff\xfe cell"
BAD_UTF8_TEXT = BAD_UTF8.decode("utf-8", errors="replace")
OFFICIAL_TEXT = "edge: today's headlines from an official account"
STRANGER_TEXT = "edge: hello from someone who is not a friend"
MIGRATED_TEXT = "edge: migrated history older than its shard"
MIGRATED_TIME = EDGE_TIME + 3_600


def _revoke_xml(talker: str, text: str, tag: str) -> str:
    # 4.x keeps the sentence in <revokemsg><content>, 3.x type 10002 in <replacemsg>.
    return (
        f'<sysmsg type="revokemsg"><revokemsg><session>{talker}</session>'
        f"<msgid>1</msgid><newmsgid>2</newmsgid><{tag}><![CDATA[{text}]]></{tag}>"
        "</revokemsg></sysmsg>"
    )


def add_edge_cases(root: Path, layout: Layout) -> None:
    """Add the cases to the directory `generate` wrote at `root` (4.x or Windows 3.x)."""
    if layout == Layout.V4:
        _v4(root)
    elif layout == Layout.WINDOWS_V3:
        _windows_v3(root)


# -- WeChat 4.x ---------------------------------------------------------------------------


def _v4(root: Path) -> None:
    storage = root / "db_storage"
    with closing(sqlite3.connect(storage / "contact" / "contact.db")) as db:
        db.execute(schemas.V4_STRANGER)
        db.execute(
            "INSERT INTO stranger(username, local_type, alias, remark, nick_name)"
            " VALUES (?, 3, '', '', ?)",
            (STRANGER, STRANGER_NAME),
        )
        db.execute(
            "INSERT INTO contact(username, local_type, alias, remark, nick_name)"
            " VALUES (?, 1, '', '', ?)",
            (OFFICIAL, OFFICIAL_NAME),
        )
        db.commit()
    shards = sorted((storage / "message").glob("message_*.db"))
    first, last = shards[0], shards[-1]
    with closing(sqlite3.connect(first)) as db:
        ids = v4_ids(db, SELF, GROUP, FRIEND, OTHER_FRIEND, STRANGER)
        group = [
            # Sent by the account owner from another device: status 4 ("received").
            (EDGE_TIME, 1, ids[SELF], 4, MISLEADING_SELF_TEXT),
            # Received, though status says 2 ("sent"): real_sender_id decides.
            (EDGE_TIME + 1, 1, ids[OTHER_FRIEND], 2, f"{OTHER_FRIEND}:\n{MISLEADING_OTHER_TEXT}"),
            (EDGE_TIME + 2, 10002, ids[FRIEND], 4, _revoke_xml(GROUP, REVOKE_TEXT, "content")),
            (EDGE_TIME + 3, 1, ids[STRANGER], 4, f"{STRANGER}:\n{STRANGER_TEXT}"),
        ]
        v4_insert(db, GROUP, group)
        v4_insert(
            db,
            FRIEND,
            [
                (
                    EDGE_TIME + 4,
                    10002,
                    ids[SELF],
                    2,
                    _revoke_xml(FRIEND, SELF_REVOKE_TEXT, "content"),
                )
            ],
        )
        v4_insert(db, OTHER_FRIEND, [(EDGE_TIME + 5, 1, ids[OTHER_FRIEND], 4, BAD_UTF8)])
        db.commit()
    with closing(sqlite3.connect(last)) as db:
        # Migrated history: older than this shard's Timestamp start (the first shard's span).
        ids = v4_ids(db, SELF, FRIEND)
        v4_insert(db, FRIEND, [(MIGRATED_TIME, 1, ids[FRIEND], 4, MIGRATED_TEXT)])
        db.commit()
    biz = storage / "message" / "biz_message_0.db"
    with closing(sqlite3.connect(biz)) as db:
        for statement in schemas.V4_MESSAGE:
            db.execute(statement)
        db.execute("INSERT INTO Timestamp VALUES (?)", (START_TIME,))
        ids = v4_ids(db, SELF, OFFICIAL)
        v4_insert(db, OFFICIAL, [(EDGE_TIME + 6, 1, ids[OFFICIAL], 4, OFFICIAL_TEXT)])
        db.commit()


def v4_ids(db: sqlite3.Connection, *users: str) -> dict[str, int]:
    db.executemany(
        "INSERT OR IGNORE INTO Name2Id(user_name, is_session) VALUES (?, 1)",
        [(user,) for user in users],
    )
    rows = db.execute(
        f"SELECT user_name, rowid FROM Name2Id WHERE user_name IN ({','.join('?' * len(users))})",
        users,
    )
    return {user: int(rowid) for user, rowid in rows}


def v4_insert(
    db: sqlite3.Connection, talker: str, rows: Sequence[tuple[int, int, int, int, str | bytes]]
) -> None:
    table = f"Msg_{md5_hex(talker)}"
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    if exists is None:
        for statement in schemas.v4_message_table(table):
            db.execute(statement)
    for created, local_type, sender_id, status, body in rows:
        # CAST keeps invalid UTF-8 a TEXT cell, as WeChat writes it (a BLOB would be read fine).
        value = "CAST(? AS TEXT)" if isinstance(body, bytes) else "?"
        db.execute(
            f"INSERT INTO [{table}](server_id, local_type, sort_seq, real_sender_id, create_time,"
            f" status, message_content) VALUES (?, ?, ?, ?, ?, ?, {value})",
            (9_000_000 + created, local_type, created * 1000, sender_id, created, status, body),
        )


# -- WeChat 3.x for Windows ----------------------------------------------------------------


def _windows_v3(root: Path) -> None:
    msg = root / "Msg"
    with closing(sqlite3.connect(msg / "MicroMsg.db")) as db:
        db.execute(
            "INSERT INTO Contact(UserName, Alias, Remark, NickName, Reserved1, Type)"
            " VALUES (?, '', '', ?, 1, 3)",
            (OFFICIAL, OFFICIAL_NAME),
        )
        db.commit()
    shards = sorted((msg / "Multi").glob("MSG*.db"))
    with closing(sqlite3.connect(shards[0])) as db:
        rows: list[tuple[int, int, int, str, str | bytes]] = [
            (EDGE_TIME + 2, 10000, 0, FRIEND, REVOKE_TEXT),
            (EDGE_TIME + 4, 10002, 1, FRIEND, _revoke_xml(FRIEND, SELF_REVOKE_TEXT, "replacemsg")),
            (EDGE_TIME + 5, 1, 0, OTHER_FRIEND, BAD_UTF8),
        ]
        _v3_insert(db, rows)
        db.commit()
    with closing(sqlite3.connect(shards[-1])) as db:
        _v3_insert(db, [(MIGRATED_TIME, 1, 0, FRIEND, MIGRATED_TEXT)])
        db.commit()
    with closing(sqlite3.connect(msg / "PublicMsg.db")) as db:
        for statement in schemas.V3_MSG:
            db.execute(statement)
        db.execute("INSERT INTO DBInfo VALUES (0, ?, 'Start Time')", (START_TIME * 1000,))
        _v3_insert(db, [(EDGE_TIME + 6, 1, 0, OFFICIAL, OFFICIAL_TEXT)])
        db.commit()


def _v3_insert(
    db: sqlite3.Connection, rows: Sequence[tuple[int, int, int, str, str | bytes]]
) -> None:
    for created, msg_type, is_sender, talker, body in rows:
        value = "CAST(? AS TEXT)" if isinstance(body, bytes) else "?"
        db.execute(
            "INSERT INTO MSG(MsgSvrID, Type, SubType, IsSender, CreateTime, Sequence, Status,"
            f" StrTalker, StrContent) VALUES (?, ?, 0, ?, ?, ?, 2, ?, {value})",
            (9_000_000 + created, msg_type, is_sender, created, created * 1000, talker, body),
        )
