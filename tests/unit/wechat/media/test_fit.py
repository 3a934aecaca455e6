"""Pictures are shrunk for the model, with their original size kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from devtools.demo.media import picture
from server.wechat.media import fit
from server.wechat.media.errors import UnsupportedMediaError


def test_a_small_picture_is_sent_as_it_is() -> None:
    original = picture(1, "PNG")
    fitted = fit.fit_for_model(original, "image/png")
    assert fitted.data == original and not fitted.resized


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_large_picture_is_shrunk_within_the_limits(fmt: str) -> None:
    original = picture(2, fmt, (3000, 2000))
    fitted = fit.fit_for_model(original, f"image/{fmt.lower()}")
    assert fitted.resized and (fitted.original_width, fitted.original_height) == (3000, 2000)
    assert max(fitted.width, fitted.height) <= fit.MAX_SIDE
    assert len(fitted.data) <= fit.MAX_BYTES
    assert Image.open(io.BytesIO(fitted.data)).size == (fitted.width, fitted.height)


def test_a_format_models_do_not_take_is_re_encoded() -> None:
    fitted = fit.fit_for_model(picture(3, "BMP"), "image/bmp")
    assert fitted.mime == "image/jpeg" and fitted.resized


def test_garbage_is_a_clear_error() -> None:
    with pytest.raises(UnsupportedMediaError, match="could not be read"):
        fit.fit_for_model(b"nope", "image/png")
