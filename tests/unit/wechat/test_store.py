"""ChatStore over generated data of every layout: entities, message queries, errors."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import threading
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from devtools.demo import Dataset, generate
from devtools.demo.corpus import SELF
from server.wechat.errors import (
    DatabaseUnreadableError,
    DataDirNotFoundError,
    InvalidKeywordError,
    StoreClosedError,
    UnknownLayoutError,
)
from server.wechat.model import Layout
from server.wechat.render import body_text
from server.wechat.store import ChatStore, demo_data_dir, open_store
from server.wechat.timerange import parse_time_range

pytestmark = pytest.mark.asyncio


async def test_sessions_are_listed_newest_first(store: ChatStore, dataset: Dataset) -> None:
    page = await store.sessions(limit=5)
    times = [s.time for s in page.items]
    assert times == sorted(times, reverse=True)
    assert page.total == len({m.talker for m in dataset.messages})
    assert page.items[0].user_name == dataset.messages[-1].talker


async def test_sessions_page_with_offset(store: ChatStore) -> None:
    first = await store.sessions(limit=3)
    second = await store.sessions(limit=3, offset=3)
    assert not {s.user_name for s in first.items} & {s.user_name for s in second.items}


async def test_sessions_carry_the_chat_name_not_the_last_sender(store: ChatStore) -> None:
    page = await store.sessions(keyword="Product team")
    assert [s.user_name for s in page.items] == ["20001@chatroom"]
    assert page.items[0].nick_name == "Product team"


async def test_contacts_are_found_by_remark_alias_and_nickname(store: ChatStore) -> None:
    assert [c.user_name for c in (await store.contacts("alice_c")).items] == ["wxid_alice01"]
    assert [c.user_name for c in (await store.contacts("娜娜")).items] == ["wxid_lina"]
    found = (await store.contacts("alice")).items
    assert found[0].user_name == "wxid_alice01" and found[0].remark == "Alice (设计)"


async def test_contact_listing_is_sorted_and_paginated(store: ChatStore) -> None:
    page = await store.contacts(limit=4, offset=2)
    everyone = await store.contacts(limit=0)
    assert [c.user_name for c in page.items] == [c.user_name for c in everyone.items][2:6]


async def test_chat_rooms_have_members_with_group_names(store: ChatStore, dataset: Dataset) -> None:
    rooms = (await store.chatrooms("产品研发")).items
    assert [r.name for r in rooms] == ["20001@chatroom"]
    group = dataset.groups[0]
    assert {m.user_name for m in rooms[0].members} == {u for u, _ in group.members}
    assert rooms[0].display_name == "Product team"


async def test_messages_of_one_chat_in_a_month_are_in_time_order(
    store: ChatStore, dataset: Dataset
) -> None:
    time_range = parse_time_range("2024-03")
    page = await store.messages(time=time_range, talkers=("Alice (设计)",), limit=0)
    expected = [
        m
        for m in dataset.messages
        if m.talker == "wxid_alice01" and time_range.start_unix <= m.time <= time_range.end_unix
    ]
    assert [int(m.time.timestamp()) for m in page.items] == [m.time for m in expected]
    assert page.total == len(expected)
    assert all(m.talker_name == "Alice (设计)" for m in page.items)


async def test_messages_without_talker_search_every_chat(
    store: ChatStore, dataset: Dataset
) -> None:
    page = await store.messages(keyword="火锅", limit=0)
    # Texts, and replies quoting them (the quote is part of the rendered text).
    expected = [m for m in dataset.messages if m.type in (1, 49) and "火锅" in m.body]
    assert page.total == len(expected)
    assert {m.talker for m in page.items} == {m.talker for m in expected}


async def test_keyword_is_a_regular_expression_over_the_rendered_text(store: ChatStore) -> None:
    page = await store.messages(keyword=r"^\[链接\|Python", limit=0)
    assert page.total > 0
    assert all(body_text(m).startswith("[链接|Python") for m in page.items)


async def test_limit_and_offset_page_through_a_query(store: ChatStore) -> None:
    everything = await store.messages(limit=0)
    page = await store.messages(limit=10, offset=25)
    assert [(m.talker, m.seq) for m in page.items] == [
        (m.talker, m.seq) for m in everything.items[25:35]
    ]
    assert page.total == everything.total
    assert page.remaining == everything.total - 35


async def test_several_talkers_are_merged_in_time_order(store: ChatStore) -> None:
    page = await store.messages(talkers=("wxid_bob02", "20002@chatroom"), limit=40)
    assert {m.talker for m in page.items} == {"wxid_bob02", "20002@chatroom"}
    times = [m.time for m in page.items]
    assert times == sorted(times)


async def test_senders_filter_group_messages_by_contact_name(
    store: ChatStore, dataset: Dataset
) -> None:
    group = dataset.groups[0]
    member = next(p for p in dataset.people if p.is_friend and p.user_name in dict(group.members))
    page = await store.messages(talkers=(group.name,), senders=(member.nick_name,), limit=0)
    expected = [
        m
        for m in dataset.messages
        if m.talker == group.name
        and m.sender == member.user_name
        and not m.is_self
        and m.type != 10000
    ]
    assert page.total == len(expected) > 0
    assert {m.sender for m in page.items} == {member.user_name}


async def test_the_user_own_messages_are_found_with_the_sender_me(store: ChatStore) -> None:
    page = await store.messages(talkers=("wxid_mom",), senders=("我",), limit=0)
    assert page.total > 0 and all(m.is_self for m in page.items)


async def test_every_message_type_of_the_generator_is_decoded(
    store: ChatStore, dataset: Dataset
) -> None:
    page = await store.messages(limit=0)
    assert page.total == len(dataset.messages)
    read = Counter((m.type, m.sub_type) for m in page.items)
    written = Counter((m.type, m.sub_type) for m in dataset.messages)
    assert read == written
    assert len(written) >= 18


async def test_an_invalid_regex_is_a_query_error(store: ChatStore) -> None:
    with pytest.raises(InvalidKeywordError):
        await store.messages(keyword="([")


async def test_status_reports_layout_and_demo_flag(store: ChatStore, layout: Layout) -> None:
    await store.ready()
    status = store.status()
    assert status["layout"] == str(layout)
    assert status["demo"] is False
    assert status["state"] == "ok"


async def test_the_demo_store_serves_the_shipped_4x_data(demo_store: ChatStore) -> None:
    await demo_store.ready()
    status = demo_store.status()
    assert status["demo"] is True and status["layout"] == "v4"
    assert (await demo_store.sessions()).total > 0


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.suffix != ".md"
    )


def _rows(path: Path) -> list[str]:
    # SQL text of the schema and every row: what the same data gives with any SQLite version.
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as db:
        return list(db.iterdump())


async def test_the_shipped_demo_is_what_the_generator_writes(tmp_path: Path) -> None:
    # The command in resources/demo/README.md. Databases are compared row for row (SQLite's
    # version shows in their bytes), everything else byte for byte: after a change to the
    # generator or to Pillow, regenerate the demo set with that command.
    generate(tmp_path, Layout.V4, messages=3000, media=True)
    shipped = demo_data_dir()
    assert _files(tmp_path) == _files(shipped)
    for name in _files(shipped):
        if name.endswith(".db"):
            assert _rows(tmp_path / name) == _rows(shipped / name), name
        else:
            assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name
    assert {"db_storage/hardlink/hardlink.db", "db_storage/message/media_0.db"} <= set(
        _files(shipped)
    )


async def test_a_missing_directory_is_reported_not_raised_at_open(tmp_path: Path) -> None:
    store = open_store(tmp_path / "nowhere")
    await store.ready()
    assert store.status()["state"] == "error"
    with pytest.raises(DataDirNotFoundError):
        await store.sessions()
    await store.close()


async def test_a_directory_without_wechat_data_is_an_unknown_layout(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    store = open_store(tmp_path)
    with pytest.raises(UnknownLayoutError, match="db_storage"):
        await store.contacts()
    await store.close()


async def test_an_encrypted_database_is_reported_as_unreadable(tmp_path: Path) -> None:
    generate(tmp_path, Layout.V4, messages=20)
    contact = tmp_path / "db_storage" / "contact" / "contact.db"
    contact.write_bytes(b"\x8a" * 8192)  # what an undecrypted file looks like
    store = open_store(tmp_path)
    with pytest.raises(DatabaseUnreadableError, match="decrypted"):
        await store.contacts()
    assert store.status()["state"] == "error"
    await store.close()


async def test_a_closed_store_refuses_queries(tmp_path: Path) -> None:
    store = open_store(None)
    await store.close()
    with pytest.raises(StoreClosedError):
        await store.sessions()


async def test_new_shards_and_messages_are_seen_without_restart(tmp_path: Path) -> None:
    generate(tmp_path, Layout.V4, messages=200, shards=1)
    store = open_store(tmp_path)
    before = await store.messages(limit=0)
    assert before.total == 200
    # WeChat rolls over to a new shard and replaces the contact db while we run.
    later = tmp_path / "later"
    generate(later, Layout.V4, messages=400, shards=2, seed=7)
    shutil.copy(
        later / "db_storage" / "message" / "message_1.db",
        tmp_path / "db_storage" / "message" / "message_1.db",
    )
    after = await store.messages(limit=0)
    assert after.total > before.total
    await store.close()


async def test_queries_run_concurrently_on_worker_threads(store: ChatStore) -> None:
    pages = await asyncio.gather(*(store.messages(keyword="deadline", limit=5) for _ in range(8)))
    assert len({page.total for page in pages}) == 1


async def test_self_is_never_the_sender_name_of_received_messages(store: ChatStore) -> None:
    page = await store.messages(talkers=("wxid_carol",), limit=50)
    assert all(m.sender != SELF for m in page.items if not m.is_self)


async def test_status_never_touches_the_file_system(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(data_dir)
    await store.ready()

    def no_detection(_path: Path) -> None:
        raise AssertionError("status() must not detect the layout")

    monkeypatch.setattr("server.wechat.store.detect", no_detection)
    assert store.status()["state"] == "ok"
    await store.close()


async def test_status_is_opening_until_detection_has_run(tmp_path: Path) -> None:
    started, release = threading.Event(), threading.Event()
    store = open_store(tmp_path / "nowhere")
    store._executor.submit(lambda: (started.set(), release.wait(5)))  # keep workers busy
    status = store.status()  # whatever the worker reached, this returns at once
    assert status["state"] in ("opening", "error")
    release.set()
    await store.ready()
    assert store.status()["state"] == "error"
    await store.close()


async def test_sessions_with_a_keyword_are_paged_after_filtering(store: ChatStore) -> None:
    everything = await store.sessions(limit=0)
    matching = [s for s in everything.items if "a" in s.nick_name.casefold()]
    page = await store.sessions("A", limit=2, offset=1)
    assert page.total == len(matching)
    assert [s.user_name for s in page.items] == [s.user_name for s in matching[1:3]]
    tail = await store.sessions(limit=0, offset=2)
    assert [s.user_name for s in tail.items] == [s.user_name for s in everything.items[2:]]
    assert tail.total == everything.total


@pytest.mark.parametrize(
    ("keyword", "senders"),
    [
        ("火锅", ()),
        ("火锅|hotpot", ()),
        ("周末.*吗", ()),
        (r"\[链接\|Python", ()),
        ("图片", ()),
        ("(?i)ALICE", ()),
        ("deadline", ("我",)),
        ("a+b", ()),
        ("", ("Alice (设计)",)),
    ],
)
async def test_fast_paths_give_the_rows_of_a_plain_scan(
    store: ChatStore, keyword: str, senders: tuple[str, ...]
) -> None:
    """Literal prefilters, type skips and undecoded rows change nothing in the result."""
    fast = await store.messages(keyword=keyword, senders=senders, limit=0)
    everything = await store.messages(limit=0)
    pattern = re.compile(keyword)
    wanted = set(senders)
    if senders:
        named = {m.sender for m in everything.items if m.sender_name in wanted}
        wanted |= named
    slow = [
        m
        for m in everything.items
        if pattern.search(body_text(m))
        and (not senders or m.sender in wanted or ("我" in senders and m.is_self))
    ]
    assert fast.items == slow
    assert fast.total == len(slow)
    page = await store.messages(keyword=keyword, senders=senders, limit=5, offset=3)
    assert page.items == slow[3:8] and page.total == len(slow)
