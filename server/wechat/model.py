"""The unified model every layout's reader produces (chatlog's `internal/model`).

Plain frozen dataclasses: readers build thousands of them per query, so they stay cheap;
the API and the tools turn them into JSON with `server.wechat.serialize`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

CHAT_ROOM_SUFFIX = "@chatroom"
SYSTEM_SENDER = "系统消息"  # "system message": chatlog's sender for type 10000


class Layout(StrEnum):
    """Which WeChat generation wrote the data directory."""

    WINDOWS_V3 = "windows-v3"
    V4 = "v4"
    DARWIN_V3 = "darwin-v3"


def is_chat_room(user_name: str) -> bool:
    return user_name.endswith(CHAT_ROOM_SUFFIX)


@dataclass(frozen=True, slots=True)
class Session:
    """One row of the recent-chats list."""

    user_name: str
    order: int
    nick_name: str
    content: str
    time: datetime


@dataclass(frozen=True, slots=True)
class Contact:
    user_name: str
    alias: str = ""
    remark: str = ""
    nick_name: str = ""
    is_friend: bool = True

    @property
    def display_name(self) -> str:
        return self.remark or self.nick_name


@dataclass(frozen=True, slots=True)
class ChatRoomMember:
    user_name: str
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class ChatRoom:
    name: str
    owner: str = ""
    members: tuple[ChatRoomMember, ...] = ()
    remark: str = ""
    nick_name: str = ""

    @property
    def display_name(self) -> str:
        return self.remark or self.nick_name

    def member_display_name(self, user_name: str) -> str:
        for member in self.members:
            if member.user_name == user_name:
                return member.display_name
        return ""


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message after decoding, before display names are filled in.

    `type`/`sub_type` follow chatlog: the low/high halves of v4's 64-bit type, with an app
    message's `<appmsg><type>` as its sub type. `contents` holds what the rendering and media
    lookups need (md5 keys, paths, titles, urls, a parsed merged-forward record).
    """

    seq: int
    time: datetime
    talker: str
    sender: str
    is_self: bool
    type: int
    sub_type: int
    content: str
    contents: dict[str, Any] = field(default_factory=dict)
    refer: Message | None = None
    talker_name: str = ""
    sender_name: str = ""

    @property
    def is_chat_room(self) -> bool:
        return is_chat_room(self.talker)
