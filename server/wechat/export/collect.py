"""The messages of one chat in a span, oldest first, a page at a time.

Each page is asked for from the second the previous one ended in, skipping the messages of
that second already given: the store then reads only from there on, where an offset would
make every page read the chat from its start again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from server.wechat.model import Message
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore
from server.wechat.timerange import TimeRange

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class ChatCount:
    """How many messages the span holds, and the chat's id and name as the data knows them."""

    total: int
    talker: str
    name: str


async def count(store: ChatStore, chat: str, span: TimeRange) -> ChatCount:
    page = await store.messages(MessageQuery(time=span, talkers=(chat,), limit=1))
    talker = page.talkers[0] if page.talkers else chat
    if page.items:
        first = page.items[0]
        return ChatCount(page.total, first.talker, first.talker_name or first.talker)
    return ChatCount(page.total, talker, chat)


async def chat_exists(store: ChatStore, name: str) -> bool:
    """Whether `name` names any contact or group (by id, alias, remark or name)."""
    if (await store.contacts(name, 1, 0)).total:
        return True
    return bool((await store.chatrooms(name, 1, 0)).total)


async def pages(
    store: ChatStore, talker: str, span: TimeRange, page_size: int = PAGE_SIZE
) -> AsyncIterator[list[Message]]:
    """Every message of `talker` in `span`, in time order, in pages of `page_size`."""
    start = span.start
    seen_in_second = 0  # messages of the second `start` is in, already given
    while True:
        query = MessageQuery(
            time=TimeRange(start, span.end),
            talkers=(talker,),
            limit=page_size,
            offset=seen_in_second,
        )
        items = (await store.messages(query)).items
        if not items:
            return
        yield items
        if len(items) < page_size:
            return
        last = items[-1].time
        same = sum(1 for message in items if message.time == last)
        last_second = int(last.timestamp())
        seen_in_second = seen_in_second + same if int(start.timestamp()) == last_second else same
        start = last.replace(microsecond=0)
