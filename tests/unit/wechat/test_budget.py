"""A query's time budget and cancel flag stop it, in Python loops and inside SQLite alike."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.demo import generate
from server.wechat.budget import QueryBudget, check
from server.wechat.connections import ConnectionPool
from server.wechat.errors import QueryCancelledError, QueryTimeoutError
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore

# Counts to a trillion: SQLite would run for hours unless something interrupts it.
RUNAWAY_SQL = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000000)"
    " SELECT count(*) FROM n"
)


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as created:
        created.execute("CREATE TABLE t (x)")
    created.close()
    pool = ConnectionPool()
    yield pool.connect(path)
    pool.close()


def test_a_fresh_budget_lets_the_query_run() -> None:
    with QueryBudget(5).running():
        check()


def test_running_over_time_raises_a_timeout_that_says_how_long() -> None:
    with QueryBudget(0.01).running(), pytest.raises(QueryTimeoutError, match=r"0\.01 s"):
        time.sleep(0.02)
        check()


def test_a_budget_cancelled_before_it_runs_stops_at_once() -> None:
    budget = QueryBudget(5)
    budget.cancel()
    with pytest.raises(QueryCancelledError), budget.running():
        pass


def test_no_budget_outside_a_query() -> None:
    check()  # nothing to check: no query runs on this thread


def test_sqlite_interrupts_a_runaway_statement_when_time_is_up(
    connection: sqlite3.Connection,
) -> None:
    started = time.monotonic()
    with QueryBudget(0.1).running(), pytest.raises(sqlite3.OperationalError, match="interrupt"):
        connection.execute(RUNAWAY_SQL).fetchone()
    assert time.monotonic() - started < 10  # not hours (normally 0.1 s)


def test_sqlite_interrupts_a_statement_cancelled_from_another_thread(
    connection: sqlite3.Connection,
) -> None:
    budget = QueryBudget(3600)
    threading.Timer(0.1, budget.cancel).start()
    started = time.monotonic()
    with budget.running(), pytest.raises(sqlite3.OperationalError, match="interrupt"):
        connection.execute(RUNAWAY_SQL).fetchone()
    assert time.monotonic() - started < 10  # not hours, nor the budget's hour (normally 0.1 s)


def test_the_connection_is_usable_after_an_interruption(connection: sqlite3.Connection) -> None:
    with QueryBudget(0.05).running(), pytest.raises(sqlite3.OperationalError):
        connection.execute(RUNAWAY_SQL).fetchone()
    assert connection.execute("SELECT 1").fetchone() == (1,)


@pytest.fixture(scope="module")
def big_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("budget-store")
    generate(root, Layout.V4, messages=40_000)
    return root


@pytest.mark.asyncio
async def test_a_query_over_its_budget_ends_with_a_clear_error(big_store_dir: Path) -> None:
    store = ChatStore(big_store_dir, time_budget=0.05)
    try:
        with pytest.raises(QueryTimeoutError, match=r"more than 0\.05 s"):
            await store.messages(MessageQuery(keyword="(.*.*)*(@)", limit=0))
        assert store.status()["state"] == "ok"  # the data source is fine
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_cancelled_query_frees_its_worker_thread(big_store_dir: Path) -> None:
    store = ChatStore(big_store_dir, time_budget=3600)
    await store.ready()
    try:
        queries = [
            asyncio.ensure_future(store.messages(MessageQuery(keyword="火锅|hotpot", limit=0)))
            for _ in range(8)  # more than the store's worker threads
        ]
        await asyncio.sleep(0.05)
        for query in queries:
            query.cancel()
        started = time.monotonic()
        page = await store.sessions(limit=1)  # needs a free worker thread
        # Not held up by the cancelled queries, which would run for their hour (normally 20 ms).
        assert page.items and time.monotonic() - started < 5
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_closing_the_store_stops_running_queries(big_store_dir: Path) -> None:
    store = ChatStore(big_store_dir, time_budget=3600)
    await store.ready()
    queries = [
        asyncio.ensure_future(store.messages(MessageQuery(keyword="火锅|hotpot", limit=0)))
        for _ in range(8)
    ]
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await store.close()
    assert time.monotonic() - started < 5  # not the queries' hour (normally 20 ms)
    for query in queries:
        with pytest.raises(Exception, match="closed"):
            await query
