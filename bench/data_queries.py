"""Bench the WeChat data layer on a generated 1,000,000-message 4.x store.

    .venv/bin/python bench/data_queries.py [--messages 1000000] [--repeat 30]

Each query runs through `ChatStore` (thread pool, decoding, rendering, name resolution) and,
side by side, as the raw SQLite query returning the same rows, in the same run. The store is
generated once into bench/results/ (git-ignored) and reused while its parameters match.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from server.wechat import MessageQuery, open_store, parse_time_range
from server.wechat.demo import generate
from server.wechat.model import Layout
from server.wechat.readers.base import talker_hash

RESULTS = Path(__file__).resolve().parent / "results"
TALKER = "wxid_alice01"
DAY = "2024-06-12"
KEYWORD = "火锅"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def raw_messages(root: Path, talkers: list[str] | None, start: int, end: int,
                 keyword: str | None) -> int:  # fmt: skip
    """The plain SQL a hand-written reader would run: every shard, every matching table."""
    rows = 0
    for shard in sorted((root / "db_storage" / "message").glob("message_*.db")):
        db = _connection(shard)
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        names = talkers or [n for (n,) in db.execute("SELECT user_name FROM Name2Id")]
        for name in names:
            table = f"Msg_{talker_hash(name)}"
            if table not in tables:
                continue
            sql = (f"SELECT m.sort_seq, m.local_type, n.user_name, m.create_time, m.message_content"
                   f" FROM [{table}] m LEFT JOIN Name2Id n ON m.real_sender_id = n.rowid"
                   " WHERE m.create_time BETWEEN ? AND ?")  # fmt: skip
            params: list[object] = [start, end]
            if keyword:
                sql += " AND instr(m.message_content, ?) > 0"
                params.append(keyword)
            rows += len(db.execute(sql + " ORDER BY m.sort_seq", params).fetchall())
    return rows


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

    async def talker_keyword() -> int:
        query = MessageQuery(time=year, talkers=(TALKER,), keyword=KEYWORD, limit=0)
        return len((await store.messages(query)).items)

    async def everywhere() -> int:
        return len((await store.messages(MessageQuery(time=year, keyword=KEYWORD, limit=0))).items)

    cases = [
        ("recent sessions (30)", sessions, lambda: raw_sessions(root), args.repeat),
        (f"one talker, one day ({DAY})", one_day,
         lambda: raw_messages(root, [TALKER], day.start_unix, day.end_unix, None), args.repeat),
        (f"one talker + keyword '{KEYWORD}', one year", talker_keyword,
         lambda: raw_messages(root, [TALKER], year.start_unix, year.end_unix, KEYWORD),
         args.repeat),
        (f"keyword '{KEYWORD}' across all chats, one year", everywhere,
         lambda: raw_messages(root, None, year.start_unix, year.end_unix, KEYWORD), slow),
    ]  # fmt: skip
    await one_day()  # warm the contact directory and connections, as a running app would be
    print(
        "| query | store p50 ms | store p99 ms | rows | raw SQLite p50 ms | raw p99 ms"
        " | raw rows | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, ours, raw, repeat in cases:
        p50, p99, rows = await measure(ours, repeat)
        raw50, raw99, raw_rows = await measure(raw, repeat)
        print(f"| {name} | {p50:.1f} | {p99:.1f} | {rows} | {raw50:.1f} | {raw99:.1f} | "
              f"{raw_rows} | {p50 / raw50:.2f}x |")  # fmt: skip
    await store.close()


if __name__ == "__main__":
    asyncio.run(main())
