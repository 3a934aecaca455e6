"""wxgf pictures (HEVC in WeChat's container) become JPEG or GIF through a real ffmpeg.

The fixtures are made the way WeChat makes them: a real picture encoded to HEVC by x265 (the
ffmpeg that the `imageio-ffmpeg` package ships, a test dependency), put in the wxgf container
and then in each `.dat` encoding.
"""

from __future__ import annotations

import io
import subprocess

import imageio_ffmpeg
import pytest
from PIL import Image, ImageChops, ImageStat

from devtools.demo.media import V4_TAIL_KEY, encode_v3, encode_v4
from server.wechat.media import dat, ffmpeg, wxgf
from server.wechat.media.errors import UnsupportedMediaError

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
KEY = b"0123456789abcdef"


@pytest.fixture(autouse=True)
def _ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)


def _picture(size: tuple[int, int] = (96, 64)) -> Image.Image:
    """Four flat colour blocks: easy for HEVC to keep, easy to check after decoding."""
    image = Image.new("RGB", size, (200, 30, 30))
    width, height = size
    image.paste((30, 200, 30), (width // 2, 0, width, height // 2))
    image.paste((30, 30, 200), (0, height // 2, width // 2, height))
    image.paste((240, 240, 240), (width // 2, height // 2, width, height))
    return image


def _hevc(images: list[Image.Image]) -> bytes:
    """The pictures as one HEVC Annex B stream, encoded by x265."""
    frames = b"".join(image.convert("RGB").tobytes() for image in images)
    width, height = images[0].size
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "rawvideo"]
    command += ["-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", "10", "-i", "pipe:0"]
    command += ["-c:v", "libx265", "-x265-params", "log-level=none", "-pix_fmt", "yuv420p"]
    command += ["-f", "hevc", "pipe:1"]
    return subprocess.run(command, input=frames, capture_output=True, check=True).stdout


def _container(*streams: bytes, header: bytes = b"\x00" * 20) -> bytes:
    """wxgf: magic, header length, header, then each stream after its big-endian length."""
    head = wxgf.MAGIC + bytes([len(wxgf.MAGIC) + 1 + len(header)]) + header
    return head + b"".join(len(s).to_bytes(4, "big") + s for s in streams)


def _difference(decoded: bytes, original: Image.Image) -> float:
    """Mean absolute difference per channel (0-255) between the decoded and the original."""
    with Image.open(io.BytesIO(decoded)) as image:
        assert image.size == original.size
        delta = ImageChops.difference(image.convert("RGB"), original)
    return sum(ImageStat.Stat(delta).mean) / 3


def test_a_still_wxgf_picture_becomes_the_picture_as_a_jpeg() -> None:
    original = _picture()
    data, mime = wxgf.convert(_container(_hevc([original])))
    assert mime == "image/jpeg" and data.startswith(b"\xff\xd8\xff")
    assert _difference(data, original) < 8  # lossy twice (HEVC, JPEG), but the same picture


@pytest.mark.parametrize(
    ("encode", "version"),
    [
        (lambda data: encode_v3(data, 0x5A), "3.x"),
        (lambda data: encode_v4(data), "4.x-v1"),
        (lambda data: encode_v4(data, KEY), "4.x-v2"),
    ],
)
def test_wxgf_inside_every_dat_version_is_decoded(encode: object, version: str) -> None:
    original = _picture()
    encoded = encode(_container(_hevc([original])))  # type: ignore[operator]
    # The 4.x tail's XOR byte comes from the message's thumbnail, as the media service does.
    picture = dat.decode(encoded, KEY, V4_TAIL_KEY)
    assert (picture.mime, picture.version) == ("image/jpeg", version)
    assert _difference(picture.data, original) < 8


def test_an_animated_wxgf_sticker_becomes_a_gif_of_its_frames() -> None:
    frames = [_picture(), _picture().transpose(Image.Transpose.ROTATE_180)]
    masks = [Image.new("RGB", (96, 64), (255, 255, 255))] * 2
    # Mask and frame streams alternate, each a small part of the file: an animation.
    streams = [_hevc([(masks if i % 2 == 0 else frames)[i // 2]]) for i in range(4)]
    data, mime = wxgf.convert(_container(*streams))
    assert mime == "image/gif"
    with Image.open(io.BytesIO(data)) as gif:
        assert gif.n_frames == 2


def test_without_ffmpeg_the_answer_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    with pytest.raises(UnsupportedMediaError, match="needs ffmpeg"):
        wxgf.convert(_container(_hevc([_picture()])))


def test_a_damaged_stream_is_a_clear_error_not_a_crash() -> None:
    stream = bytearray(_hevc([_picture()]))
    stream[4:] = bytes(len(stream) - 4)  # keep the start code, zero everything after it
    with pytest.raises(UnsupportedMediaError, match="could not decode"):
        wxgf.convert(_container(bytes(stream)))
    with pytest.raises(UnsupportedMediaError, match="no HEVC stream"):
        wxgf.convert(wxgf.MAGIC + bytes([5]) + b"\x11" * 50)
