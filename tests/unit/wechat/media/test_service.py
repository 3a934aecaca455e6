"""MediaService on the demo set the app ships (resources/demo): at first launch, with no image
key, every picture, voice, video (with its thumbnail) and file in it is served, in every time
zone; and on generated folders, a video's thumbnail on its own."""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from PIL import Image

from devtools.demo import generate
from devtools.demo.clips.frames import SIZE as CLIP_SIZE
from devtools.demo.media import write_media
from devtools.demo.pictures import SIZE
from devtools.demo.voices import MAX_SECONDS
from server.wechat.media.errors import MediaError, MediaNotFoundError
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService, media_json
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.store import open_store

pytestmark = pytest.mark.asyncio

# The westernmost zone, the demo's own (China time) and the easternmost, as POSIX TZ strings
# (no time zone database needed). The readers name media folders by the month in the local
# zone, so a message near a month's turn is in another month in some of them.
ZONES = ["<-12>+12", "CST-8", "<+14>-14"] if hasattr(time, "tzset") else ["local"]


@pytest.fixture(params=ZONES)
def time_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    zone: str = request.param
    if zone == "local":  # Windows: no tzset, this computer's zone only
        yield zone
        return
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield zone
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


async def test_every_media_message_of_the_demo_is_served_in_every_time_zone(
    time_zone: str,
) -> None:
    store = open_store(None)  # no data directory: the demo set, as at first launch
    try:
        service = MediaService(store)  # and no image key
        page = await store.messages(MessageQuery(limit=0))
        messages = [m for m in page.items if media_kind(m) is not None]
        served: Counter[str] = Counter()
        for message in messages:
            ref = media_ref(message)
            assert ref is not None
            media = await service.fetch(ref)
            if media.kind == "image":
                assert media.data is not None and media.details["dat_version"] == "4.x-v1"
                picture = Image.open(io.BytesIO(media.data))
                picture.load()
                assert picture.size == SIZE and picture.format in ("PNG", "JPEG", "GIF")
            elif media.kind == "voice":
                assert media.data is not None and media.data[:4] == b"RIFF"
                assert 1 <= float(str(media.details["duration_seconds"])) <= MAX_SECONDS + 0.1
            else:
                assert media.path is not None and media.path.is_file() and media.size > 0
            if media.kind == "video":
                assert media.mime == "video/mp4" and media.details["has_thumbnail"] is True
                assert media.thumbnail is not None and media.thumbnail.data is not None
                thumbnail = Image.open(io.BytesIO(media.thumbnail.data))
                assert thumbnail.format == "JPEG" and thumbnail.size == CLIP_SIZE
            if media.kind == "file":
                assert (
                    media.mime
                    == {".pdf": "application/pdf", ".png": "image/png"}[media.path.suffix]
                )
            served[media.kind] += 1
        assert served == Counter(media_kind(m) for m in messages)
        assert set(served) == {"image", "voice", "video", "file"}
        assert served["image"] > 100 and served["voice"] > 50
    finally:
        await store.close()


async def test_a_videos_thumbnail_comes_on_its_own_and_only_for_a_video(tmp_path) -> None:
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    fixtures = write_media(dataset, tmp_path, Layout.V4)
    store = open_store(tmp_path)
    try:
        service = MediaService(store)
        page = await store.messages(MessageQuery(limit=0))
        video = next(m for m in page.items if media_kind(m) == "video")
        picture = next(m for m in page.items if media_kind(m) == "image")
        thumbnail = await service.fetch_thumbnail(str(media_ref(video)))
        assert thumbnail.data == fixtures.video_thumbnails[(video.talker, video.seq)]
        assert thumbnail.mime == "image/jpeg" and thumbnail.name.endswith("_thumb.jpg")
        assert media_json(thumbnail)["variant"] == "thumbnail"
        with pytest.raises(MediaError, match="only a video has a thumbnail") as refused:
            await service.fetch_thumbnail(str(media_ref(picture)))
        assert refused.value.status == 400 and "a picture" in str(refused.value)
    finally:
        await store.close()


async def test_a_video_without_a_thumbnail_is_served_as_before(tmp_path) -> None:
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    for thumbnail in tmp_path.rglob("*_thumb.jpg"):
        thumbnail.unlink()
    store = open_store(tmp_path)
    try:
        service = MediaService(store)
        page = await store.messages(MessageQuery(limit=0))
        video = next(m for m in page.items if media_kind(m) == "video")
        media = await service.fetch(str(media_ref(video)))
        assert media.path is not None and media.thumbnail is None
        assert media_json(media)["has_thumbnail"] is False
        with pytest.raises(MediaNotFoundError, match="no thumbnail"):
            await service.fetch_thumbnail(str(media_ref(video)))
    finally:
        await store.close()


async def test_a_thumbnail_file_that_is_no_picture_counts_as_none(tmp_path) -> None:
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    for thumbnail in tmp_path.rglob("*_thumb.jpg"):
        thumbnail.write_bytes(b"not a picture")
    store = open_store(tmp_path)
    try:
        page = await store.messages(MessageQuery(limit=0))
        video = next(m for m in page.items if media_kind(m) == "video")
        media = await MediaService(store).fetch(str(media_ref(video)))
        assert media.thumbnail is None and media.details["has_thumbnail"] is False
    finally:
        await store.close()
