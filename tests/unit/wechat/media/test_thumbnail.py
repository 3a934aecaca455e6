"""Thumbnails for the window: small, in a format Qt shows, transparency kept, junk refused; of
a chat's pictures and of its videos, from the thumbnail WeChat keeps beside each video."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from devtools.demo import generate
from devtools.demo.media import write_media
from server.wechat.media.locate import locate_video_thumbnail
from server.wechat.media.refs import media_kind, media_ref
from server.wechat.media.service import MediaService
from server.wechat.media.thumbnail import THUMBNAIL_SIDE, thumbnail, thumbnails
from server.wechat.model import Layout
from server.wechat.query import MessageQuery
from server.wechat.store import open_store


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def test_a_large_photo_becomes_a_small_jpeg_of_the_same_shape() -> None:
    small = thumbnail(encoded(Image.new("RGB", (3000, 2000), "teal"), "JPEG"))
    assert small is not None and small.startswith(b"\xff\xd8")
    picture = Image.open(io.BytesIO(small))
    assert max(picture.size) <= THUMBNAIL_SIDE
    assert abs(picture.size[0] / picture.size[1] - 1.5) < 0.05


def test_a_transparent_picture_stays_a_png_with_its_alpha() -> None:
    small = thumbnail(encoded(Image.new("RGBA", (400, 400), (255, 0, 0, 0)), "PNG"))
    assert small is not None and small.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(small)).getpixel((5, 5))[3] == 0  # type: ignore[index]


def test_a_small_gif_is_not_enlarged() -> None:
    small = thumbnail(encoded(Image.new("P", (40, 30)), "GIF"))
    assert small is not None and Image.open(io.BytesIO(small)).size == (40, 30)


def test_bytes_that_are_no_picture_give_none() -> None:
    assert thumbnail(b"not a picture at all") is None
    assert thumbnail(b"") is None


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "JPEG"])
def test_a_picture_cut_short_gives_none_not_an_error(fmt: str) -> None:
    whole = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(whole, fmt)
    assert thumbnail(whole.getvalue()) is not None
    assert thumbnail(whole.getvalue()[: len(whole.getvalue()) // 2]) is None


@pytest.mark.asyncio
async def test_a_chats_videos_get_thumbnails_too_and_one_without_is_left_out(
    tmp_path: Path,
) -> None:
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    store = open_store(tmp_path)
    try:
        page = await store.messages(MessageQuery(limit=0))
        videos = [m for m in page.items if media_kind(m) == "video"]
        pictures = [m for m in page.items if media_kind(m) == "image"][:3]
        assert len(videos) >= 2 and pictures
        *kept, gone = videos
        path = await store.run_on_data(lambda d, p: locate_video_thumbnail(d, p, gone))
        assert path is not None
        path.unlink()
        small = await thumbnails(store, MediaService(store), [*videos, *pictures])
    finally:
        await store.close()
    assert set(small) == {media_ref(message) for message in [*kept, *pictures]}
    for message in kept:
        picture = Image.open(io.BytesIO(small[str(media_ref(message))]))
        assert picture.format == "JPEG"
        assert picture.size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE * 3 // 4)  # the clips' 4:3
