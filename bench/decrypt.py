"""Bench decryption: our export against SQLCipher's own, and queries in place vs plain.

    .venv/bin/python bench/decrypt.py [--size-mb 1024] [--repeat 20] [--format windows-v3]

1. Throughput: a ~1 GB database is generated and encrypted by Debian's `sqlcipher` command
   (WeChat 3.x for Windows format; `--format v4` uses the `sqlcipher3` module, SQLCipher 4,
   when it is installed), then decrypted, in the same run, by
   - SQLCipher itself: `ATTACH ... KEY ''; SELECT sqlcipher_export(...)` (the independent tool);
   - `export()` (mode 1: decrypt, merge the WAL, write, quick_check, rename);
   - `read_database` into memory (mode 2's cost to open a file).
2. Query latency: the same ChatStore queries on a generated 4.x-style data folder, plain and
   encrypted (mode 2, after the first query has decrypted the files into memory).
Files live in bench/results/ (git-ignored) and are reused while their parameters match.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import shutil
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from devtools.demo import generate
from server.wechat.crypto.database import MemorySink, read_database
from server.wechat.crypto.export import export
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.crypto.params import V4, WINDOWS_V3, CipherProfile
from server.wechat.model import Layout
from server.wechat.store import open_store
from server.wechat.timerange import parse_time_range

RESULTS = Path(__file__).resolve().parent / "results" / "decrypt"
KEY = "6f1c0e9a4b2d83f7a5c1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5"
FORMATS = {"windows-v3": WINDOWS_V3, "v4": V4}


def settings_sql(profile: CipherProfile, prefix: str = "cipher_default_") -> str:
    lines = [
        f"PRAGMA {prefix}page_size = {profile.page_size};",
        f"PRAGMA {prefix}kdf_iter = {profile.kdf_iterations};",
    ]
    if profile.digest == "sha512":
        lines += [
            f"PRAGMA {prefix}hmac_algorithm = HMAC_SHA512;",
            f"PRAGMA {prefix}kdf_algorithm = PBKDF2_HMAC_SHA512;",
        ]
    return "\n".join(lines)


def run_sqlcipher(database: Path, script: str, profile: CipherProfile) -> None:
    if profile.digest == "sha1":
        subprocess.run(
            ["sqlcipher", str(database)], input=script, text=True, check=True, capture_output=True
        )
        return
    module: Any = importlib.import_module("sqlcipher3")
    with closing(module.connect(str(database))) as connection:
        connection.executescript(script)


def make_plain(path: Path, size_mb: int) -> None:
    """Chat-like rows (text of varied length, an index) until the file reaches size_mb."""
    if path.exists() and path.stat().st_size >= size_mb * 1024 * 1024 * 0.95:
        return
    path.unlink(missing_ok=True)
    rows = size_mb * 1024 * 1024 // 700
    with closing(sqlite3.connect(path)) as db:
        db.execute(
            "CREATE TABLE MSG(localId INTEGER PRIMARY KEY, talker TEXT, createTime INT,"
            " content TEXT)"
        )
        db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO MSG SELECT i, 'wxid_' || (i % 500), 1700000000 + i,"
            " substr(hex(randomblob(400)), 1, 300 + abs(random() % 500)) FROM n",
            (rows,),
        )
        db.execute("CREATE INDEX msg_talker ON MSG(talker, createTime)")
        db.commit()


def make_encrypted(plain: Path, encrypted: Path, profile: CipherProfile) -> None:
    if encrypted.exists() and encrypted.stat().st_mtime > plain.stat().st_mtime:
        return
    encrypted.unlink(missing_ok=True)
    script = (
        f"{settings_sql(profile)}\nATTACH DATABASE '{encrypted}' AS enc KEY X'{KEY}';\n"
        "SELECT sqlcipher_export('enc');\nDETACH DATABASE enc;"
    )
    run_sqlcipher(plain, script, profile)


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def tool_export(encrypted: Path, out: Path, profile: CipherProfile) -> None:
    out.unlink(missing_ok=True)
    script = (
        f"PRAGMA hexkey = '{KEY}';\n{settings_sql(profile, 'cipher_')}\n"
        f"ATTACH DATABASE '{out}' AS plaintext KEY '';\n"
        "SELECT sqlcipher_export('plaintext');\nDETACH DATABASE plaintext;"
    )
    run_sqlcipher(encrypted, script, profile)


def throughput(size_mb: int, profile: CipherProfile) -> None:
    work = RESULTS / f"{profile.digest}-{size_mb}"
    work.mkdir(parents=True, exist_ok=True)
    plain, source = work / "plain.db", work / "source" / "Msg" / "Multi" / "MSG0.db"
    source.parent.mkdir(parents=True, exist_ok=True)
    make_plain(plain, size_mb)
    make_encrypted(plain, source, profile)
    size = source.stat().st_size / 1024 / 1024
    print(
        f"\n## Throughput: {size:,.0f} MiB, {profile.name} format "
        f"({profile.page_size}-byte pages, HMAC-{profile.digest.upper()})\n"
    )
    print("| decrypter | seconds | MiB/s |\n|---|---:|---:|")
    seconds = timed(lambda: tool_export(source, work / "tool.db", profile))
    print(
        f"| SQLCipher `sqlcipher_export` (independent tool) | {seconds:.2f} | "
        f"{size / seconds:,.0f} |"
    )
    out = work / "ours"
    shutil.rmtree(out, ignore_errors=True)
    key = DatabaseKey(KEY)
    seconds = timed(lambda: export(source.parents[2], out, key))
    print(
        f"| ours, export (mode 1: + write, fsync, quick_check, rename) | {seconds:.2f} | "
        f"{size / seconds:,.0f} |"
    )
    seconds = timed(lambda: read_database(source, MemorySink(), key, Layout.WINDOWS_V3))
    print(f"| ours, into memory (mode 2 open) | {seconds:.2f} | {size / seconds:,.0f} |")
    seconds = timed(lambda: export(source.parents[2], out, key))
    print(f"| ours, export again, file unchanged (skipped) | {seconds:.3f} | - |")


async def latency(repeat: int) -> None:
    work = RESULTS / "latency"
    plain, encrypted = work / "plain", work / "encrypted"
    if not (encrypted / "Msg").exists():
        shutil.rmtree(work, ignore_errors=True)
        generate(plain, Layout.WINDOWS_V3, messages=200_000, shards=3)
        for path in sorted(plain.rglob("*.db")):
            target = encrypted / path.relative_to(plain)
            target.parent.mkdir(parents=True, exist_ok=True)
            make_encrypted(path, target, WINDOWS_V3)
    size = sum(p.stat().st_size for p in encrypted.rglob("*.db")) / 1024 / 1024
    print(f"\n## Query latency: 200,000 messages, WeChat 3.x layout ({size:,.0f} MiB)\n")
    print("| query | plain p50 ms | in place p50 ms |\n|---|---:|---:|")
    stores = {"plain": open_store(plain), "mode2": open_store(encrypted, DatabaseKey(KEY))}
    start = time.perf_counter()
    await stores["mode2"].contacts()
    await stores["mode2"].messages(limit=1)
    first = time.perf_counter() - start
    queries: dict[str, Callable[[Any], Awaitable[object]]] = {
        "sessions": lambda s: s.sessions(),
        "contacts keyword": lambda s: s.contacts("Alice"),
        "one chat, one day": lambda s: s.messages(
            talkers=("wxid_alice01",), time=parse_time_range("2024-06-12"), limit=50
        ),
        "keyword, all chats": lambda s: s.messages(keyword="火锅", limit=50),
    }
    for name, query in queries.items():
        results = {}
        for label, store in stores.items():
            samples = []
            for _ in range(repeat):
                start = time.perf_counter()
                await query(store)
                samples.append(time.perf_counter() - start)
            results[label] = statistics.median(samples) * 1000
        print(f"| {name} | {results['plain']:.1f} | {results['mode2']:.1f} |")
    print(f"\nFirst queries in place (decrypting every file into memory): {first:.2f} s")
    for store in stores.values():
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--format", choices=sorted(FORMATS), default="windows-v3")
    args = parser.parse_args()
    throughput(args.size_mb, FORMATS[args.format])
    asyncio.run(latency(args.repeat))


if __name__ == "__main__":
    main()
