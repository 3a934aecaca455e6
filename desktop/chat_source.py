"""The WeChat chats the sessions window browses: a thin adapter over `server.wechat.store`.

It keeps one ChatStore per data directory (and key) and reopens it when the settings point
elsewhere, so the window does not care whether the server is running. The server is given the
same store, so each folder is opened (and, when encrypted, decrypted into memory) only once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from server.wechat.crypto.keys import DatabaseKey
from server.wechat.model import Message, Session
from server.wechat.query import MessageQuery, Page
from server.wechat.store import ChatStore, open_store

logger = logging.getLogger(__name__)

RECENT_MESSAGES = 50


class ChatSource:
    """Chat sessions and their recent messages, read-only, off the GUI thread."""

    def __init__(self, data_dir: Path | None, key: SecretStr | None = None) -> None:
        self._source = (data_dir, key)
        self._store: ChatStore = _open(data_dir, key)
        self._retired: list[ChatStore] = []

    @property
    def store(self) -> ChatStore:
        return self._store

    @property
    def is_demo(self) -> bool:
        return self._store.is_demo

    @property
    def path(self) -> Path:
        return self._store.path

    def switch(self, data_dir: Path | None, key: SecretStr | None = None) -> bool:
        """Read from `data_dir` (with `key`) from now on; True if it changed."""
        if (data_dir, key) == self._source:
            return False
        self._retired.append(self._store)
        self._source = (data_dir, key)
        self._store = _open(data_dir, key)
        return True

    def status(self) -> dict[str, Any]:
        return self._store.status()

    async def sessions(self, keyword: str, limit: int, offset: int) -> Page[Session]:
        await self._close_retired()
        return await self._store.sessions(keyword or None, limit, offset)

    async def recent_messages(self, talker: str, limit: int = RECENT_MESSAGES) -> list[Message]:
        """The last `limit` messages of one chat, oldest first."""
        store = self._store
        total = (await store.messages(MessageQuery(talkers=(talker,), limit=1))).total
        offset = max(0, total - limit)
        page = await store.messages(MessageQuery(talkers=(talker,), limit=limit, offset=offset))
        return page.items

    async def close(self) -> None:
        await self._close_retired()
        await self._store.close()

    async def _close_retired(self) -> None:
        # Closed lazily: a query may still be running on the old store when the switch happens.
        while self._retired:
            await self._retired.pop().close()


def _open(data_dir: Path | None, key: SecretStr | None) -> ChatStore:
    return open_store(data_dir, DatabaseKey(key.get_secret_value()) if key else None)
