"""A video's thumbnail is found where WeChat keeps it beside the video, in each layout where
that place is known (docs/wechat-formats.md, "Media"), and never outside the account folder."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import generate
from devtools.demo.media import MediaFixtures, write_media
from server.wechat.media.locate import locate, locate_video_thumbnail
from server.wechat.media.refs import media_kind
from server.wechat.model import Layout, Message
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore, open_store

pytestmark = pytest.mark.asyncio


@dataclass
class Folder:
    root: Path
    media: MediaFixtures


def written(root: Path, layout: Layout, messages: int = 1500) -> Folder:
    dataset = generate(root, layout, messages=messages, shards=2)
    return Folder(root, write_media(dataset, root, layout))


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, Folder]:
    return {
        layout: written(tmp_path_factory.mktemp(f"videos-{layout}"), layout) for layout in Layout
    }


@pytest_asyncio.fixture
async def opened(request: pytest.FixtureRequest) -> AsyncIterator[list[ChatStore]]:
    stores: list[ChatStore] = []
    yield stores
    for store in stores:
        await store.close()


async def videos_of(store: ChatStore) -> list[Message]:
    page = await store.messages(MessageQuery(limit=0))
    return [message for message in page.items if media_kind(message) == "video"]


async def thumbnail_of(store: ChatStore, message: Message) -> Path | None:
    return await store.run_on_data(lambda d, p: locate_video_thumbnail(d, p, message))


@pytest.mark.parametrize("layout", [Layout.V4, Layout.WINDOWS_V3], ids=str)
async def test_each_videos_thumbnail_is_found_beside_it(folders, opened, layout) -> None:
    folder = folders[layout]
    store = open_store(folder.root)
    opened.append(store)
    videos = await videos_of(store)
    assert len(videos) == len(folder.media.video_thumbnails) > 3
    through_hardlinks = 0
    for message in videos:
        path = await thumbnail_of(store, message)
        assert path is not None, message.contents
        assert path.read_bytes() == folder.media.video_thumbnails[(message.talker, message.seq)]
        found = await store.run_on_data(lambda d, p, m=message: locate(d, p, m, "video"))
        assert found is not None and found.path.parent == path.parent
        through_hardlinks += "-hl" in path.name
    assert through_hardlinks > 0  # some only the hardlink table knows


async def test_macos_3x_videos_have_no_thumbnail_since_its_place_is_not_known(folders, opened):
    store = open_store(folders[Layout.DARWIN_V3].root)
    opened.append(store)
    videos = await videos_of(store)
    assert videos and not folders[Layout.DARWIN_V3].media.video_thumbnails
    for message in videos:
        assert await thumbnail_of(store, message) is None


@pytest.mark.parametrize("layout", [Layout.V4, Layout.WINDOWS_V3], ids=str)
async def test_a_video_wechat_has_not_downloaded_still_has_its_thumbnail(tmp_path, opened, layout):
    folder = written(tmp_path, layout, messages=600)
    for video in folder.root.rglob("*.mp4"):
        video.unlink()
    store = open_store(folder.root)
    opened.append(store)
    videos = await videos_of(store)
    assert videos
    for message in videos:
        assert await store.run_on_data(lambda d, p, m=message: locate(d, p, m, "video")) is None
        assert await thumbnail_of(store, message) is not None


async def test_a_thumbnail_outside_the_account_folder_is_never_returned(tmp_path, opened):
    root = tmp_path / "account"
    folder = written(root, Layout.V4, messages=600)
    (tmp_path / "outside_thumb.jpg").write_bytes(next(iter(folder.media.video_thumbnails.values())))
    for thumbnail in root.rglob("*_thumb.jpg"):
        thumbnail.unlink()
    # A hardlink row that climbs out of the folder, as a tampered database could hold.
    with closing(sqlite3.connect(root / "db_storage" / "hardlink" / "hardlink.db")) as db:
        db.execute("UPDATE video_hardlink_info_v4 SET file_name = '../../../outside.mp4'")
        db.commit()
    store = open_store(root)
    opened.append(store)
    videos = await videos_of(store)
    assert videos
    for message in videos:
        assert await thumbnail_of(store, message) is None
