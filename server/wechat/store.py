"""`ChatStore`: the async face of the WeChat data for the rest of the app.

Every SQLite call runs on the store's own thread pool, never on the event loop (which is the
GUI thread under qasync). Errors reach callers as `DataSourceError` (the data cannot be read;
keep serving and show the message) or `QueryError` (bad arguments).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from server.resources import resource_path
from server.wechat.budget import QueryBudget
from server.wechat.connections import ConnectionPool
from server.wechat.crypto.keys import Keys
from server.wechat.errors import (
    DatabaseCorruptError,
    DataSourceError,
    QueryCancelledError,
    StoreClosedError,
)
from server.wechat.layout import DataDir, detect
from server.wechat.model import ChatRoom, Contact, Message, Session
from server.wechat.query import ChatQueries, MessageQuery, Page
from server.wechat.readers import reader_for
from server.wechat.search.service import SearchService, SearchSettings, default_directory
from server.wechat.unreadable import UnreadableFiles

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 100
WORKER_THREADS = 4
# Seconds one query may run before it is stopped with a clear error. The slowest legitimate
# query measured (a keyword across every chat of a 1,000,000-message store) takes under 2 s
# (docs/benchmarks.md); a runaway one must not hold a worker thread for longer than this.
QUERY_TIME_BUDGET = 15.0


def demo_data_dir() -> Path:
    """The demo data set shipped with the app (WeChat 4.x layout)."""
    return resource_path("demo")


class ChatStore:
    """Read-only access to one WeChat data directory (or the demo data)."""

    def __init__(
        self,
        path: Path,
        *,
        demo: bool = False,
        key: Keys | None = None,
        time_budget: float = QUERY_TIME_BUDGET,
        search: SearchSettings | None = None,
    ) -> None:
        self._path = path
        self._time_budget = time_budget
        # The budgets of the queries in flight, so that close() can call them all off.
        self._budgets: set[QueryBudget] = set()
        self._demo = demo
        # With a key, encrypted databases are read in place (decrypted in memory only).
        # Files that could not be read, shared by the pool and the queries (for /health).
        self._unreadable = UnreadableFiles()
        self._pool = ConnectionPool(key, self._unreadable)
        self._key = key
        # The full-text index (off unless asked for): built after the data opens.
        self._search_settings = search or SearchSettings(enabled=False)
        self._search: SearchService | None = None
        self._executor = ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="wechat-db")
        self._queries: ChatQueries | None = None
        self._data_dir: DataDir | None = None
        self._error: str | None = None
        self._closed = False
        self._open_lock = threading.Lock()
        # Layout detection touches the file system: it runs on a worker thread right away, so
        # `status()` (called on the event loop, e.g. by /health) only reads what it found.
        self._opening: Future[None] = self._executor.submit(self._open_quietly)

    @property
    def is_demo(self) -> bool:
        return self._demo

    @property
    def path(self) -> Path:
        return self._path

    def _open(self) -> ChatQueries:
        # Detection is retried on every call until it succeeds, so a directory that appears
        # (or gets decrypted) later is picked up without a restart.
        with self._open_lock:
            if self._queries is None:
                self._data_dir = detect(self._path)
                self._queries = ChatQueries(
                    reader_for(self._data_dir, self._pool), self._unreadable
                )
                logger.info("reading WeChat %s data from %s", self._data_dir.layout, self._path)
                self._start_search(self._queries, self._data_dir)
            return self._queries

    def _start_search(self, queries: ChatQueries, data_dir: DataDir) -> None:
        settings = self._search_settings
        if not settings.enabled or self._closed:
            return
        directory = settings.directory or default_directory()
        self._search = SearchService(data_dir.root, str(data_dir.layout), self._key, directory)
        queries.index = self._search

        def known() -> list[str]:
            names = queries.directory()
            return [*names.contacts, *names.rooms]

        self._search.start(queries.reader, known)

    def _open_quietly(self) -> None:
        try:
            self._open()
        except DataSourceError as error:
            self._error = str(error)
        except Exception:  # never leave the opening future with an unexpected error unseen
            logger.exception("opening %s failed", self._path)
            raise

    async def ready(self) -> None:
        """Wait until the first look at the data directory is done (see `status()`)."""
        await asyncio.wrap_future(self._opening)

    async def _run[T](self, call: Callable[[ChatQueries], T]) -> T:
        if self._closed:
            raise StoreClosedError()

        budget = QueryBudget(self._time_budget)

        def job() -> T:
            with budget.running():
                try:
                    result = call(self._open())
                except sqlite3.Error as error:
                    budget.check()  # an interrupted statement: over time or called off
                    # Damage found mid-file (the header was fine when the file was opened).
                    failure = DatabaseCorruptError(str(error))
                    self._error = str(failure)
                    raise failure from error
                except DataSourceError as error:
                    self._error = str(error)
                    raise
            self._error = None
            return result

        self._budgets.add(budget)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, job)
        except asyncio.CancelledError:
            budget.cancel()  # the caller is gone: the worker thread stops at its next check
            task = asyncio.current_task()
            if self._closed and task is not None and not task.cancelling():
                # Not our caller's cancellation: close() dropped the job before it ran.
                raise StoreClosedError() from None
            raise
        except QueryCancelledError:
            raise StoreClosedError() from None  # only close() cancels a query still awaited
        finally:
            self._budgets.discard(budget)

    async def sessions(
        self, keyword: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[Session]:
        """Recent chats, newest first; `keyword` matches the chat's id or name."""
        return await self._run(lambda q: q.sessions(keyword or "", limit, offset))

    async def contacts(
        self, keyword: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[Contact]:
        """Contacts by user name; `keyword` matches id, alias, remark or nickname."""
        return await self._run(lambda q: q.contacts(keyword or "", limit, offset))

    async def chatrooms(
        self, keyword: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
    ) -> Page[ChatRoom]:
        """Group chats with their members; `keyword` matches id, remark or name."""
        return await self._run(lambda q: q.chat_rooms(keyword or "", limit, offset))

    async def messages(self, query: MessageQuery | None = None, **fields: Any) -> Page[Message]:
        """Messages oldest first. Pass a `MessageQuery` or its fields as keywords.

        Raises:
            QueryError: invalid keyword regex.
            DataSourceError: the data could not be read.
        """
        chosen = query or MessageQuery(**fields)
        return await self._run(functools.partial(ChatQueries.messages, query=chosen))

    async def run_on_data[T](self, call: Callable[[DataDir, ConnectionPool], T]) -> T:
        """Run `call` on a worker thread with the data directory and its read-only connections
        (the media lookups, server/wechat/media/)."""

        def job(_queries: ChatQueries) -> T:
            assert self._data_dir is not None  # set by _open(), which _run calls first
            return call(self._data_dir, self._pool)

        return await self._run(job)

    async def read[T](self, call: Callable[[ChatQueries], T]) -> T:
        """Run `call` on a worker thread with the data's queries (the change feed's looks,
        server/wechat/changes.py), under the same time budget and errors as every query."""
        return await self._run(call)

    def status(self) -> dict[str, Any]:
        """For /health: demo flag, layout, path and whether the last access worked.

        Cheap and non-blocking (no file system access): it reports what the worker threads
        found. Right after opening, before detection has finished, the state is "opening".
        """
        if self._error:
            state, message = "error", self._error
        elif self._data_dir is None:
            state, message = "opening", "reading the data directory"
        else:
            state, message = "ok", "demo data" if self._demo else "ok"
        if self._search is not None:
            search = self._search.status()
        else:  # asked for but the data is not open yet: it will be built once it is
            wanted = self._search_settings.enabled and not self._closed and not self._error
            search = {"state": "building" if wanted else "off", "indexed": 0, "total": 0}
        return {
            "search": search,
            "demo": self._demo,
            "layout": str(self._data_dir.layout) if self._data_dir else None,
            "path": str(self._path),
            "state": state,
            "message": message,
            # Each file skipped until it changes, and why (docs/isolation.md).
            "unreadable": [
                {"file": entry.path.name, "path": str(entry.path), "reason": entry.reason}
                for entry in self._unreadable.snapshot()
            ],
        }

    async def close(self) -> None:
        """Stop the worker threads and close every database connection."""
        if self._closed:
            return
        self._closed = True
        for budget in list(self._budgets):
            budget.cancel()  # running queries end at their next check, so shutdown is prompt
        await asyncio.get_running_loop().run_in_executor(None, self._shutdown)

    def _shutdown(self) -> None:
        if self._search is not None:
            self._search.close()
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._pool.close()


def open_store(
    data_dir: Path | None, key: Keys | None = None, search: SearchSettings | None = None
) -> ChatStore:
    """A store over `data_dir`, or over the shipped demo data when it is None; `key` opens
    encrypted databases.

    Never raises for a bad directory: the error shows in `status()` and in each query.
    """
    if data_dir is None:
        return ChatStore(demo_data_dir(), demo=True, search=search)
    return ChatStore(data_dir.expanduser(), key=key, search=search)
