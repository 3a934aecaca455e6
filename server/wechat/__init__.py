"""Read-only access to local WeChat data (Windows 3.x, 4.x, macOS 3.x); Qt-free.

The rest of the app uses `open_store` and `ChatStore`; everything else here is the machinery.
The names below are loaded on first use, so that importing one small module of the package
(the key check of `server.config`, say) does not load the readers and their libraries.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.wechat.errors import DataSourceError, QueryError
    from server.wechat.model import ChatRoom, ChatRoomMember, Contact, Layout, Message, Session
    from server.wechat.query import MessageQuery, Page
    from server.wechat.store import ChatStore, open_store
    from server.wechat.timerange import TimeRange, parse_time_range

_HOMES = {
    "DataSourceError": "errors",
    "QueryError": "errors",
    "ChatRoom": "model",
    "ChatRoomMember": "model",
    "Contact": "model",
    "Layout": "model",
    "Message": "model",
    "Session": "model",
    "MessageQuery": "query",
    "Page": "query",
    "ChatStore": "store",
    "open_store": "store",
    "TimeRange": "timerange",
    "parse_time_range": "timerange",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
