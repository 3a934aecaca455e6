"""The full-text index answers exactly as the scan does, over every layout's fixtures."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from devtools.demo import Dataset, generate
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.search import service as search_service
from server.wechat.search.service import SearchSettings
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import parse_time_range

pytestmark = pytest.mark.asyncio

KEYWORDS = [
    "火锅",  # two characters, exact in SQL
    "火",  # one character
    "锅",
    "吃",
    "的",
    "明天",
    "周末去",
    "deadline",  # Latin: narrowed by the index, decided by the regex
    "Deadline",
    "dead",
    "line",
    "Python",
    "py",
    "(?i)python",  # case-insensitive, as search_messages asks
    r"^\[链接\|Python",  # a regex with a required literal
    "链接",  # text only in rendered (compressed) bodies
    r"\[图片\]",
    "图片",
    "引用",
    "a+b",
    "http",
    "12",
    "a",
]


async def _ready(store: ChatStore) -> None:
    for _ in range(400):
        if store.status()["search"]["state"] != "building":
            break
        await asyncio.sleep(0.05)
    assert store.status()["search"]["state"] == "ready"


def _ordered(store: ChatStore) -> bool:
    index = store._search._index  # type: ignore[union-attr]  # white-box: which path ran
    assert index is not None
    with index._lock:
        return index._ordered()


@pytest_asyncio.fixture
async def indexed(data_dir: Path, tmp_path: Path) -> AsyncIterator[ChatStore]:
    opened = open_store(data_dir, search=SearchSettings(directory=tmp_path / "index"))
    await _ready(opened)
    yield opened
    await opened.close()


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each query was answered by the index (True) or left to the scan."""
    calls: list[bool] = []
    find = search_service.SearchService.find

    def spy(self: search_service.SearchService, *args: Any) -> Any:
        result = find(self, *args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(search_service.SearchService, "find", spy)
    return calls


def _queries(dataset: Dataset) -> list[MessageQuery]:
    group = dataset.groups[0]
    member = next(p for p in dataset.people if p.is_friend and p.user_name in dict(group.members))
    march = parse_time_range("2024-03")
    variants: list[dict[str, Any]] = [
        {},
        {"talkers": (group.name,)},
        {"talkers": ("wxid_alice01",)},
        {"senders": ("我",)},
        {"senders": (member.nick_name,), "talkers": (group.name,)},
        {"time": march},
    ]
    return [
        MessageQuery(keyword=keyword, limit=limit, offset=offset, order=order, **variant)
        for keyword in KEYWORDS
        for variant in variants
        for order in ("asc", "desc")
        for limit, offset in ((0, 0), (7, 3))
    ]


async def test_the_index_gives_the_scan_results(
    indexed: ChatStore, store: ChatStore, dataset: Dataset, answered: list[bool]
) -> None:
    for query in _queries(dataset):
        fast = await indexed.messages(query)
        slow = await store.messages(query)
        assert (fast.items, fast.total) == (slow.items, slow.total), query
    assert all(answered), "every keyword of the matrix has a literal the index can use"
    assert _ordered(indexed), "the fast path (ids in time order) was the one tested"
    # The same matrix on the path taken once ids no longer follow time (a late message).
    index = indexed._search._index  # type: ignore[union-attr]
    assert index is not None
    with index._lock:
        index._db.execute("INSERT OR REPLACE INTO meta VALUES ('ordered', '0')")
    for query in _queries(dataset):
        fast = await indexed.messages(query)
        slow = await store.messages(query)
        assert (fast.items, fast.total) == (slow.items, slow.total), query


async def test_descending_order_is_the_ascending_order_reversed(store: ChatStore) -> None:
    up = await store.messages(keyword="火锅", limit=0)
    down = await store.messages(keyword="火锅", limit=0, order="desc")
    assert down.items == up.items[::-1] and down.total == up.total
    first = await store.messages(limit=5, order="desc")
    everything = await store.messages(limit=0)
    assert first.items == everything.items[::-1][:5]


async def test_keywords_without_a_literal_are_left_to_the_scan(
    indexed: ChatStore, answered: list[bool]
) -> None:
    await indexed.messages(keyword="火锅|hotpot", limit=5)
    await indexed.messages(keyword="...", limit=5)
    assert answered == [False, False]


async def test_status_reports_progress_and_off(indexed: ChatStore, store: ChatStore) -> None:
    search = indexed.status()["search"]
    assert search["state"] == "ready" and search["indexed"] == search["total"] > 0
    assert store.status()["search"]["state"] == "off"


async def test_messages_written_while_the_store_runs_are_found(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, Layout.V4, messages=300, shards=1, wal=True)
    shard = data / "db_storage" / "message" / "message_0.db"
    store = open_store(data, search=SearchSettings(directory=tmp_path / "index"))
    plain = open_store(data)
    writer = sqlite3.connect(shard)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        await _ready(store)
        tables = [
            name
            for (name,) in writer.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'Msg\\_%' ESCAPE '\\'"
                " AND type = 'table'"
            )
        ]
        for number, table in enumerate(tables[:3]):
            # New messages come with the current time: after every indexed one.
            writer.execute(
                f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id,"
                " create_time, status, message_content) VALUES (?, 1, ?, 1, ?, 2, ?)",
                (900 + number, 1736000000000 + number, 1736000000 + number, f"新鲜事 {number}"),
            )
            writer.commit()
            for keyword in ("新鲜", "鲜", "新鲜事"):
                fast = await store.messages(keyword=keyword, limit=0)
                slow = await plain.messages(keyword=keyword, limit=0)
                assert fast.items == slow.items and fast.total == number + 1
    finally:
        writer.close()
        await store.close()
        await plain.close()


def _message_tables(writer: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in writer.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'Msg\\_%' ESCAPE '\\'"
            " AND type = 'table'"
        )
    ]


_RECALL_NOTICE = (
    '<sysmsg type="revokemsg"><revokemsg><content>"Alice" 撤回了一条消息</content>'
    "</revokemsg></sysmsg>"
)


async def _same_answers(fast: ChatStore, slow: ChatStore, keyword: str) -> int:
    for order in ("asc", "desc"):
        query = MessageQuery(keyword=keyword, limit=5, order=order)
        indexed, scanned = await fast.messages(query), await slow.messages(query)
        assert (indexed.items, indexed.total) == (scanned.items, scanned.total)
    return (await fast.messages(keyword=keyword, limit=0)).total


@dataclass
class LiveShard:
    """A one-shard 4.x store in WAL mode: indexed, scanned, and a writer on its first chat."""

    indexed: ChatStore
    scanned: ChatStore
    writer: sqlite3.Connection
    table: str

    def write(self, sql: str, *values: object) -> None:
        self.writer.execute(sql.replace("{table}", self.table), values)
        self.writer.commit()

    def add_text(self, server_id: int, unix_time: int, text: str) -> None:
        self.write(
            "INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id, create_time,"
            " status, message_content) VALUES (?, 1, ?, 1, ?, 2, ?)",
            server_id,
            unix_time * 1000,
            unix_time,
            text,
        )


@pytest_asyncio.fixture
async def live(tmp_path: Path) -> AsyncIterator[LiveShard]:
    data = tmp_path / "data"
    generate(data, Layout.V4, messages=300, shards=1, wal=True)
    writer = sqlite3.connect(data / "db_storage" / "message" / "message_0.db")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    shard = LiveShard(
        open_store(data, search=SearchSettings(directory=tmp_path / "index")),
        open_store(data),
        writer,
        _message_tables(writer)[0],
    )
    try:
        await _ready(shard.indexed)
        yield shard
    finally:
        writer.close()
        await shard.indexed.close()
        await shard.scanned.close()


async def test_a_message_recalled_after_it_was_indexed_is_found_by_its_notice(
    live: LiveShard, answered: list[bool]
) -> None:
    live.add_text(7001, 1736000000, "一句说错的秘密话")
    assert await _same_answers(live.indexed, live.scanned, "秘密话") == 1
    live.add_text(7002, 1736000030, "半分钟后的一句")
    assert await _same_answers(live.indexed, live.scanned, "半分钟") == 1  # indexed past it
    # WeChat recalls a message by rewriting its row: same time and sequence, new type.
    live.write(
        "UPDATE {table} SET local_type = 10002, message_content = ? WHERE server_id = 7001",
        _RECALL_NOTICE,
    )
    answered.clear()
    assert await _same_answers(live.indexed, live.scanned, "秘密话") == 0
    assert await _same_answers(live.indexed, live.scanned, "撤回了一条") >= 1
    assert all(answered), "the index answered after the recall, without falling back"


async def test_a_message_changed_long_after_it_was_indexed_is_never_a_wrong_hit(
    live: LiveShard,
) -> None:
    oldest_id, old_text = live.writer.execute(
        f"SELECT local_id, message_content FROM {live.table} WHERE local_type = 1"
        " ORDER BY create_time LIMIT 1"
    ).fetchone()
    old_words = str(old_text).rsplit("\n", 1)[-1][-2:]
    before = await live.scanned.messages(keyword=old_words, limit=0)
    live.write(
        "UPDATE {table} SET message_content = ? WHERE local_id = ?", "改写过的旧消息", oldest_id
    )
    # Outside the recall window the index keeps the old text (WeChat changes no older
    # message), but every hit it returns is checked against the source: when one no
    # longer says what was indexed, the scan answers.
    after = await live.scanned.messages(keyword=old_words, limit=0)
    assert after.total == before.total - 1
    indexed = await live.indexed.messages(keyword=old_words, limit=0)
    assert (indexed.items, indexed.total) == (after.items, after.total)


async def test_the_index_file_is_reused_and_rebuilt_for_another_source(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, Layout.V4, messages=200, shards=2)
    settings = SearchSettings(directory=tmp_path / "index")
    for _ in range(2):
        store = open_store(data, search=settings)
        await _ready(store)
        assert (await store.messages(keyword="火锅", limit=0)).total > 0
        await store.close()
    assert len(list((tmp_path / "index").glob("*.db"))) == 1


async def test_a_late_message_in_an_older_shard_keeps_results_exact(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate(data, Layout.V4, messages=400, shards=2, wal=True)
    folder = data / "db_storage" / "message"
    with closing(sqlite3.connect(folder / "message_1.db")) as later:
        later_start = later.execute("SELECT timestamp FROM Timestamp").fetchone()[0]
    store = open_store(data, search=SearchSettings(directory=tmp_path / "index"))
    plain = open_store(data)
    writer = sqlite3.connect(folder / "message_0.db")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        await _ready(store)
        table = writer.execute(
            "SELECT name FROM sqlite_master WHERE name LIKE 'Msg\\_%' ESCAPE '\\'"
            " AND type = 'table'"
        ).fetchone()[0]
        # Newer than everything in its shard, older than the next shard's messages: document
        # ids no longer follow time, and the index must notice.
        writer.execute(
            f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id, create_time,"
            " status, message_content) VALUES (1, 1, ?, 1, ?, 2, '迟到的火锅')",
            ((later_start - 1) * 1000, later_start - 1),
        )
        writer.commit()
        for keyword in ("火锅", "迟到", "锅"):
            for order in ("asc", "desc"):
                query = MessageQuery(keyword=keyword, limit=5, order=order)
                fast = await store.messages(query)
                slow = await plain.messages(query)
                assert (fast.items, fast.total) == (slow.items, slow.total)
        assert (await store.messages(keyword="迟到", limit=0)).total == 1
        assert not _ordered(store)
    finally:
        writer.close()
        await store.close()
        await plain.close()


async def test_closing_during_a_build_stops_it(tmp_path: Path) -> None:
    generate(tmp_path / "data", Layout.V4, messages=3000, shards=2)
    store = open_store(tmp_path / "data", search=SearchSettings(directory=tmp_path / "index"))
    await store.ready()
    await store.close()
    assert store.status()["search"]["state"] in ("off", "ready")


async def test_no_index_is_promised_for_a_directory_without_data(tmp_path: Path) -> None:
    store = open_store(tmp_path / "missing", search=SearchSettings(directory=tmp_path / "index"))
    await store.ready()
    assert store.status()["search"]["state"] == "off"
    await store.close()
