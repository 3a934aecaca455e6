"""Picture and video formats recognised by their first bytes, and their fixed last bytes.

The first bytes tell a decoded `.dat` file's type (docs/wechat-formats.md, "Media", lists the
same magics); the last bytes let the XOR key of a 4.x tail be read off the file itself (see `dat`).
"""

from __future__ import annotations

# (magic, MIME type), most specific first: "BM" is short and could match by chance.
MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"wxgf", "image/wxgf"),
    (b"BM", "image/bmp"),
)
# What a complete file of the type ends with.
TRAILERS: dict[str, bytes] = {
    "image/jpeg": b"\xff\xd9",
    "image/png": b"IEND\xaeB`\x82",
    "image/gif": b"\x3b",
}
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/bmp": "bmp",
    "image/webp": "webp",
    "video/mp4": "mp4",
}


def sniff(data: bytes) -> str | None:
    """The MIME type of a picture or video by its first bytes; None if unknown."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    for magic, mime in MAGICS:
        if data.startswith(magic):
            return mime
    return None
