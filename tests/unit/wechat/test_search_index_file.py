"""The index file: encrypted at rest for an encrypted source, rebuilt when it is stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from devtools.demo import generate
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.model import Layout
from server.wechat.search.documents import Document
from server.wechat.search.index import SearchIndex
from server.wechat.store import open_store

KEY = DatabaseKey("5a" * 32)


def test_a_keyed_index_holds_no_plaintext(tmp_path: Path) -> None:
    secret = KEY.derived_key(b"test")
    path = tmp_path / "index.db"
    index = SearchIndex(path, "source", secret)
    index.add("shard", [Document("wxid_a", 1, 100, "wxid_a", False, "秘密的火锅 hotpot")], "s", 100)
    index.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for text in ("秘密".encode(), b"hotpot", b"wxid_a", b"SQLite format 3"):
        assert text not in stored
    reopened = SearchIndex(path, "source", secret)
    assert reopened.count() == 1
    reopened.close()
    # Another key cannot read it: the file is thrown away and started afresh.
    other = SearchIndex(path, "source", DatabaseKey("6b" * 32).derived_key(b"test"))
    assert other.count() == 0
    other.close()


@pytest.mark.asyncio
async def test_a_store_with_a_key_builds_an_encrypted_index(tmp_path: Path) -> None:
    from server.wechat.search.service import SearchSettings

    generate(tmp_path / "data", Layout.V4, messages=200, shards=1)
    settings = SearchSettings(directory=tmp_path / "index")
    store = open_store(tmp_path / "data", KEY, settings)
    try:
        for _ in range(400):
            if store.status()["search"]["state"] != "building":
                break
            await asyncio.sleep(0.05)
        assert store.status()["search"]["state"] == "ready"
        assert (await store.messages(keyword="火锅", limit=0)).total > 0
    finally:
        await store.close()
    (index_file,) = (tmp_path / "index").glob("*.db")
    assert not index_file.read_bytes().startswith(b"SQLite format 3")


def test_another_format_version_or_source_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "index.db"
    index = SearchIndex(path, "source")
    index.add("shard", [Document("wxid_a", 1, 100, "wxid_a", False, "火锅")], "s", 100)
    index.close()
    for identity in ("source", "another source"):
        reopened = SearchIndex(path, identity)
        assert reopened.count() == (1 if identity == "source" else 0)
        reopened.close()
    index = SearchIndex(path, "source")
    index.add("shard", [Document("wxid_a", 1, 100, "wxid_a", False, "火锅")], "s", 100)
    index.close()
    monkeypatch.setattr("server.wechat.search.index.FORMAT_VERSION", "next")
    rebuilt = SearchIndex(path, "source")
    assert rebuilt.count() == 0
    rebuilt.close()
