"""Write a `Dataset` as a data directory of one layout, with the tables WeChat uses.

python -m devtools.demo --layout v4 --messages 3000 --media --out resources/demo
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import lz4.block
import zstandard

from devtools.demo import schemas
from devtools.demo.corpus import (
    DEMO_ZONE,
    END_TIME,
    SELF,
    SELF_NAME,
    START_TIME,
    Dataset,
    DemoMessage,
    build_dataset,
    md5_hex,
)
from devtools.demo.edge_cases import add_edge_cases
from devtools.demo.media import write_media
from devtools.demo.pictures import demo_picture
from devtools.demo.voices import demo_voice
from server.wechat import proto
from server.wechat.model import Layout

_SUMMARY_LABELS = {
    3: "[图片]",
    34: "[语音]",
    42: "[名片]",
    43: "[视频]",
    47: "[动画表情]",
    48: "[位置]",
    49: "[链接]",
    50: "[语音通话]",
    10000: "[系统消息]",
}


def _write_db(path: Path, statements: Iterable[str], wal: bool) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    if wal:
        connection.execute("PRAGMA journal_mode=WAL")
    for statement in statements:
        connection.execute(statement)
    return connection


def _shard_bounds(shards: int) -> list[int]:
    step = (END_TIME - START_TIME) // shards
    return [START_TIME + step * index for index in range(shards)]


def _by_shard(messages: Sequence[DemoMessage], starts: list[int]) -> list[list[DemoMessage]]:
    grouped: list[list[DemoMessage]] = [[] for _ in starts]
    index = 0
    for message in messages:
        while index + 1 < len(starts) and message.time >= starts[index + 1]:
            index += 1
        grouped[index].append(message)
    return grouped


def _summary(message: DemoMessage, names: dict[str, str]) -> str:
    text = message.body if message.type == 1 else _SUMMARY_LABELS.get(message.type, "[消息]")
    if message.talker.endswith("@chatroom") and not message.is_self:
        return f"{names.get(message.sender, message.sender)}: {text}"
    return text


def _last_messages(dataset: Dataset) -> dict[str, DemoMessage]:
    last: dict[str, DemoMessage] = {}
    for message in dataset.messages:
        last[message.talker] = message
    return last


def _names(dataset: Dataset) -> dict[str, str]:
    return {SELF: SELF_NAME} | {p.user_name: p.nick_name for p in dataset.people}


def write_v4(dataset: Dataset, root: Path, shards: int = 3, wal: bool = False) -> None:
    storage = root / "db_storage"
    names = _names(dataset)
    with closing(_write_db(storage / "contact" / "contact.db", schemas.V4_CONTACT, wal)) as db:
        rows = [(SELF, 1, "", "", SELF_NAME)]
        rows += [
            (p.user_name, 1 if p.is_friend else 3, p.alias, p.remark, p.nick_name)
            for p in dataset.people
        ]
        rows += [(g.name, 2, "", g.remark, g.nick_name) for g in dataset.groups]
        db.executemany(
            "INSERT INTO contact(username, local_type, alias, remark, nick_name, flag,"
            " delete_flag, verify_flag) VALUES (?, ?, ?, ?, ?, 3, 0, 0)",
            rows,
        )
        db.executemany(
            "INSERT INTO chat_room(username, owner, ext_buffer) VALUES (?, ?, ?)",
            [(g.name, g.owner, proto.encode_room_data(list(g.members))) for g in dataset.groups],
        )
        db.commit()
    with closing(_write_db(storage / "session" / "session.db", schemas.V4_SESSION, wal)) as db:
        db.executemany(
            "INSERT INTO SessionTable(username, type, unread_count, is_hidden, summary, status,"
            " last_timestamp, sort_timestamp, last_msg_type, last_msg_sub_type, last_msg_sender,"
            " last_sender_display_name) VALUES (?, 0, 0, 0, ?, 0, ?, ?, ?, ?, ?, ?)",
            [
                (
                    talker,
                    _summary(m, names),
                    m.time,
                    m.time * 1000,
                    m.type,
                    m.sub_type,
                    m.sender,
                    "" if m.is_self else names.get(m.sender, ""),
                )
                for talker, m in _last_messages(dataset).items()
            ],
        )
        db.commit()
    starts = _shard_bounds(shards)
    compressor = zstandard.ZstdCompressor(level=3)
    for index, (start, messages) in enumerate(
        zip(starts, _by_shard(dataset.messages, starts), strict=True)
    ):
        path = storage / "message" / f"message_{index}.db"
        with closing(_write_db(path, schemas.V4_MESSAGE, wal)) as db:
            db.execute("INSERT INTO Timestamp VALUES (?)", (start,))
            users = sorted({SELF} | {m.talker for m in messages} | {m.sender for m in messages})
            db.executemany(
                "INSERT INTO Name2Id(user_name, is_session) VALUES (?, 1)",
                [(user,) for user in users],
            )
            ids = {user: number for number, user in enumerate(users, start=1)}
            by_talker: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
            for m in messages:
                by_talker[m.talker].append(_v4_row(m, ids, compressor))
            for talker in sorted(by_talker):
                table = f"Msg_{md5_hex(talker)}"
                for statement in schemas.v4_message_table(table):
                    db.execute(statement)
                db.executemany(
                    f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id,"
                    " create_time, status, upload_status, download_status, server_seq,"
                    " origin_source, source, message_content, packed_info_data,"
                    " WCDB_CT_message_content) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, 0, '', ?, ?, ?)",
                    by_talker[talker],
                )
            db.commit()


def _v4_row(
    m: DemoMessage, ids: dict[str, int], compressor: zstandard.ZstdCompressor
) -> tuple[Any, ...]:
    local_type = (m.sub_type << 32) | m.type if m.type == 49 else m.type
    text = m.body
    if m.talker.endswith("@chatroom") and not m.is_self and m.type != 10000:
        text = f"{m.sender}:\n{text}"
    content: str | bytes = text
    compressed = 0
    if m.type != 1:  # WeChat 4.x stores XML bodies as zstd frames
        content, compressed = compressor.compress(text.encode()), 4
    packed = proto.encode_packed_info(m.image_md5, m.video_md5) if m.type in (3, 43) else None
    sender = SELF if m.is_self else m.sender
    return (
        m.server_id,
        local_type,
        m.seq,
        ids[sender],
        m.time,
        2 if m.is_self else 4,
        m.server_id,
        content,
        packed,
        compressed,
    )


def write_windows_v3(dataset: Dataset, root: Path, shards: int = 3, wal: bool = False) -> None:
    msg = root / "Msg"
    names = _names(dataset)
    with closing(_write_db(msg / "MicroMsg.db", schemas.V3_MICRO_MSG, wal)) as db:
        rows = [(SELF, "", "", SELF_NAME, 1)]
        rows += [
            (p.user_name, p.alias, p.remark, p.nick_name, 1 if p.is_friend else 0)
            for p in dataset.people
        ]
        rows += [(g.name, "", g.remark, g.nick_name, 1) for g in dataset.groups]
        db.executemany(
            "INSERT INTO Contact(UserName, Alias, Remark, NickName, Reserved1, Type)"
            " VALUES (?, ?, ?, ?, ?, 3)",
            rows,
        )
        db.executemany(
            "INSERT INTO ChatRoom(ChatRoomName, UserNameList, Reserved2, RoomData)"
            " VALUES (?, ?, ?, ?)",
            [
                (
                    g.name,
                    "^G".join(u for u, _ in g.members),
                    g.owner,
                    proto.encode_room_data(list(g.members)),
                )
                for g in dataset.groups
            ],
        )
        db.executemany(
            "INSERT INTO Session(strUsrName, nOrder, strNickName, strContent, nMsgType, nTime)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    talker,
                    m.time,
                    names.get(talker, _group_name(dataset, talker)),
                    _summary(m, names),
                    m.type,
                    m.time,
                )
                for talker, m in _last_messages(dataset).items()
            ],
        )
        db.commit()
    starts = _shard_bounds(shards)
    for index, (start, messages) in enumerate(
        zip(starts, _by_shard(dataset.messages, starts), strict=True)
    ):
        with closing(_write_db(msg / "Multi" / f"MSG{index}.db", schemas.V3_MSG, wal)) as db:
            db.execute("INSERT INTO DBInfo VALUES (0, ?, 'Start Time')", (start * 1000,))
            talkers = sorted({m.talker for m in messages})
            db.executemany("INSERT INTO Name2ID VALUES (?)", [(t,) for t in talkers])
            ids = {talker: number for number, talker in enumerate(talkers, start=1)}
            db.executemany(
                "INSERT INTO MSG(TalkerId, MsgSvrID, Type, SubType, IsSender, CreateTime,"
                " Sequence, Status, StrTalker, StrContent, CompressContent, BytesExtra)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 2, ?, ?, ?, ?)",
                [_v3_row(m, ids[m.talker]) for m in messages],
            )
            db.commit()


def _group_name(dataset: Dataset, talker: str) -> str:
    return next((g.nick_name for g in dataset.groups if g.name == talker), "")


def _v3_row(m: DemoMessage, talker_id: int) -> tuple[Any, ...]:
    text, packed = m.body, None
    if m.type == 49:  # app messages keep their XML as an LZ4 block, StrContent stays empty
        text, packed = "", lz4.block.compress(m.body.encode(), store_size=False)
    items: dict[int, str] = {}
    if m.talker.endswith("@chatroom") and not m.is_self:
        items[1] = m.sender
    if m.type == 3:
        month = f"{SELF}\\FileStorage\\MsgAttach\\{md5_hex(m.talker)}"
        items[3] = f"{month}\\Thumb\\2024-01\\{m.image_md5}_t.dat"
        items[4] = f"{month}\\Image\\2024-01\\{m.image_md5}.dat"
    if m.type == 43:
        items[4] = f"{SELF}\\FileStorage\\Video\\2024-01\\{m.video_md5}.mp4"
    extra = proto.encode_bytes_extra(items) if items else None
    return (
        talker_id,
        m.server_id,
        m.type,
        m.sub_type,
        1 if m.is_self else 0,
        m.time,
        m.seq,
        m.talker,
        text,
        packed,
        extra,
    )


def write_darwin_v3(dataset: Dataset, root: Path, shards: int = 3, wal: bool = False) -> None:
    names = _names(dataset)
    contact_sql = (
        "INSERT INTO {table}(m_nsUsrName, nickname, m_nsRemark, m_nsAliasName,"
        " m_nsChatRoomMemList, m_nsChatRoomAdminList, m_uiType) VALUES (?, ?, ?, ?, ?, ?, 3)"
    )
    people = [
        (p.user_name, p.nick_name, p.remark, p.alias, "", "") for p in dataset.people if p.is_friend
    ]
    groups = [
        (g.name, g.nick_name, g.remark, "", ";".join(u for u, _ in g.members), g.owner)
        for g in dataset.groups
    ]
    contact_path = root / "Contact" / "wccontact_new2.db"
    with closing(_write_db(contact_path, schemas.DARWIN_CONTACT, wal)) as db:
        db.executemany(contact_sql.format(table="WCContact"), people + groups)
        db.commit()
    with closing(_write_db(root / "Group" / "group_new.db", schemas.DARWIN_GROUP, wal)) as db:
        db.executemany(contact_sql.format(table="GroupContact"), groups)
        members = sorted(
            {(u, display or names.get(u, "")) for g in dataset.groups for u, display in g.members}
        )
        db.executemany("INSERT INTO GroupMember(m_nsUsrName, nickname) VALUES (?, ?)", members)
        db.commit()
    session_path = root / "Session" / "session_new.db"
    with closing(_write_db(session_path, schemas.DARWIN_SESSION, wal)) as db:
        db.executemany(
            "INSERT INTO SessionAbstract(m_nsUserName, m_uUnReadCount, m_uLastTime)"
            " VALUES (?, 0, ?)",
            [(talker, m.time) for talker, m in _last_messages(dataset).items()],
        )
        db.commit()
    by_talker: dict[str, list[DemoMessage]] = defaultdict(list)
    for m in dataset.messages:
        by_talker[m.talker].append(m)
    talkers = sorted(by_talker)
    for index in range(shards):
        path = root / "Message" / f"msg_{index}.db"
        with closing(_write_db(path, [], wal)) as db:
            for talker in talkers[index::shards]:
                table = f"Chat_{md5_hex(talker)}"
                for statement in schemas.darwin_chat_table(table):
                    db.execute(statement)
                db.executemany(
                    f"INSERT INTO {table}(mesSvrID, msgCreateTime, msgContent, msgStatus,"
                    " messageType, mesDes) VALUES (?, ?, ?, 3, ?, ?)",
                    [_darwin_row(m) for m in by_talker[talker]],
                )
            db.commit()


def _darwin_row(m: DemoMessage) -> tuple[Any, ...]:
    text = m.body
    if m.talker.endswith("@chatroom") and not m.is_self and m.type != 10000:
        text = f"{m.sender}:\n{text}"
    return m.server_id, m.time, text, m.type, 0 if m.is_self else 1


_WRITERS = {
    Layout.V4: write_v4,
    Layout.WINDOWS_V3: write_windows_v3,
    Layout.DARWIN_V3: write_darwin_v3,
}


def generate(
    root: Path,
    layout: Layout = Layout.V4,
    *,
    messages: int = 3000,
    seed: int = 20240101,
    shards: int = 3,
    talkers: int | None = None,
    wal: bool = False,
    edge_cases: bool = False,
    media: bool = False,
) -> Dataset:
    """Write a deterministic data directory of `layout` under `root`; returns its dataset.

    `edge_cases` adds the rows of `edge_cases.py` (not part of the returned dataset).
    `media` writes the demo set's media too: drawn pictures (`pictures.py`, 4.x V1 `.dat`:
    the demo has no image key), tunes for the voices (`voices.py`), videos and files, in
    folders named in the demo's time zone (`media.write_media`). Tests that check media write
    their own with `write_media`.
    """
    dataset = build_dataset(messages, seed, talkers)
    _WRITERS[layout](dataset, root, shards, wal)
    if edge_cases:
        add_edge_cases(root, layout)
    if media:
        write_media(
            dataset,
            root,
            layout,
            pictures=demo_picture,
            voices=demo_voice,
            month_zone=DEMO_ZONE,
        )
    return dataset
