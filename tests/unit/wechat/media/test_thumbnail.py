"""Thumbnails for the window: small, in a format Qt shows, transparency kept, junk refused."""

from __future__ import annotations

import io

from PIL import Image

from server.wechat.media.thumbnail import THUMBNAIL_SIDE, thumbnail


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
