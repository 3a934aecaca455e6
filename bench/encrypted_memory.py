"""Peak memory and first-answer time of the in-place mode, plain and encrypted (issue 12).

    .venv/bin/python bench/encrypted_memory.py --messages 1000000 [--before-tree DIR]

Generates a WeChat 4.x store (4 shards) into bench/results/ (git-ignored) and its encrypted
twin, written by SQLCipher 4 (`sqlcipher3`, a dev dependency) in WeChat 4.x's format, as the
tests' fixtures are. Each measurement runs in a fresh child process, so its peak RSS
(VmHWM) is its own: open the store, answer one query (a talker's day: the "first
answer"), then the heaviest query (a keyword over every chat, which reads every page), then
report. `--before-tree` runs the same child on another source tree (e.g. `git archive <commit>
server | tar -x -C DIR`), to compare with whole-database decryption. The new-message lag is
the time from a commit by a SQLCipher writer (in WAL mode, as WeChat writes) to the first
answer that contains it, on a copy of the encrypted store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TALKER = "wxid_alice01"
KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"
V4_SETTINGS = """PRAGMA cipher_default_page_size = 4096;
PRAGMA cipher_default_hmac_algorithm = HMAC_SHA512;
PRAGMA cipher_default_kdf_algorithm = PBKDF2_HMAC_SHA512;
PRAGMA cipher_default_kdf_iter = 256000;"""


def stores(messages: int) -> tuple[Path, Path]:
    from devtools.demo import generate
    from server.wechat.model import Layout

    plain, encrypted = RESULTS / f"store-{messages}", RESULTS / f"store-{messages}-encrypted"
    if not (plain / "db_storage").exists():
        began = time.perf_counter()
        generate(plain, Layout.V4, messages=messages, shards=4, talkers=200)
        print(f"generated {messages:,} messages in {time.perf_counter() - began:.0f} s")
    if not (encrypted / "db_storage").exists():
        import sqlcipher3  # type: ignore[import-untyped]

        began = time.perf_counter()
        staging = encrypted.with_name(encrypted.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        for source in sorted(plain.rglob("*.db")):
            target = staging / source.relative_to(plain)
            target.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlcipher3.connect(str(source))) as connection:
                connection.executescript(
                    f"{V4_SETTINGS}\nATTACH DATABASE '{target}' AS enc KEY X'{KEY}';\n"
                    "SELECT sqlcipher_export('enc');\nDETACH DATABASE enc;"
                )
        staging.rename(encrypted)
        print(f"encrypted it with SQLCipher 4 in {time.perf_counter() - began:.0f} s")
    return plain, encrypted


def size_mb(root: Path) -> float:
    return sum(path.stat().st_size for path in root.rglob("*.db")) / 1e6


def peak_rss_mb() -> float:
    """This process's peak RSS. Linux's VmHWM, since ru_maxrss survives exec: a child would
    report its parent's peak (the generator's) instead of its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def child(root: Path, key: str | None) -> dict[str, float]:
    """One measurement, in its own process."""
    began = time.perf_counter()
    from server.wechat.crypto.keys import DatabaseKey
    from server.wechat.query import MessageQuery
    from server.wechat.store import open_store
    from server.wechat.timerange import parse_time_range

    store = open_store(root, DatabaseKey(key) if key else None)
    page = await store.messages(
        MessageQuery(time=parse_time_range("2024-06-12"), talkers=(TALKER,))
    )
    first = time.perf_counter() - began
    assert page.items
    peak_first = peak_rss_mb()
    heavy = time.perf_counter()
    await store.messages(time=parse_time_range("2024"), keyword="火锅", limit=50)
    heavy = time.perf_counter() - heavy
    await store.close()
    peak = peak_rss_mb()
    return {"first_s": first, "peak_first_mb": peak_first, "heavy_s": heavy, "peak_mb": peak}


async def lag_child(root: Path, key: str, rounds: int) -> dict[str, float]:
    """Commit a new message through SQLCipher, then query until the store shows it."""
    import sqlcipher3

    from server.wechat.crypto.keys import DatabaseKey
    from server.wechat.readers.base import talker_hash
    from server.wechat.store import open_store

    store = open_store(root, DatabaseKey(key))
    await store.messages(talkers=(TALKER,), limit=1)
    shard = sorted((root / "db_storage" / "message").glob("message_*.db"))[-1]
    lags: list[float] = []
    with closing(sqlcipher3.connect(str(shard))) as writer:
        writer.executescript(
            f"PRAGMA hexkey = '{key}'; PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
        )
        table = f"Msg_{talker_hash(TALKER)}"
        for index in range(rounds):
            word = f"lagprobe{index}x"
            writer.execute(
                f"INSERT INTO {table}(server_id, local_type, sort_seq, real_sender_id,"
                " create_time, status, message_content) VALUES (?, 1, ?, 1, 1735600000, 2, ?)",
                (900000 + index, 1735600000000 + index, word),
            )
            writer.commit()
            committed = time.perf_counter()
            # Polling is the point: how soon a query sees the file change.
            while not (  # noqa: ASYNC110
                await store.messages(talkers=(TALKER,), keyword=word, limit=1)
            ).items:
                await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - committed)
    await store.close()
    lags.sort()
    return {"lag_median_ms": lags[len(lags) // 2] * 1000, "lag_max_ms": lags[-1] * 1000}


def run_child(tree: Path, arguments: list[str]) -> dict[str, float]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    output = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *arguments],
        cwd=tree,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--before-tree", type=Path, help="a source tree of the code before")
    parser.add_argument("--lag-rounds", type=int, default=20)
    parser.add_argument("--child", choices=["query", "lag"], help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "query":
        print(json.dumps(asyncio.run(child(args.root, args.key))))
        return
    if args.child == "lag":
        print(json.dumps(asyncio.run(lag_child(args.root, args.key, args.lag_rounds))))
        return
    sys.path.insert(0, str(ROOT))
    plain, encrypted = stores(args.messages)
    print(f"store: {args.messages:,} messages, {size_mb(encrypted):.0f} MB encrypted")
    trees = {"after": ROOT} | ({"before": args.before_tree} if args.before_tree else {})
    print(
        "| code | store | first answer s | peak RSS after it MB | keyword, all chats s "
        "| peak RSS MB | new-message lag median / max ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, tree in trees.items():
        for label, root, key in (("plain", plain, None), ("encrypted", encrypted, KEY)):
            query = ["--child", "query", "--root", str(root)] + (["--key", key] if key else [])
            result = run_child(tree, query)
            lag = "-"
            if key:
                copy = RESULTS / "lag-copy"
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(root, copy)
                lags = run_child(
                    tree,
                    [
                        "--child",
                        "lag",
                        "--root",
                        str(copy),
                        "--key",
                        key,
                        "--lag-rounds",
                        str(args.lag_rounds),
                    ],
                )
                shutil.rmtree(copy, ignore_errors=True)
                lag = f"{lags['lag_median_ms']:.0f} / {lags['lag_max_ms']:.0f}"
            print(
                f"| {name} | {label} | {result['first_s']:.2f} | {result['peak_first_mb']:.0f} "
                f"| {result['heavy_s']:.2f} | {result['peak_mb']:.0f} | {lag} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
