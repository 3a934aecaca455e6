"""The WeChat chats the sessions window browses: a thin adapter over `server.wechat.store`.

It keeps one ChatStore per data directory (and key) and reopens it when the settings point
elsewhere, so the window does not care whether the server is running. The server is given the
same store, so each folder is opened (and, when encrypted, decrypted into memory) only once.

Before the settings switch to another folder or key, `check` opens the new store and reads
one page of chats on the store's threads; the settings dialog shows its error ("Wrong key for
this data") instead of applying, and on success the checked store is the one switched to.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from PySide6.QtCore import QCoreApplication

from server.api import (
    ChatStore,
    DataSourceError,
    EncryptedDatabaseError,
    KeyRing,
    Message,
    MessageQuery,
    Page,
    SearchSettings,
    ServerConfig,
    Session,
    WrongKeyError,
    open_store,
)

logger = logging.getLogger(__name__)

RECENT_MESSAGES = 50

# Where the chats come from: the folder and every key that opens it (the key field, a key
# file's per-database keys), compared by value to know whether the source changed.
Source = tuple[Path | None, SecretStr | None, tuple[tuple[str, SecretStr], ...]]


def source_of(config: ServerConfig) -> Source:
    return (config.data_dir, config.key, tuple(sorted(config.file_keys.items())))


class ChatSource:
    """Chat sessions and their recent messages, read-only, off the GUI thread."""

    def __init__(self, source: Source, search: SearchSettings | None = None) -> None:
        self._source: Source = source
        # The full-text index (docs/search.md), for every store this source opens.
        self._search = search or SearchSettings()
        self._store: ChatStore = _open(source, self._search)
        self._retired: list[ChatStore] = []
        self._before_switch: tuple[Source, ChatStore] | None = None  # what undo_switch restores
        # A store opened by `check`, waiting for the `switch` to its source.
        self._checked: tuple[Source, ChatStore] | None = None

    @property
    def store(self) -> ChatStore:
        return self._store

    @property
    def is_demo(self) -> bool:
        return self._store.is_demo

    @property
    def path(self) -> Path:
        return self._store.path

    def switch(self, source: Source) -> bool:
        """Read from `source` from now on; True if it changed."""
        if source == self._source:
            return False
        self._before_switch = (self._source, self._store)
        self._retired.append(self._store)
        checked, self._checked = self._checked, None
        if checked is not None and checked[0] == source:
            store = checked[1]
        else:
            if checked is not None:
                self._retired.append(checked[1])
            store = _open(source, self._search)
        self._source = source
        self._store = store
        return True

    def undo_switch(self) -> None:
        """Back to what the last `switch` left (the server could not be built on the new
        source): the window must show the data the server still serves."""
        if self._before_switch is None:
            return
        (source, store), self._before_switch = self._before_switch, None
        if store in self._retired:
            self._retired.remove(store)
        self._retired.append(self._store)
        self._source, self._store = source, store

    async def check(self, source: Source) -> DataSourceError | None:
        """Try `source` before switching to it: the error reading it, or None.

        Reads one page of chats on the new store's worker threads (the event loop, which is
        the GUI thread, only awaits). A store that worked is kept for the next `switch`.
        """
        if source == self._source or source[0] is None:
            return None
        if self._checked is not None:
            if self._checked[0] == source:
                return None
            self._retired.append(self._checked[1])
            self._checked = None
        store = _open(source, self._search)
        try:
            await store.sessions(None, 1, 0)
        except DataSourceError as error:
            await store.close()
            return error
        self._checked = (source, store)
        return None

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
        if self._checked is not None:
            self._retired.append(self._checked[1])
            self._checked = None
        await self._close_retired()
        await self._store.close()

    async def _close_retired(self) -> None:
        # Closed lazily: a query may still be running on the old store when the switch happens.
        while self._retired:
            await self._retired.pop().close()


def _open(source: Source, search: SearchSettings) -> ChatStore:
    data_dir, key, file_keys = source
    keys = KeyRing.from_texts(
        key.get_secret_value() if key else None,
        {name: value.get_secret_value() for name, value in file_keys},
    )
    return open_store(data_dir, keys, search)


def key_problem(error: DataSourceError) -> str | None:
    """A translated explanation when `error` is about the database key, else None."""
    if isinstance(error, WrongKeyError):
        return QCoreApplication.translate(
            "ChatSource",
            "Wrong key for this data: %1 does not decrypt with the database key. Check the "
            "key: it belongs to one WeChat account and changes when WeChat is reinstalled.",
        ).replace("%1", error.path.name)
    if isinstance(error, EncryptedDatabaseError):
        return QCoreApplication.translate(
            "ChatSource",
            "This WeChat data is encrypted: enter the account's database key "
            "(64 hexadecimal characters) to read it.",
        )
    return None
