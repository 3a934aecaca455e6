"""Read-only access to local WeChat data (Windows 3.x, 4.x, macOS 3.x); Qt-free.

The rest of the app uses `open_store` and `ChatStore`; everything else here is the machinery.
"""

from __future__ import annotations

from server.wechat.errors import DataSourceError, QueryError
from server.wechat.model import ChatRoom, ChatRoomMember, Contact, Layout, Message, Session
from server.wechat.query import MessageQuery, Page
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import TimeRange, parse_time_range

__all__ = [
    "ChatRoom",
    "ChatRoomMember",
    "ChatStore",
    "Contact",
    "DataSourceError",
    "Layout",
    "Message",
    "MessageQuery",
    "Page",
    "QueryError",
    "Session",
    "TimeRange",
    "open_store",
    "parse_time_range",
]
