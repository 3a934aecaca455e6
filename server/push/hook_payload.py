"""Which new messages a webhook wants, and the JSON body it receives.

The body has chatlog's shape, so receivers written for chatlog's webhooks keep working
(docs/webhooks.md): `{talker, sender, keyword, lastTime, length, messages}`, where `talker`,
`sender` and `keyword` echo the hook's filters, `lastTime` is the newest message's local time
as `YYYY-MM-DD HH:MM:SS`, and each message is the API's message object with its `content`
rendered as one line of text, as chatlog sent it (a picture, voice, video or file names its
reference for `/api/v1/media/<ref>`: `[图片 ref=…]`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.push.feed import FeedMessage
from server.push.hook_config import WebhookConfig
from server.wechat.keyword import KeywordPattern
from server.wechat.render import FULL_TIME_FORMAT, body_text
from server.wechat.serialize import message_json


class HookFilter:
    """A hook's filters, compiled once: `wants(message)` is called for every new message."""

    __slots__ = ("_keyword", "_senders", "_talkers")

    def __init__(self, config: WebhookConfig) -> None:
        self._talkers = frozenset(name.casefold() for name in config.talkers)
        self._senders = frozenset(name.casefold() for name in config.senders)
        # The config validated the pattern already.
        self._keyword = KeywordPattern(config.keyword) if config.keyword else None

    def wants(self, message: FeedMessage) -> bool:
        if self._talkers and not _named(self._talkers, message.talker, message.talker_name):
            return False
        if self._senders and not _named(self._senders, message.sender, message.sender_name):
            return False
        # The text a keyword query matches (server/wechat/query.py), without media references.
        return self._keyword is None or self._keyword.search(body_text(message.message))


def _named(names: frozenset[str], user_name: str, display_name: str) -> bool:
    # A chat or a person is named by its id (wxid_…, …@chatroom) or the name the user sees.
    return user_name.casefold() in names or (
        bool(display_name) and display_name.casefold() in names
    )


def message_body(message: FeedMessage) -> dict[str, Any]:
    body = message_json(message.message)
    body["content"] = message.text
    return body


def payload(config: WebhookConfig, messages: Sequence[FeedMessage]) -> dict[str, Any]:
    """The JSON object POSTed for `messages` (oldest first, at least one)."""
    last = messages[-1].time.astimezone().strftime(FULL_TIME_FORMAT)
    return {
        "talker": config.talker,
        "sender": config.sender,
        "keyword": config.keyword,
        "lastTime": last,
        "length": len(messages),
        "messages": [message_body(message) for message in messages],
    }
