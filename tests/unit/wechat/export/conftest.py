"""A 4.x data folder with real media and hostile text in one chat, for the export tests."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import generate
from devtools.demo.corpus import md5_hex
from devtools.demo.edge_cases import v4_ids, v4_insert
from devtools.demo.media import MediaFixtures, write_media
from server.wechat.media.image_key import ImageKey
from server.wechat.media.service import MediaService
from server.wechat.model import Layout
from server.wechat.store import ChatStore, open_store

IMAGE_KEY = "0123456789abcdef"
HOSTILE_TEXTS = (
    '<script>alert("export")</script>',
    "\"quoted\" & 'single' </div><img src=x onerror=alert(1)>",
    '=HYPERLINK("http://example.invalid","click")',
    "-1 + 2, a comma; and a\nnew line",
)
SAME_SECOND = 13  # messages in one second, more than a small page holds


@dataclass(frozen=True)
class ExportData:
    root: Path
    chat: str
    media: MediaFixtures
    hostile_time: int


@pytest.fixture(scope="package")
def export_data(tmp_path_factory: pytest.TempPathFactory) -> ExportData:
    root = tmp_path_factory.mktemp("export-data")
    dataset = generate(root, Layout.V4, messages=600, shards=2)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode())
    with_media = Counter(talker for talker, _seq in [*media.images, *media.voices])
    chat = with_media.most_common(1)[0][0]
    last = max(m.time for m in dataset.messages if m.talker == chat)
    hostile_time = last + 3_600
    shard = sorted((root / "db_storage" / "message").glob("message_*.db"))[-1]
    with closing(sqlite3.connect(shard)) as db:
        sender = v4_ids(db, chat)[chat]
        rows = [(hostile_time + i, 1, sender, 4, text) for i, text in enumerate(HOSTILE_TEXTS)]
        tie = hostile_time + len(HOSTILE_TEXTS)
        v4_insert(db, chat, rows)
        _v4_insert_same_second(db, chat, sender, tie)
        db.commit()
    return ExportData(root, chat, media, hostile_time)


def _v4_insert_same_second(db: sqlite3.Connection, chat: str, sender: int, second: int) -> None:
    """One second holding more messages than a small page: same create_time, own sort_seq."""
    table = f"Msg_{md5_hex(chat)}"
    for i in range(SAME_SECOND):
        db.execute(
            f"INSERT INTO [{table}](server_id, local_type, sort_seq, real_sender_id, create_time,"
            " status, message_content) VALUES (?, 1, ?, ?, ?, 4, ?)",
            (8_000_000 + i, second * 1000 + i, sender, second, f"tie {i}"),
        )


@pytest_asyncio.fixture
async def store(export_data: ExportData) -> AsyncIterator[ChatStore]:
    opened = open_store(export_data.root)
    yield opened
    await opened.close()


@pytest.fixture
def media(store: ChatStore) -> MediaService:
    return MediaService(store, ImageKey(IMAGE_KEY))
