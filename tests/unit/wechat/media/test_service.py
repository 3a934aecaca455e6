"""MediaService on the demo set the app ships (resources/demo): at first launch, with no image
key, every picture, voice, video and file in it is served, in every time zone."""

from __future__ import annotations

import io
import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from PIL import Image

from devtools.demo.pictures import SIZE
from devtools.demo.voices import MAX_SECONDS
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
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
            served[media.kind] += 1
        assert served == Counter(media_kind(m) for m in messages)
        assert set(served) == {"image", "voice", "video", "file"}
        assert served["image"] > 100 and served["voice"] > 50
    finally:
        await store.close()
