"""Mode 2: the store reads encrypted databases with the key in memory only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import Dataset, generate
from server.logging_setup import log_dir
from server.wechat.crypto.errors import EncryptedDatabaseError, WrongKeyError
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.crypto.params import SQLITE_HEADER
from server.wechat.model import Layout
from server.wechat.store import ChatStore, open_store
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY, PROFILE, encrypt_tree

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def encrypted_store(encrypted_dir: Path) -> AsyncIterator[ChatStore]:
    opened = open_store(encrypted_dir, DatabaseKey(KEY))
    yield opened
    await opened.close()


async def answers(store: ChatStore) -> list[object]:
    return [
        await store.sessions(limit=0),
        await store.contacts(limit=0),
        await store.chatrooms(limit=0),
        await store.messages(limit=0),
        await store.messages(keyword="好", limit=20, offset=5),
    ]


async def test_encrypted_data_answers_every_query_like_the_plain_data(
    store: ChatStore, encrypted_store: ChatStore
) -> None:
    plain = await answers(store)
    assert plain[3].items  # type: ignore[attr-defined]
    assert await answers(encrypted_store) == plain
    assert encrypted_store.status()["state"] == "ok"


async def test_encrypted_data_without_a_key_asks_for_one(encrypted_dir: Path) -> None:
    store = open_store(encrypted_dir)
    with pytest.raises(EncryptedDatabaseError, match="--key"):
        await store.contacts()
    assert store.status()["state"] == "error"
    await store.close()


async def test_a_wrong_key_says_so(encrypted_dir: Path) -> None:
    store = open_store(encrypted_dir, DatabaseKey(OTHER_KEY))
    with pytest.raises(WrongKeyError, match="Wrong key for this data"):
        await store.contacts()
    await store.close()


async def test_new_messages_written_while_running_are_seen(tmp_path: Path) -> None:
    plain, data = tmp_path / "plain", tmp_path / "data"
    generate(plain, Layout.WINDOWS_V3, messages=100, shards=1)
    encrypt_tree(plain, data, PROFILE[Layout.WINDOWS_V3])
    store = open_store(data, DatabaseKey(KEY))
    before = await store.messages(limit=0)
    generate(plain, Layout.WINDOWS_V3, messages=160, shards=1)
    encrypt_tree(plain, data, PROFILE[Layout.WINDOWS_V3])  # WeChat rewrote the files
    after = await store.messages(limit=0)
    assert len(after.items) > len(before.items)
    await store.close()


def _files_under(root: Path) -> set[Path]:
    found = set()
    for folder, _, names in os.walk(root):
        found.update(Path(folder) / name for name in names)
    return found


def _other_test_run(path: Path, ours: Path) -> bool:
    """Files of other pytest runs (a developer's parallel run) are not this test's business."""
    return any(part.startswith("pytest-of-") for part in path.parts) and not path.is_relative_to(
        ours
    )


async def test_no_plaintext_database_or_key_reaches_the_disk(
    encrypted_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    generated: dict[Layout, tuple[Path, Dataset]],
    layout: Layout,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("SQLITE_TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    # SQLite reads TMPDIR once per process, so the real temp folder is watched as well.
    watched = [scratch, encrypted_dir, log_dir(), Path("/tmp")]
    before = {root: _files_under(root) for root in watched if root.is_dir()}
    store = open_store(encrypted_dir, DatabaseKey(KEY))
    await answers(store)
    # A sort over every message, big enough for SQLite to want a temporary file.
    await store.messages(keyword=".", limit=0)
    key_forms = [KEY.encode(), KEY.upper().encode(), bytes.fromhex(KEY)]
    new_files = [
        path
        for root in watched
        if root.is_dir()
        for path in _files_under(root) - before.get(root, set())
        if not path.is_relative_to(generated[layout][0]) and not _other_test_run(path, tmp_path)
    ] + sorted(_files_under(encrypted_dir))
    for path in new_files:
        if not path.is_file():
            continue
        try:
            content = path.read_bytes()
        except OSError:
            continue
        assert not content.startswith(SQLITE_HEADER), f"plaintext database at {path}"
        assert not any(form in content for form in key_forms), f"key in {path}"
    await store.close()
