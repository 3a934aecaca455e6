"""Bench the WeChat data layer on a generated 1,000,000-message 4.x store.

    .venv/bin/python bench/data_queries.py [--messages 1000000] [--repeat 30]

Each query runs through `ChatStore` (thread pool, decoding, rendering, name resolution) and,
side by side, as the raw SQLite query returning the same rows, in the same run. The store is
generated once into bench/results/ (git-ignored) and reused while its parameters match.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from devtools.demo import generate
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.readers.base import talker_hash
from server.wechat.store import open_store
from server.wechat.timerange import parse_time_range

RESULTS = Path(__file__).resolve().parent / "results"
TALKER = "wxid_alice01"
DAY = "2024-06-12"
KEYWORD = "火锅"
TOOL_LIMIT = 50  # query_chat_log's default page


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def raw_messages(
    root: Path, talkers: list[str] | None, start: int, end: int, keyword: str | None, limit: int = 0
) -> int:
    """The plain SQL a hand-written reader would run: every shard, every matching table.

    With `limit`, it returns the first `limit` rows in time order (per-table LIMIT, shards in
    time order, stopping once a page is full) plus the exact total (a COUNT per table), which
    is what a page with an "N more" hint needs.
    """
    found: list[tuple[object, ...]] = []
    total = 0
    for shard in sorted((root / "db_storage" / "message").glob("message_*.db")):
        db = _connection(shard)
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        names = talkers or [n for (n,) in db.execute("SELECT user_name FROM Name2Id")]
        page: list[tuple[object, ...]] = []
        for name in names:
            table = f"Msg_{talker_hash(name)}"
            if table not in tables:
                continue
            where = " WHERE m.create_time BETWEEN ? AND ?"
            params: list[object] = [start, end]
            if keyword:
                where += " AND instr(m.message_content, ?) > 0"
                params.append(keyword)
            sql = (
                f"SELECT m.create_time, m.sort_seq, m.local_type, n.user_name, m.message_content"
                f" FROM [{table}] m LEFT JOIN Name2Id n ON m.real_sender_id = n.rowid"
                f"{where} ORDER BY m.sort_seq"
            )
            if not limit:
                found.extend(db.execute(sql, params).fetchall())
                continue
            if len(found) < limit:
                page.extend(db.execute(sql + " LIMIT ?", [*params, limit]).fetchall())
            total += db.execute(f"SELECT count(*) FROM [{table}] m{where}", params).fetchone()[0]
        found.extend(sorted(page, key=lambda row: (row[0], row[1]))[: max(0, limit - len(found))])
    return len(found)


_CONNECTIONS: dict[Path, sqlite3.Connection] = {}


def _connection(path: Path) -> sqlite3.Connection:
    # Reused, like the store's connections, so both sides pay for queries only.
    if path not in _CONNECTIONS:
        _CONNECTIONS[path] = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    return _CONNECTIONS[path]


def raw_sessions(root: Path) -> int:
    db = _connection(root / "db_storage" / "session" / "session.db")
    rows = db.execute(
        "SELECT username, summary, last_timestamp, last_sender_display_name FROM SessionTable"
        " ORDER BY sort_timestamp DESC LIMIT 30"
    ).fetchall()
    return len(rows)


async def measure(
    call: Callable[[], Awaitable[int] | int], repeat: int
) -> tuple[float, float, int]:
    samples, rows = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        rows = await result if not isinstance(result, int) else result
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), percentile(samples, 0.99), rows


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    root = RESULTS / f"store-{args.messages}"
    if not (root / "db_storage").exists():
        began = time.perf_counter()
        generate(root, Layout.V4, messages=args.messages, shards=4, talkers=200)
        print(f"generated {args.messages:,} messages in {time.perf_counter() - began:.0f} s")
    store = open_store(root)
    day, year = parse_time_range(DAY), parse_time_range("2024")
    slow = max(3, args.repeat // 6)

    async def sessions() -> int:
        return len((await store.sessions(limit=30)).items)

    async def one_day() -> int:
        return len((await store.messages(MessageQuery(time=day, talkers=(TALKER,), limit=0))).items)

    async def talker_keyword(limit: int) -> int:
        query = MessageQuery(time=year, talkers=(TALKER,), keyword=KEYWORD, limit=limit)
        return len((await store.messages(query)).items)

    async def everywhere(limit: int) -> int:
        query = MessageQuery(time=year, keyword=KEYWORD, limit=limit)
        return len((await store.messages(query)).items)

    def raw_keyword(talkers: list[str] | None, limit: int) -> Callable[[], int]:
        return lambda: raw_messages(root, talkers, year.start_unix, year.end_unix, KEYWORD, limit)

    cases = [
        ("recent sessions (30)", sessions, lambda: raw_sessions(root), args.repeat),
        (
            f"one talker, one day ({DAY})",
            one_day,
            lambda: raw_messages(root, [TALKER], day.start_unix, day.end_unix, None),
            args.repeat,
        ),
    ]
    for limit in (0, TOOL_LIMIT):
        shown = "all rows" if limit == 0 else f"limit {limit}"
        cases += [
            (
                f"one talker + keyword '{KEYWORD}', one year, {shown}",
                functools.partial(talker_keyword, limit),
                raw_keyword([TALKER], limit),
                args.repeat,
            ),
            (
                f"keyword '{KEYWORD}' across all chats, one year, {shown}",
                functools.partial(everywhere, limit),
                raw_keyword(None, limit),
                slow,
            ),
        ]
    await one_day()  # warm the contact directory and connections, as a running app would be
    print(
        "| query | store p50 ms | store p99 ms | rows | raw SQLite p50 ms | raw p99 ms"
        " | raw rows | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, ours, raw, repeat in cases:
        p50, p99, rows = await measure(ours, repeat)
        raw50, raw99, raw_rows = await measure(raw, repeat)
        print(
            f"| {name} | {p50:.1f} | {p99:.1f} | {rows} | {raw50:.1f} | {raw99:.1f} | "
            f"{raw_rows} | {p50 / raw50:.2f}x |"
        )
    await store.close()


if __name__ == "__main__":
    asyncio.run(main())
