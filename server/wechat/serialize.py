"""The model as JSON objects with chatlog's field names (so its HTTP clients keep working), and
the CSV that the API and the tools write for contacts and rooms."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from server.wechat.model import ChatRoom, Contact, Message, Session


def session_json(session: Session) -> dict[str, Any]:
    return {
        "userName": session.user_name,
        "nOrder": session.order,
        "nickName": session.nick_name,
        "content": session.content,
        "nTime": session.time.isoformat(),
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {
        "userName": contact.user_name,
        "alias": contact.alias,
        "remark": contact.remark,
        "nickName": contact.nick_name,
        "isFriend": contact.is_friend,
    }


def chat_room_json(room: ChatRoom) -> dict[str, Any]:
    return {
        "name": room.name,
        "owner": room.owner,
        "users": [{"userName": m.user_name, "displayName": m.display_name} for m in room.members],
        "remark": room.remark,
        "nickName": room.nick_name,
    }


def message_json(message: Message) -> dict[str, Any]:
    result: dict[str, Any] = {
        "seq": message.seq,
        "time": message.time.isoformat(),
        "talker": message.talker,
        "talkerName": message.talker_name,
        "isChatRoom": message.is_chat_room,
        "sender": message.sender,
        "senderName": message.sender_name,
        "isSelf": message.is_self,
        "type": message.type,
        "subType": message.sub_type,
        "content": message.content,
    }
    contents = dict(message.contents)
    if message.refer is not None:
        contents["refer"] = message_json(message.refer)
    if contents:
        result["contents"] = contents
    return result


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Properly quoted CSV with `\n` line ends (chatlog wrote unescaped comma lines)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
