"""No shard takes the others down: a message database that cannot be read is skipped and
named, through the MCP tool, the HTTP API and /health; it is read again once it changes."""

import json
import logging
import shutil
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest

from devtools.demo import generate
from server.config import ServerConfig
from server.wechat.crypto.keys import KeyRing
from server.wechat.model import Layout
from server.wechat.store import open_store
from tests.support import mcp_client, serving_whole_app
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY, PROFILE, encrypt_tree
from tests.unit.wechat.crypto.keyfiles import key_file_entries

pytestmark = pytest.mark.asyncio

BROKEN = "message_1.db"


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(plain, encrypted, plain without the broken shard) of one V4 data directory."""
    plain = tmp_path_factory.mktemp("plain")
    generate(plain, Layout.V4, messages=600, shards=3)
    encrypted = encrypt_tree(plain, tmp_path_factory.mktemp("encrypted"), PROFILE[Layout.V4])
    without = tmp_path_factory.mktemp("without") / "data"
    shutil.copytree(plain, without)
    (without / "db_storage" / "message" / BROKEN).unlink()
    return plain, encrypted, without


def _corrupt(path: Path) -> None:
    # Damage spread over the file: encrypted data read in place is checked page by page as
    # queries read it (docs/isolation.md), so the damage must sit where a query reads.
    data = bytearray(path.read_bytes())
    for at in range(4096 + 100, len(data), 4096):  # every page after the first
        data[at : at + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-100])


def _key_file(root: Path, wrong: bool) -> dict[str, str]:
    entries = {
        name: entry["enc_key"]
        for name, entry in key_file_entries(root, leave_out=None if wrong else BROKEN).items()
        if not name.startswith("_")
    }
    if wrong:
        entries[next(name for name in entries if name.endswith(BROKEN))] = OTHER_KEY
    return entries


Damage = Callable[[Path], dict[str, object]]


def _damaged_file(action: Callable[[Path], None]) -> Damage:
    def damage(root: Path) -> dict[str, object]:
        action(root / "db_storage" / "message" / BROKEN)
        return {"key": KEY}

    return damage


CASES: dict[str, Damage] = {
    "corrupt": _damaged_file(_corrupt),
    "truncated": _damaged_file(_truncate),
    "wrong key": lambda root: {"file_keys": _key_file(root, wrong=True)},
    "missing key": lambda root: {"file_keys": _key_file(root, wrong=False)},
}


def serving(data_dir: Path, secrets: dict[str, object]) -> AbstractAsyncContextManager[str]:
    config = ServerConfig(port=0, data_dir=data_dir, open_access=True, **secrets)  # type: ignore[arg-type]
    return serving_whole_app(config)


async def _all_messages(root: Path) -> list[object]:
    store = open_store(root)
    try:
        return list((await store.messages(limit=0)).items)
    finally:
        await store.close()


@pytest.mark.parametrize("case", list(CASES))
async def test_one_unreadable_shard_is_skipped_and_named(
    trees: tuple[Path, Path, Path], tmp_path: Path, case: str
) -> None:
    _, encrypted, without = trees
    root = tmp_path / "data"
    shutil.copytree(encrypted, root)
    secrets = CASES[case](root)
    expected = await _all_messages(without)
    async with serving(root, secrets) as url, httpx.AsyncClient(base_url=url) as http:
        async with mcp_client(url) as client:
            result = await client.call_tool("query_chat_log", {"limit": 200})
        assert not result.is_error
        assert f"{BROKEN} could not be read" in result.content[0].text
        structured = result.structured_content
        assert structured is not None
        assert [item["file"] for item in structured["skipped_files"]] == [BROKEN]
        assert structured["total"] == len(expected) > 0

        api = await http.get("/api/v1/chatlog", params={"format": "json", "limit": 0})
        assert api.status_code == 200
        assert len(api.json()) == len(expected)  # chatlog's shape: still a bare list
        warnings = json.loads(api.headers["X-Data-Warnings"])
        assert len(warnings) == 1 and warnings[0].startswith(f"{BROKEN} could not be read")
        text = await http.get("/api/v1/chatlog", params={"limit": 5})
        assert "X-Data-Warnings" in text.headers

        health = (await http.get("/health")).json()["data"]
        assert health["state"] == "ok"
        assert [entry["file"] for entry in health["unreadable"]] == [BROKEN]
        assert KEY not in json.dumps(health) and OTHER_KEY not in json.dumps(health)


async def test_a_skipped_shard_is_logged_once_and_read_again_when_it_changes(
    trees: tuple[Path, Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain, encrypted, _ = trees
    root = tmp_path / "data"
    shutil.copytree(encrypted, root)
    shard = root / "db_storage" / "message" / BROKEN
    _corrupt(shard)
    store = open_store(root, KeyRing.from_texts(KEY))
    with caplog.at_level(logging.WARNING):
        first = await store.messages(limit=0)
        second = await store.messages(limit=0)
    assert [s.file for s in first.skipped] == [BROKEN] == [s.file for s in second.skipped]
    assert sum(BROKEN in record.getMessage() for record in caplog.records) == 1
    shutil.copyfile(encrypted / "db_storage" / "message" / BROKEN, shard)  # a new version
    healed = await store.messages(limit=0)
    assert not healed.skipped and store.status()["unreadable"] == []
    assert healed.items == await _all_messages(plain)
    await store.close()


async def test_a_corrupt_plain_shard_is_skipped(
    trees: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    plain, _, without = trees
    root = tmp_path / "data"
    shutil.copytree(plain, root)
    shard = root / "db_storage" / "message" / BROKEN
    data = bytearray(shard.read_bytes())
    for page in range(4096, len(data), 4096):  # every b-tree page header but page 1's
        data[page : page + 8] = b"\xff" * 8
    shard.write_bytes(bytes(data))
    store = open_store(root)
    page = await store.messages(limit=0)
    assert [s.file for s in page.skipped] == [BROKEN]
    assert page.items == await _all_messages(without)
    await store.close()
