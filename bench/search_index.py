"""Bench the full-text index against the scan on a generated 1,000,000-message 4.x store.

    .venv/bin/python -m bench.search_index --messages 1000000 --repeat 30 [--encrypted]

Uses the store `bench/data_queries.py` generates (bench/results/, git-ignored), builds the
index from scratch into bench/results/search-index/ (timed, with its size on disk), then runs
the same keyword queries through one store with the index and one without, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import time
from contextlib import closing
from pathlib import Path

from bench.data_queries import RESULTS, TOOL_LIMIT, measure
from devtools.demo import generate
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.search.service import SearchSettings
from server.wechat.store import ChatStore, open_store
from server.wechat.timerange import parse_time_range

QUERIES = [  # (label, keyword, talker)
    ("keyword '火锅' across all chats, one year", "火锅", None),
    ("keyword '火' (one character) across all chats, one year", "火", None),
    ("keyword 'deadline' (Latin, case-exact terms) across all chats", "deadline", None),
    ("one talker + keyword '火锅', one year", "火锅", "wxid_alice01"),
]


def _size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.iterdir())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--encrypted",
        action="store_true",
        help="key the index (SQLCipher) as for an encrypted source; the store stays plain",
    )
    args = parser.parse_args()
    root = RESULTS / f"store-{args.messages}"
    if not (root / "db_storage").exists():
        generate(root, Layout.V4, messages=args.messages, shards=4, talkers=200)
    index_dir = RESULTS / "search-index"
    shutil.rmtree(index_dir, ignore_errors=True)
    began = time.perf_counter()
    key = DatabaseKey("5a" * 32) if args.encrypted else None
    store = open_store(root, key, SearchSettings(directory=index_dir))
    for _ in range(6000):  # at most 20 minutes
        if store.status()["search"]["state"] != "building":
            break
        await asyncio.sleep(0.2)
    built = time.perf_counter() - began
    status = store.status()["search"]
    print(f"index {status}: built in {built:.1f} s, {_size(index_dir) / 2**20:.1f} MiB on disk")
    plain = open_store(root)
    year = parse_time_range("2024")
    print("| query | index p50 ms | index p99 ms | scan p50 ms | scan p99 ms | total | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, keyword, talker in QUERIES:
        query = MessageQuery(
            time=year,
            talkers=(talker,) if talker else (),
            keyword=keyword,
            limit=TOOL_LIMIT,
            order="desc",
        )
        fast = await store.messages(query)
        slow = await plain.messages(query)
        assert (fast.items, fast.total) == (slow.items, slow.total), label

        async def with_index(q: MessageQuery = query) -> int:
            return (await store.messages(q)).total

        async def with_scan(q: MessageQuery = query) -> int:
            return (await plain.messages(q)).total

        i50, i99, total = await measure(with_index, args.repeat)
        s50, s99, _ = await measure(with_scan, max(3, args.repeat // 6))
        print(
            f"| {label}, limit {TOOL_LIMIT} | {i50:.1f} | {i99:.1f} | {s50:.1f} | {s99:.1f}"
            f" | {total} | {s50 / i50:.0f}x |"
        )
    await _catch_up(root, store, args.repeat)
    await store.close()
    await plain.close()


async def _catch_up(root: Path, store: ChatStore, repeat: int) -> None:
    """The first keyword query after WeChat wrote one message to the newest shard: the index
    re-reads that shard from ten minutes before its newest message, then answers. The rows
    written here are deleted again afterwards, so the stored bench data stays as generated."""
    shard = max((root / "db_storage" / "message").glob("message_[0-9]*.db"))
    query = MessageQuery(keyword="火锅", limit=TOOL_LIMIT, order="desc")
    first_answers: list[float] = []
    with closing(sqlite3.connect(shard)) as writer:
        tables = [
            name
            for (name,) in writer.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'Msg\\_%' ESCAPE '\\'"
                " AND type = 'table' ORDER BY name"
            )
        ]
        table = tables[0]
        newest = max(
            writer.execute(f"SELECT max(create_time) FROM {name}").fetchone()[0] or 0
            for name in tables
        )
        try:
            for number in range(repeat):
                writer.execute(
                    f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id,"
                    " create_time, status, message_content) VALUES (?, 1, ?, 1, ?, 2, ?)",
                    (
                        990_000_000 + number,
                        (newest + 1 + number) * 1000,
                        newest + 1 + number,
                        f"刚到的火锅消息 {number}",
                    ),
                )
                writer.commit()
                began = time.perf_counter()
                answer = await store.messages(query)
                first_answers.append((time.perf_counter() - began) * 1000)
                assert answer.items[0].content.endswith(f" {number}"), "the new message first"
        finally:
            writer.execute(f"DELETE FROM {table} WHERE server_id >= 990000000")
            writer.commit()
    first_answers.sort()
    print(
        f"| first keyword query after one new message in {shard.name} (catch-up + answer)"
        f" | {statistics.median(first_answers):.1f}"
        f" | {first_answers[int(len(first_answers) * 0.99) - 1]:.1f} | | | | |"
    )


if __name__ == "__main__":
    asyncio.run(main())
