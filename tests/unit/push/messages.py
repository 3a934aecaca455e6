"""Messages as the change feed hands them over, for the webhook tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.push.feed import FeedMessage, feed_message
from server.wechat.model import Message

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def text_message(
    seq: int,
    content: str,
    *,
    talker: str = "family@chatroom",
    talker_name: str = "Family",
    sender: str = "wxid_mum",
    sender_name: str = "Mum",
) -> FeedMessage:
    message = Message(
        seq=seq,
        time=START + timedelta(seconds=seq),
        talker=talker,
        sender=sender,
        is_self=False,
        type=1,
        sub_type=0,
        content=content,
        talker_name=talker_name,
        sender_name=sender_name,
    )
    return feed_message(seq, message)
