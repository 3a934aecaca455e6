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
import time
from pathlib import Path

from bench.data_queries import RESULTS, TOOL_LIMIT, measure
from devtools.demo import generate
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.search.service import SearchSettings
from server.wechat.store import open_store
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
    await store.close()
    await plain.close()


if __name__ == "__main__":
    asyncio.run(main())
