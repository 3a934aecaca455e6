"""Pictures shrunk and re-encoded to a size a model accepts.

Models take pictures of a few megapixels at most and an MCP answer should stay small: the
long side is cut to `MAX_SIDE` and the result re-encoded (PNG kept for pictures with
transparency, JPEG otherwise) until it fits `MAX_BYTES`. The HTTP route serves the original.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from server.wechat.media.errors import UnsupportedMediaError

MAX_SIDE = 1568
MAX_BYTES = 1_000_000
_MODEL_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


@dataclass(frozen=True, slots=True)
class Fitted:
    data: bytes
    mime: str
    width: int
    height: int
    original_width: int
    original_height: int
    resized: bool


def fit_for_model(data: bytes, mime: str) -> Fitted:
    """The picture as is when a model takes it, else smaller and re-encoded."""
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if image.format == "JPEG" and max(width, height) > MAX_SIDE:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a photo shrinks several times faster.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()  # the first frame of an animation
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnsupportedMediaError(f"the picture could not be read ({error})") from None
    if mime in _MODEL_TYPES and max(width, height) <= MAX_SIDE and len(data) <= MAX_BYTES:
        return Fitted(data, mime, width, height, width, height, False)
    scale = min(1.0, MAX_SIDE / max(image.size))
    width_now, height_now = image.size
    for _attempt in range(6):
        size = (max(1, round(width_now * scale)), max(1, round(height_now * scale)))
        resized = image.resize(size, Image.Resampling.LANCZOS) if size != image.size else image
        out_mime, encoded = _encode(resized)
        if len(encoded) <= MAX_BYTES:
            return Fitted(encoded, out_mime, size[0], size[1], width, height, True)
        scale *= 0.7
    raise UnsupportedMediaError("the picture could not be made small enough for the model")


def _encode(image: Image.Image) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    if image.mode in ("RGBA", "LA") or "transparency" in image.info:
        image.convert("RGBA").save(buffer, "PNG", optimize=True)
        return "image/png", buffer.getvalue()
    image.convert("RGB").save(buffer, "JPEG", quality=85)
    return "image/jpeg", buffer.getvalue()
