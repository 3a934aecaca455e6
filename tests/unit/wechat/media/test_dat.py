"""`.dat` pictures of every version decode to the very bytes that were encoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from devtools.demo.corpus import build_dataset
from devtools.demo.media import V4_TAIL_KEY, encode_v3, encode_v4, picture
from devtools.demo.pictures import demo_picture
from server.wechat.media import dat
from server.wechat.media.errors import (
    ImageKeyMissingError,
    ImageKeyWrongError,
    UnsupportedMediaError,
)
from server.wechat.store import demo_data_dir

KEY = b"0123456789abcdef"
FORMATS = [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif")]


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
@pytest.mark.parametrize("xor_key", [0x00, 0x5A, 0xFF])
def test_3x_xor_round_trip(fmt: str, mime: str, xor_key: int) -> None:
    original = picture(7, fmt)
    decoded = dat.decode(encode_v3(original, xor_key))
    assert decoded.data == original and decoded.mime == mime


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
@pytest.mark.parametrize("xor_length", [0, 1, 200, 4000])
def test_4x_v1_round_trip(fmt: str, mime: str, xor_length: int) -> None:
    original = picture(3, fmt)
    decoded = dat.decode(encode_v4(original, xor_length=xor_length))
    assert decoded == dat.Picture(original, mime, "4.x-v1")


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_4x_v2_round_trip_with_the_image_key(fmt: str, mime: str) -> None:
    original = picture(5, fmt)
    decoded = dat.decode(encode_v4(original, KEY), KEY)
    assert decoded == dat.Picture(original, mime, "4.x-v2")


def test_a_picture_shorter_than_the_aes_part_round_trips() -> None:
    tiny = picture(1, "PNG", (1, 1))
    assert len(tiny) < 1024
    assert dat.decode(encode_v4(tiny, KEY), KEY).data == tiny


def test_v2_without_a_key_says_the_key_is_missing() -> None:
    with pytest.raises(ImageKeyMissingError, match="--image-key"):
        dat.decode(encode_v4(picture(1, "PNG"), KEY))


def test_v2_with_a_wrong_key_says_the_key_is_wrong() -> None:
    with pytest.raises(ImageKeyWrongError, match="image key"):
        dat.decode(encode_v4(picture(1, "PNG"), KEY), b"fedcba9876543210")


def test_unknown_bytes_are_an_unsupported_format() -> None:
    with pytest.raises(UnsupportedMediaError):
        dat.decode(bytes(range(7, 200)))


def test_a_wxgf_picture_is_named_as_such() -> None:
    with pytest.raises(UnsupportedMediaError, match="wxgf"):
        dat.decode(encode_v3(b"wxgf" + bytes(100), 0x21))


def test_the_tail_key_is_learned_from_a_thumbnail() -> None:
    thumbnail = encode_v4(picture(2, "JPEG", (8, 6)))
    assert dat.learn_tail_key(thumbnail) == V4_TAIL_KEY


def test_a_format_without_a_trailer_uses_the_learned_tail_key() -> None:
    # BMP has no fixed last bytes: only the key learned from a thumbnail recovers the tail.
    bmp = picture(4, "BMP")
    encoded = encode_v4(bmp, tail_key=0x42)
    assert dat.decode(encoded, tail_key=0x42).data == bmp
    assert dat.decode(encoded).data != bmp  # chatlog's default 0x37 would be wrong here


def test_a_plain_picture_is_served_as_it_is() -> None:
    original = picture(1, "JPEG")
    assert dat.decode(original) == dat.Picture(original, "image/jpeg", "plain")


@pytest.mark.parametrize("text", ["0123456789abcdef", "30313233343536373839616263646566"])
def test_image_key_forms(text: str) -> None:
    assert dat.parse_image_key(text) == KEY


@pytest.mark.parametrize("text", ["", "short", "x" * 17, "é" * 16])
def test_a_malformed_image_key_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        dat.parse_image_key(text)
    assert not text or text not in str(caught.value)


@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
@pytest.mark.parametrize("variant", ["original", "smaller", "thumbnail"])
def test_the_demo_pictures_round_trip_through_4x_v1(fmt: str, mime: str, variant: str) -> None:
    message = next(m for m in build_dataset(200).messages if m.type == 3)
    original = demo_picture(0, message, fmt, variant)
    assert dat.decode(encode_v4(original)) == dat.Picture(original, mime, "4.x-v1")


def test_every_picture_of_the_shipped_demo_decodes_without_an_image_key() -> None:
    files = sorted(demo_data_dir().rglob("*.dat"))
    assert len(files) > 300
    for path in files:
        raw = path.read_bytes()
        decoded = dat.decode(raw)
        assert decoded.version == "4.x-v1", path
        Image.open(io.BytesIO(decoded.data)).load()
        if path.name.endswith("_t.dat"):
            assert decoded.mime == "image/jpeg" and dat.learn_tail_key(raw) == V4_TAIL_KEY
