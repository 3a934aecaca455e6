"""The change feed over a live 4.x store: a writer commits messages while the feed watches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import generate
from devtools.demo.live import ShardWriter
from server.push.feed import ChangeFeed, FeedBatch
from server.wechat.model import Layout
from server.wechat.store import ChatStore, open_store
from tests.support import wait_until

pytestmark = pytest.mark.asyncio

ALICE = "wxid_alice01"
GROUP = "20001@chatroom"
FAST = 0.02  # seconds between looks: the tests wait for deliveries, never for a fixed time


@pytest.fixture
def live_dir(tmp_path: Path) -> Path:
    generate(tmp_path, Layout.V4, messages=300, shards=2, wal=True)
    return tmp_path


@pytest.fixture
def writer(live_dir: Path) -> Iterator[ShardWriter]:
    shard = max((live_dir / "db_storage" / "message").glob("message_*.db"))
    opened = ShardWriter.plain(shard)
    yield opened
    opened.close()


@pytest_asyncio.fixture
async def store(live_dir: Path) -> AsyncIterator[ChatStore]:
    opened = open_store(live_dir)
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def feed(store: ChatStore) -> AsyncIterator[ChangeFeed]:
    made = ChangeFeed(store, interval=FAST)
    yield made
    await made.close()


class Received:
    def __init__(self) -> None:
        self.batches: list[FeedBatch] = []

    def __call__(self, batch: FeedBatch) -> None:
        self.batches.append(batch)

    @property
    def texts(self) -> list[str]:
        return [message.text for batch in self.batches for message in batch.messages]

    @property
    def cursors(self) -> list[int]:
        return [message.cursor for batch in self.batches for message in batch.messages]


async def test_a_committed_message_reaches_the_listener_once_with_names(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    received = Received()
    await feed.subscribe(received)
    seq, moment = writer.add_text(ALICE, "hello from the feed", sender=ALICE)
    await wait_until(lambda: received.texts == ["hello from the feed"])
    message = received.batches[0].messages[0]
    assert (message.talker, message.talker_name) == (ALICE, "Alice (设计)")
    assert (message.sender, message.sender_name, message.is_self) == (ALICE, "Alice (设计)", False)
    assert (message.seq, message.unix_time, message.type, message.media) == (seq, moment, 1, None)
    assert message.cursor == received.batches[0].cursor == feed.cursor == 1
    looks = feed.looks
    await wait_until(lambda: feed.looks >= looks + 3)  # later looks re-read nothing
    assert received.texts == ["hello from the feed"]


async def test_messages_come_in_order_with_growing_cursors(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    received = Received()
    await feed.subscribe(received)
    for number in range(12):
        writer.add_text(GROUP if number % 2 else ALICE, f"message {number}", sender=ALICE)
        if number % 5 == 0:
            await asyncio.sleep(FAST * 2)  # some in one batch, some in several
    await wait_until(lambda: len(received.texts) == 12)
    assert received.texts == [f"message {number}" for number in range(12)]
    assert received.cursors == list(range(1, 13))
    group = [m for batch in received.batches for m in batch.messages if m.talker == GROUP]
    assert {m.talker_name for m in group} == {"Product team"}


async def test_what_was_there_before_subscribing_is_not_delivered(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    writer.add_text(ALICE, "before anyone listened", sender=ALICE)
    received = Received()
    await feed.subscribe(received)
    writer.add_text(ALICE, "after", sender=ALICE)
    await wait_until(lambda: received.texts == ["after"])


async def test_every_listener_sees_the_same_messages_with_the_same_cursors(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    first, second = Received(), Received()
    await feed.subscribe(first)
    await feed.subscribe(second)
    writer.add_text(ALICE, "to both")
    await wait_until(lambda: first.texts == second.texts == ["to both"])
    assert first.cursors == second.cursors
    assert first.batches[0].messages[0].is_self


async def test_a_failing_listener_does_not_stop_the_others(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    def broken(_batch: FeedBatch) -> None:
        raise RuntimeError("listener bug")

    received = Received()
    await feed.subscribe(broken)
    await feed.subscribe(received)
    writer.add_text(ALICE, "one")
    await wait_until(lambda: received.texts == ["one"])
    writer.add_text(ALICE, "two")
    await wait_until(lambda: received.texts == ["one", "two"])


async def test_the_feed_does_no_work_without_subscribers(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    assert not feed.watching
    received = Received()
    subscription = await feed.subscribe(received)
    assert feed.watching and feed.subscribers == 1
    subscription.cancel()
    subscription.cancel()  # idempotent
    assert not feed.watching and feed.subscribers == 0
    looks = feed.looks
    await asyncio.sleep(FAST * 5)
    assert feed.looks == looks
    writer.add_text(ALICE, "nobody listens")
    again = Received()
    await feed.subscribe(again)
    writer.add_text(ALICE, "listening again")
    await wait_until(lambda: again.texts == ["listening again"])
    assert again.cursors == [1]  # the unheard message took no cursor
    assert received.texts == []


async def test_messages_dated_long_ago_are_history_not_news(
    feed: ChangeFeed, writer: ShardWriter
) -> None:
    received = Received()
    await feed.subscribe(received)
    writer.add_text(ALICE, "synced from last year", when=1_700_000_000)
    writer.add_text(ALICE, "just now")
    await wait_until(lambda: received.texts == ["just now"])


async def test_a_new_shard_file_is_watched_too(live_dir: Path, feed: ChangeFeed) -> None:
    received = Received()
    await feed.subscribe(received)
    folder = live_dir / "db_storage" / "message"
    newest = max(folder.glob("message_*.db"))
    fresh = folder / "message_9.db"
    fresh.write_bytes(newest.read_bytes())  # a copy: its rows are already known
    writer = ShardWriter.plain(fresh)
    try:
        writer.add_text(ALICE, "in the new shard")
        await wait_until(lambda: received.texts == ["in the new shard"])
    finally:
        writer.close()


async def test_status_names_subscribers_and_cursor(feed: ChangeFeed, writer: ShardWriter) -> None:
    assert feed.status() == {"watching": False, "subscribers": 0, "cursor": 0, "error": None}
    received = Received()
    await feed.subscribe(received)
    writer.add_text(ALICE, "counted")
    await wait_until(lambda: feed.cursor == 1)
    assert feed.status() == {"watching": True, "subscribers": 1, "cursor": 1, "error": None}


async def test_closing_the_feed_ends_every_subscription(feed: ChangeFeed) -> None:
    subscription = await feed.subscribe(Received())
    await feed.close()
    assert not subscription.active and not feed.watching and feed.subscribers == 0


async def test_a_subscribe_cancelled_before_the_first_look_leaves_no_listener(
    feed: ChangeFeed,
) -> None:
    waiting = asyncio.create_task(feed.subscribe(Received()))
    await asyncio.sleep(0)  # registered; the first look runs on a worker thread meanwhile
    assert feed.subscribers == 1
    waiting.cancel()  # what stopping the webhooks during their start does
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert feed.subscribers == 0 and not feed.watching
