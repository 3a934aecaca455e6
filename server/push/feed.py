"""The change feed: new messages, detected once, for everything that pushes them.

One `ChangeFeed` per chat store (built in server/composition.py). MCP resource subscriptions
(server/push/resources.py) and webhooks subscribe to it; none of them reads the data itself.

    feed = ChangeFeed(store)
    subscription = await feed.subscribe(listener)   # watching from here on
    subscription = feed.listen(listener)            # the same, without waiting: await feed.ready()
    ...
    subscription.cancel()                           # or: await feed.close()

- `listener(batch)` is called on the event loop with a `FeedBatch`: the new messages, oldest
  first, each with its own `cursor`, and `batch.cursor` (the last one). It must not block:
  hand slow work (a network call) to a task or a queue. An exception it raises is logged and
  does not reach the feed or the other listeners.
- Cursors are integers that only grow, one per message, for the life of the process; every
  listener sees the same message with the same cursor. A message is delivered once: rows
  re-read from a changed file are recognised by their key (server/wechat/changes.py).
- `await feed.subscribe(...)` returns once the feed has taken note of what is already there:
  every message that appears after it returns is delivered (none from before).
- While nobody subscribes the feed does no work at all: the watching task starts with the
  first subscriber and stops with the last.
- Detection: every `interval` seconds (0.25 by default) one job on the store's worker threads
  compares the message shards' file signatures (a few `stat` calls) and reads only a changed
  shard's recent rows (docs/push.md). Nothing runs on the event loop but the delivery.

`FeedMessage` carries what a receiver needs without reading the data again: chat id and
display name, sender id and display name, whether the user sent it, time, type, the rendered
text (as query_chat_log shows it, media labels with their reference) and the media reference
(`get_media` / `/api/v1/media/<ref>`) when the message has one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.wechat.changes import DEFAULT_LOOKBACK, NewMessages
from server.wechat.errors import DataSourceError, StoreClosedError
from server.wechat.media.refs import media_ref, with_ref
from server.wechat.model import Message
from server.wechat.render import body_text
from server.wechat.store import ChatStore

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.25


@dataclass(frozen=True, slots=True)
class FeedMessage:
    """One new message, as every subscriber receives it."""

    cursor: int
    talker: str  # the chat's id (a user name, or `…@chatroom` for a group)
    talker_name: str  # the chat's display name ("" when unknown)
    sender: str  # the sender's id (for the user's own messages: as stored, check is_self)
    sender_name: str  # the sender's display name ("" when unknown)
    is_self: bool  # sent by the user
    time: datetime  # aware, local time zone
    type: int  # WeChat's message type (1 text, 3 picture, 34 voice, 43 video, 49 app, …)
    sub_type: int
    text: str  # the rendered body, media labels with their reference: "[图片 ref=…]"
    media: str | None  # the media reference, when the message carries a picture, voice, …
    seq: int  # WeChat's own sequence number (stable across restarts)
    message: Message  # the decoded message, for who needs more (refer, contents)

    @property
    def unix_time(self) -> int:
        return int(self.time.timestamp())

    @property
    def is_chat_room(self) -> bool:
        return self.message.is_chat_room


@dataclass(frozen=True, slots=True)
class FeedBatch:
    """Messages that appeared together, oldest first; `cursor` is the last one's."""

    messages: tuple[FeedMessage, ...]
    cursor: int


Listener = Callable[[FeedBatch], None]


class FeedSubscription:
    """A listener's place in the feed; `cancel()` ends it (idempotent)."""

    def __init__(self, feed: ChangeFeed, listener: Listener) -> None:
        self._feed = feed
        self.listener = listener
        self.active = True

    def cancel(self) -> None:
        if self.active:
            self.active = False
            self._feed._unsubscribe(self)


def feed_message(cursor: int, message: Message) -> FeedMessage:
    return FeedMessage(
        cursor=cursor,
        talker=message.talker,
        talker_name=message.talker_name,
        sender=message.sender,
        sender_name=message.sender_name,
        is_self=message.is_self,
        time=message.time,
        type=message.type,
        sub_type=message.sub_type,
        text=with_ref(body_text(message), message),
        media=media_ref(message),
        seq=message.seq,
        message=message,
    )


class ChangeFeed:
    """New messages of one store, watched only while someone listens."""

    def __init__(
        self,
        store: ChatStore,
        *,
        interval: float = DEFAULT_INTERVAL,
        lookback: float = DEFAULT_LOOKBACK,
    ) -> None:
        self._store = store
        self._interval = interval
        self._lookback = lookback
        self._subscriptions: list[FeedSubscription] = []
        self._cursor = 0
        self._task: asyncio.Task[None] | None = None
        self._ready: asyncio.Event | None = None
        self._error: str | None = None
        self._closed = False
        self.looks = 0  # how many looks at the files (for tests and the bench)

    @property
    def store(self) -> ChatStore:
        """The store whose new messages this feed reports."""
        return self._store

    @property
    def cursor(self) -> int:
        """The last message's cursor (0: none yet)."""
        return self._cursor

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    @property
    def watching(self) -> bool:
        return self._task is not None and not self._task.done()

    async def subscribe(self, listener: Listener) -> FeedSubscription:
        """Deliver every later message to `listener` (on the event loop) until cancelled.

        Returns once the feed watches (what exists now is noted, not delivered). A store that
        cannot be read yet does not fail this: the feed keeps trying and says so in `status()`.
        """
        subscription = self.listen(listener)
        try:
            await self.ready()
        except BaseException:
            subscription.cancel()  # cancelled while waiting: no listener may stay behind
            raise
        return subscription

    def listen(self, listener: Listener) -> FeedSubscription:
        """`subscribe` without waiting: the feed starts watching if it was not already;
        `await ready()` to know when it does. Must be called on the event loop."""
        if self._closed:
            raise StoreClosedError()
        subscription = FeedSubscription(self, listener)
        self._subscriptions.append(subscription)
        if not self.watching:
            self._ready = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(
                self._watch(self._ready), name="change-feed"
            )
        return subscription

    async def ready(self) -> None:
        """Wait until the feed has taken its first look (returns at once when not watching)."""
        if self._ready is not None and self.watching:
            await self._ready.wait()

    def _unsubscribe(self, subscription: FeedSubscription) -> None:
        with contextlib.suppress(ValueError):
            self._subscriptions.remove(subscription)
        if not self._subscriptions and self._task is not None:
            self._task.cancel()  # nobody listens: no more looks
            self._task = None

    async def close(self) -> None:
        """Stop watching and drop every subscription."""
        self._closed = True
        for subscription in list(self._subscriptions):
            subscription.active = False
        self._subscriptions.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def status(self) -> dict[str, Any]:
        """For /health: whether the feed watches, for how many, the cursor, the last error."""
        return {
            "watching": self.watching,
            "subscribers": len(self._subscriptions),
            "cursor": self._cursor,
            "error": self._error,
        }

    async def _watch(self, ready: asyncio.Event) -> None:
        changes = NewMessages(self._lookback)
        try:
            while True:
                try:
                    found = await self._store.read(changes.collect)
                    self._error = None
                except StoreClosedError:
                    ready.set()
                    return
                except DataSourceError as error:
                    found = []
                    if self._error != str(error):
                        logger.warning("new messages cannot be read: %s", error)
                    self._error = str(error)
                except Exception:  # a bug must not end the feed for every subscriber
                    found = []
                    if self._error is None:
                        logger.exception("looking for new messages failed")
                    self._error = "looking for new messages failed (see the log)"
                self.looks += 1
                ready.set()
                if found:
                    self._deliver(found)
                await asyncio.sleep(self._interval)
        finally:
            ready.set()  # a subscriber waiting while the feed stops is not left hanging

    def _deliver(self, messages: list[Message]) -> None:
        first = self._cursor + 1
        items = tuple(feed_message(first + n, message) for n, message in enumerate(messages))
        self._cursor = items[-1].cursor
        batch = FeedBatch(items, self._cursor)
        logger.debug("%d new message(s), cursor %d", len(items), self._cursor)
        for subscription in list(self._subscriptions):
            if not subscription.active:
                continue
            try:
                subscription.listener(batch)
            except Exception:
                logger.exception("a change feed listener failed")
