"""The chat resources: the recent messages of all chats and of each chat, as MCP resources.

    wechat://chats/recent            the 50 newest messages of every chat (within the week
                                     up to the newest one), oldest first
    wechat://chats/{talker}/recent   the 50 newest messages of one chat; `talker` is the
                                     chat's id (a user name or `…@chatroom`), percent-encoded

Both are subscribable (server/push/updates.py): a new message in a chat updates that chat's
resource and the all-chats one. `resources/list` names the all-chats resource and the 100
most recent chats; the template reads any chat.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote, unquote

from server.mcp import jsonrpc
from server.mcp.features import Resource as McpResource
from server.mcp.features import ResourceRegistry, ResourceTemplate
from server.wechat.errors import DataSourceError, QueryError
from server.wechat.media.refs import text_with_ref
from server.wechat.model import Message
from server.wechat.query import MessageQuery
from server.wechat.render import FULL_TIME_FORMAT, message_text
from server.wechat.store import ChatStore
from server.wechat.timerange import ALL_TIME, TimeRange

logger = logging.getLogger(__name__)

SCHEME = "wechat://"
ALL_CHATS_URI = "wechat://chats/recent"
CHAT_TEMPLATE = "wechat://chats/{talker}/recent"
_CHAT_PREFIX, _CHAT_SUFFIX = "wechat://chats/", "/recent"
RECENT_LIMIT = 50
LISTED_CHATS = 100
# Across chats "recent" is the week up to the newest message: a bounded read of the data.
ALL_CHATS_SPAN = timedelta(days=7)
MIME_TYPE = "text/plain"


def chat_uri(talker: str) -> str:
    return f"{_CHAT_PREFIX}{quote(talker, safe='@._-')}{_CHAT_SUFFIX}"


def talker_of(uri: str) -> str | None:
    """The chat a `wechat://chats/{talker}/recent` URI names, else None."""
    if not (uri.startswith(_CHAT_PREFIX) and uri.endswith(_CHAT_SUFFIX)):
        return None
    segment = uri[len(_CHAT_PREFIX) : -len(_CHAT_SUFFIX)]
    if not segment or "/" in segment:
        return None
    talker = unquote(segment)
    return talker or None


def is_chat_resource(uri: str) -> bool:
    return uri == ALL_CHATS_URI or talker_of(uri) is not None


def affected(uri: str, talkers: set[str]) -> bool:
    """Whether new messages in `talkers` change the resource `uri` (however it is encoded)."""
    return uri == ALL_CHATS_URI or talker_of(uri) in talkers


def chat_resources(store: ChatStore) -> ResourceRegistry:
    async def read_all() -> list[dict[str, Any]]:
        newest = await _guarded(lambda: store.sessions(limit=1))
        if not newest.items:
            return _contents(ALL_CHATS_URI, store, [], across=True)
        start = newest.items[0].time - ALL_CHATS_SPAN
        query = MessageQuery(time=TimeRange(start, ALL_TIME.end), limit=RECENT_LIMIT, order="desc")
        page = await _guarded(lambda: store.messages(query))
        return _contents(ALL_CHATS_URI, store, page.items[::-1], across=True)

    async def read_chat(uri: str, parts: dict[str, str]) -> list[dict[str, Any]]:
        talker = unquote(parts["talker"])
        query = MessageQuery(talkers=(talker,), limit=RECENT_LIMIT, order="desc")
        page = await _guarded(lambda: store.messages(query))
        if not page.items:
            raise jsonrpc.JsonRpcError(
                jsonrpc.RESOURCE_NOT_FOUND,
                f"Resource not found: {uri} (no chat {talker!r} with messages)",
                {"uri": uri},
            )
        return _contents(uri, store, page.items[::-1], across=False)

    async def listed() -> list[dict[str, Any]]:
        try:
            sessions = await store.sessions(limit=LISTED_CHATS)
        except DataSourceError as error:
            logger.debug("chat resources not listed: %s", error)
            return []
        return [
            {
                "uri": chat_uri(session.user_name),
                "name": f"chat:{session.user_name}",
                "title": f"{session.nick_name or session.user_name}: recent messages",
                "description": f"The {RECENT_LIMIT} newest messages of this chat",
                "mimeType": MIME_TYPE,
            }
            for session in sessions.items
        ]

    everything = McpResource(
        ALL_CHATS_URI,
        "recent-messages",
        read_all,
        f"The {RECENT_LIMIT} newest messages across all chats (within the week up to the "
        "newest), oldest first. Subscribe to hear of new messages.",
        MIME_TYPE,
    )
    per_chat = ResourceTemplate(
        CHAT_TEMPLATE,
        "chat-recent-messages",
        read_chat,
        f"The {RECENT_LIMIT} newest messages of one chat, oldest first; talker is the chat's "
        "id (user name or …@chatroom, percent-encoded). Subscribe to hear of new messages.",
        MIME_TYPE,
    )
    return ResourceRegistry([everything], [per_chat], listed)


def _contents(
    uri: str, store: ChatStore, messages: list[Message], *, across: bool
) -> list[dict[str, Any]]:
    lines = [
        text_with_ref(message_text(message, FULL_TIME_FORMAT, show_talker=across), message)
        for message in messages
    ]
    text = "\n".join(lines) if lines else "No messages.\n"
    if store.is_demo:
        text = "[demo data: invented sample chats, not the user's WeChat history]\n" + text
    return [{"uri": uri, "mimeType": MIME_TYPE, "text": text}]


async def _guarded[T](call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except (DataSourceError, QueryError) as error:
        raise jsonrpc.JsonRpcError(jsonrpc.SERVER_ERROR, str(error)) from error
