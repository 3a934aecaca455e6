"""The store never creates, changes or deletes a file in the WeChat directory, WAL mode included."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from devtools.demo import generate
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import parse_time_range

pytestmark = pytest.mark.asyncio


def snapshot(root: Path) -> dict[str, str]:
    """Every file below `root` with the SHA-256 of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


async def exercise(store: ChatStore) -> None:
    await store.sessions()
    await store.sessions(keyword="Alice")
    await store.contacts()
    await store.contacts(keyword="张")
    await store.chatrooms()
    await store.chatrooms(keyword="Family")
    await store.messages(limit=0)
    await store.messages(MessageQuery(time=parse_time_range("2024-05"), talkers=("Bob",)))
    await store.messages(keyword="deadline|火锅", senders=("我",), limit=3)
    store.status()


@pytest.mark.parametrize("layout", list(Layout), ids=str)
@pytest.mark.parametrize("wal", [False, True], ids=["rollback", "wal"])
async def test_every_query_leaves_the_data_directory_byte_identical(
    tmp_path: Path, layout: Layout, wal: bool
) -> None:
    # With the real folders' edge cases: biz/PublicMsg shards, a stranger table, bad UTF-8.
    generate(tmp_path, layout, messages=300, wal=wal, edge_cases=True)
    before = snapshot(tmp_path)
    store = open_store(tmp_path)
    await exercise(store)
    await store.close()
    assert snapshot(tmp_path) == before


async def test_a_live_wal_database_is_read_through_a_private_copy(tmp_path: Path) -> None:
    generate(tmp_path, Layout.V4, messages=100, shards=1, wal=True)
    shard = tmp_path / "db_storage" / "message" / "message_0.db"
    # WeChat keeps its connection open: the -wal file holds rows not yet checkpointed.
    writer = sqlite3.connect(shard)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    table = writer.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'Msg\\_%' ESCAPE '\\' AND type = 'table'"
    ).fetchone()[0]
    writer.execute(
        f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id, create_time,"
        " status, message_content) SELECT 9, 1, 1735600000000, 1, 1735600000, 2, 'fresh row'"
    )
    writer.commit()
    try:
        assert shard.with_name(shard.name + "-wal").exists()
        before = snapshot(tmp_path)
        store = open_store(tmp_path)
        page = await store.messages(keyword="fresh row", limit=0)
        await store.close()
        assert page.total == 1
        assert snapshot(tmp_path) == before
    finally:
        writer.close()
