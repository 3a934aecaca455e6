"""What real folders hold beyond the demo set (devtools/demo/edge_cases.py), read through
the store, the MCP tools and the HTTP API (docs/wechat-data.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
import pytest_asyncio
from quart import Quart

from devtools.demo import edge_cases as edge
from devtools.demo import generate
from server.web.chat_api import create_chat_api
from server.wechat.model import Layout, Message
from server.wechat.render import body_text, message_text
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import parse_time_range

from .test_chat_tools import call, text_of

pytestmark = pytest.mark.asyncio

EDGE_DAYS = "2024-02-09~2024-02-11"  # EDGE_TIME in any time zone
LAYOUTS = [Layout.V4, Layout.WINDOWS_V3]


def account_root(base: Path, layout: Layout) -> Path:
    # 4.x folders are named <wxid>_<hex>; 3.x folders are the wxid itself.
    return base / (edge.ACCOUNT_FOLDER if layout == Layout.V4 else "wxid_demo_self")


@pytest.fixture(scope="module")
def edge_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, Path]:
    result = {}
    for layout in LAYOUTS:
        root = account_root(tmp_path_factory.mktemp(f"edge-{layout}"), layout)
        generate(root, layout, messages=600, edge_cases=True)
        result[layout] = root
    return result


@pytest.fixture(params=LAYOUTS, ids=str)
def edge_layout(request: pytest.FixtureRequest) -> Layout:
    return Layout(request.param)


@pytest_asyncio.fixture
async def edge_store(
    edge_dirs: dict[Layout, Path], edge_layout: Layout
) -> AsyncIterator[ChatStore]:
    opened = open_store(edge_dirs[edge_layout])
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def v4_store(edge_dirs: dict[Layout, Path]) -> AsyncIterator[ChatStore]:
    opened = open_store(edge_dirs[Layout.V4])
    yield opened
    await opened.close()


async def edge_messages(store: ChatStore, *talkers: str) -> list[Message]:
    page = await store.messages(time=parse_time_range(EDGE_DAYS), talkers=talkers, limit=0)
    return page.items


def by_text(messages: list[Message], text: str) -> Message:
    return next(m for m in messages if body_text(m) == text)


# -- lossy UTF-8 ---------------------------------------------------------------------------


async def test_an_invalid_utf8_cell_is_read_with_replacement_characters(
    edge_store: ChatStore,
) -> None:
    found = await edge_messages(edge_store, edge.OTHER_FRIEND)
    assert edge.BAD_UTF8_TEXT in [m.content for m in found]
    everything = await edge_store.messages(keyword="broken", limit=0)
    assert [m.content for m in everything.items] == [edge.BAD_UTF8_TEXT]


# -- revokes -------------------------------------------------------------------------------


async def test_revokes_render_as_the_recall_sentence(edge_store: ChatStore) -> None:
    found = await edge_messages(edge_store, edge.FRIEND)
    own = by_text(found, edge.SELF_REVOKE_TEXT)
    assert own.is_self and own.sender == ""
    assert message_text(own).split("\n")[1] == edge.SELF_REVOKE_TEXT
    assert all(not body_text(m).startswith("Type: 1000") for m in found)


async def test_a_group_revoke_names_who_recalled(v4_store: ChatStore) -> None:
    notice = by_text(await edge_messages(v4_store, edge.GROUP), edge.REVOKE_TEXT)
    assert not notice.is_self and notice.sender == edge.FRIEND and notice.type == 10002


async def test_a_3x_plain_revoke_notice_keeps_its_sentence(edge_dirs: dict[Layout, Path]) -> None:
    store = open_store(edge_dirs[Layout.WINDOWS_V3])
    try:
        notice = by_text(await edge_messages(store, edge.FRIEND), edge.REVOKE_TEXT)
        assert not notice.is_self
    finally:
        await store.close()


# -- own messages in 4.x groups ------------------------------------------------------------


async def test_own_group_messages_are_known_by_real_sender_id_not_status(
    v4_store: ChatStore,
) -> None:
    found = await edge_messages(v4_store, edge.GROUP)
    mine = by_text(found, edge.MISLEADING_SELF_TEXT)
    assert mine.is_self
    theirs = by_text(found, edge.MISLEADING_OTHER_TEXT)
    assert not theirs.is_self and theirs.sender == edge.OTHER_FRIEND
    own = await v4_store.messages(
        time=parse_time_range(EDGE_DAYS), talkers=(edge.GROUP,), senders=("我",), limit=0
    )
    texts = {body_text(m) for m in own.items}
    assert edge.MISLEADING_SELF_TEXT in texts and edge.MISLEADING_OTHER_TEXT not in texts


async def test_without_an_account_folder_name_status_still_decides(tmp_path: Path) -> None:
    generate(tmp_path, Layout.V4, messages=300, edge_cases=True)  # folder not named <wxid>_<hex>
    store = open_store(tmp_path)
    try:
        found = await edge_messages(store, edge.GROUP)
        # The old, status-only rule (the prefix is then kept too): the best without the name.
        assert next(m for m in found if edge.MISLEADING_OTHER_TEXT in m.content).is_self
    finally:
        await store.close()


# -- stranger table ------------------------------------------------------------------------


async def test_strangers_have_names(v4_store: ChatStore) -> None:
    contacts = (await v4_store.contacts(edge.STRANGER_NAME)).items
    assert [(c.user_name, c.is_friend) for c in contacts] == [(edge.STRANGER, False)]
    said = by_text(await edge_messages(v4_store, edge.GROUP), edge.STRANGER_TEXT)
    assert said.sender == edge.STRANGER and said.sender_name == edge.STRANGER_NAME


# -- official accounts ---------------------------------------------------------------------


async def test_official_account_messages_are_read_and_labelled(edge_store: ChatStore) -> None:
    found = await edge_messages(edge_store, edge.OFFICIAL)
    assert [m.content for m in found] == [edge.OFFICIAL_TEXT]
    message = found[0]
    assert message.contents["chatKind"] == "official account"
    assert message.talker_name == edge.OFFICIAL_NAME
    assert "[official account]" in message_text(message, show_talker=True)
    everywhere = await edge_store.messages(keyword="headlines", limit=0)
    assert [m.talker for m in everywhere.items] == [edge.OFFICIAL]


async def test_ordinary_chats_carry_no_chat_kind(edge_store: ChatStore) -> None:
    found = await edge_messages(edge_store, edge.FRIEND)
    assert found and all("chatKind" not in m.contents for m in found)


# -- shard selection by message times ------------------------------------------------------


async def test_migrated_history_older_than_its_shard_start_is_found(edge_store: ChatStore) -> None:
    found = await edge_messages(edge_store, edge.FRIEND)
    assert edge.MIGRATED_TEXT in [m.content for m in found]


async def test_a_shard_range_follows_its_file(tmp_path: Path) -> None:
    root = account_root(tmp_path, Layout.V4)
    generate(root, Layout.V4, messages=300)
    store = open_store(root)
    try:
        january = parse_time_range("2024-01-01~2024-01-03")
        before = await store.messages(time=january, talkers=(edge.FRIEND,), limit=0)
        last = sorted((root / "db_storage" / "message").glob("message_*.db"))[-1]
        with closing(sqlite3.connect(last)) as db:
            ids = edge.v4_ids(db, edge.FRIEND)
            edge.v4_insert(
                db, edge.FRIEND, [(edge.START_TIME + 86_400, 1, ids[edge.FRIEND], 4, "late")]
            )
            db.commit()
        after = await store.messages(time=january, talkers=(edge.FRIEND,), limit=0)
        assert [m.content for m in after.items] == [*(m.content for m in before.items), "late"]
    finally:
        await store.close()


# -- through the tools and the API ---------------------------------------------------------


async def test_the_chat_log_tool_shows_every_case(edge_store: ChatStore) -> None:
    result = await call(edge_store, "query_chat_log", time=EDGE_DAYS, limit=100)
    text = text_of(result)
    for expected in (
        edge.SELF_REVOKE_TEXT,
        edge.BAD_UTF8_TEXT,
        edge.OFFICIAL_TEXT,
        edge.MIGRATED_TEXT,
        "[official account]",
    ):
        assert expected in text
    assert "Type: 10002" not in text


async def test_the_chatlog_api_marks_own_messages_and_official_accounts(
    v4_store: ChatStore,
) -> None:
    app = Quart(__name__)
    app.register_blueprint(create_chat_api(v4_store))
    response = await app.test_client().get(
        f"/api/v1/chatlog?time={EDGE_DAYS}&talker={edge.GROUP},{edge.OFFICIAL}&format=json&limit=0"
    )
    items = await response.get_json()
    by_content = {item["content"]: item for item in items}
    assert by_content[edge.MISLEADING_SELF_TEXT]["isSelf"] is True
    assert by_content[edge.MISLEADING_OTHER_TEXT]["isSelf"] is False
    assert by_content[edge.REVOKE_TEXT]["type"] == 10002
    assert by_content[edge.STRANGER_TEXT]["senderName"] == edge.STRANGER_NAME
    assert by_content[edge.OFFICIAL_TEXT]["contents"]["chatKind"] == "official account"


async def test_pages_over_overlapping_shards_stay_in_time_order(edge_store: ChatStore) -> None:
    everything = (await edge_store.messages(talkers=(edge.FRIEND,), limit=0)).items
    migrated = [m.content for m in everything].index(edge.MIGRATED_TEXT)
    page = await edge_store.messages(talkers=(edge.FRIEND,), limit=3, offset=migrated - 1)
    assert [m.content for m in page.items] == [
        m.content for m in everything[migrated - 1 : migrated + 2]
    ]
    assert page.total == len(everything)
    times = [m.time for m in everything]
    assert times == sorted(times)
