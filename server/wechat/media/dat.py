"""WeChat's `.dat` pictures, decoded to the file as it was sent (docs/wechat-formats.md, "Media").

- 3.x: the whole file XORed with one byte; the byte is found by matching a known magic.
- 4.x V1 (`07 08 56 31`) and V2 (`07 08 56 32`): a 15-byte header, then an AES-128-ECB part
  (V1 with a fixed key, V2 with the user's image key), a plain middle and a tail XORed with
  one byte.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from server.key_text import image_key_bytes
from server.wechat.media import wxgf
from server.wechat.media.errors import (
    ImageKeyMissingError,
    ImageKeyWrongError,
    UnsupportedMediaError,
)
from server.wechat.media.formats import MAGICS, TRAILERS, sniff

V1_MAGIC = b"\x07\x08V1"
V2_MAGIC = b"\x07\x08V2"
V1_KEY = b"cfcd208495d565ef"  # the fixed V1 key (docs/wechat-formats.md, "Media")
HEADER_SIZE = 15
DEFAULT_TAIL_KEY = 0x37  # the tail key chatlog falls back to (docs/wechat-formats.md, "Media")
_BLOCK = 16


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes
    mime: str
    version: str  # "3.x", "4.x-v1", "4.x-v2", or "plain" for a file that was not encoded


def parse_image_key(text: str) -> bytes:
    """The AES key from the image key the user gives (see server/key_text.py)."""
    return image_key_bytes(text)


def version_of(data: bytes) -> str:
    if data.startswith(V1_MAGIC):
        return "4.x-v1"
    if data.startswith(V2_MAGIC):
        return "4.x-v2"
    if sniff(data) is not None:
        return "plain"
    return "3.x"


def decode(data: bytes, image_key: bytes | None = None, tail_key: int | None = None) -> Picture:
    """The picture inside a `.dat` file.

    `tail_key` is the 4.x tail's XOR byte learned elsewhere (a thumbnail, see
    `learn_tail_key`); the file's own last bytes win when its format has fixed ones.

    Raises:
        ImageKeyMissingError / ImageKeyWrongError: a V2 file without / with a wrong key.
        UnsupportedMediaError: not a picture format this decoder knows.
    """
    version = version_of(data)
    if version == "plain":
        return Picture(data, sniff(data) or "application/octet-stream", version)
    if version == "3.x":
        return _decode_xor(data)
    if version == "4.x-v2" and image_key is None:
        raise ImageKeyMissingError()
    key = V1_KEY if version == "4.x-v1" else image_key
    assert key is not None
    return _decode_v4(data, key, tail_key, version)


def _decode_xor(data: bytes) -> Picture:
    for magic, mime in MAGICS:
        if len(data) < len(magic):
            continue
        key = data[0] ^ magic[0]
        if all(data[i] ^ key == magic[i] for i in range(len(magic))):
            decoded = xor(data, key)
            if mime == "image/wxgf":
                return _from_wxgf(decoded, "3.x")
            if mime == "image/bmp" and not _whole_bmp(decoded):
                continue  # two bytes match by chance too often: the size field must agree
            return Picture(decoded, mime, "3.x")
    raise UnsupportedMediaError("the .dat file is not in a picture format this app knows")


def _decode_v4(data: bytes, key: bytes, tail_key: int | None, version: str) -> Picture:
    if len(data) < HEADER_SIZE:
        raise UnsupportedMediaError("the .dat file is cut short")
    aes_length, xor_length = struct.unpack_from("<II", data, 6)
    encrypted_length = aes_length // _BLOCK * _BLOCK + _BLOCK
    body = memoryview(data)[HEADER_SIZE:]
    if encrypted_length + xor_length > len(body) + _BLOCK:
        raise UnsupportedMediaError("the .dat file's lengths do not fit its size")
    encrypted = bytes(body[:encrypted_length])
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    plain = decryptor.update(encrypted) + decryptor.finalize()
    padding = plain[-1] if plain else 0
    head = plain[: len(plain) - padding][:aes_length]
    mime = sniff(head)
    if not 1 <= padding <= _BLOCK or mime is None:
        if version == "4.x-v2":
            raise ImageKeyWrongError()
        raise UnsupportedMediaError("the .dat file (4.x V1) does not decrypt to a known picture")
    rest = body[encrypted_length:]
    middle = bytes(rest[: len(rest) - xor_length])
    tail = bytes(rest[len(rest) - xor_length :]) if xor_length else b""
    key_byte = _tail_key_of(tail, mime)
    if key_byte is None:
        key_byte = DEFAULT_TAIL_KEY if tail_key is None else tail_key
    whole = head + middle + xor(tail, key_byte)
    if mime == "image/wxgf":
        return _from_wxgf(whole, version)
    return Picture(whole, mime, version)


def _from_wxgf(data: bytes, version: str) -> Picture:
    converted, mime = wxgf.convert(data)
    return Picture(converted, mime, version)


def _tail_key_of(tail: bytes, mime: str) -> int | None:
    """The XOR byte that turns the tail's end into the format's fixed trailer, if it does."""
    trailer = TRAILERS.get(mime)
    if not trailer or not tail:
        return None
    key = tail[-1] ^ trailer[-1]
    length = min(len(tail), len(trailer))  # a tail shorter than the trailer is its end
    end, expected = tail[-length:], trailer[-length:]
    if all(byte ^ key == want for byte, want in zip(end, expected, strict=True)):
        return key
    return None


def _whole_bmp(data: bytes) -> bool:
    return len(data) >= 6 and struct.unpack_from("<I", data, 2)[0] == len(data)


def learn_tail_key(thumbnail: bytes) -> int | None:
    """The tail XOR byte from a 4.x thumbnail (`*_t.dat`, always a JPEG): its last two bytes
    XOR `FF D9` (docs/wechat-formats.md, "Media")."""
    if not thumbnail.startswith((V1_MAGIC, V2_MAGIC)) or len(thumbnail) < HEADER_SIZE + 2:
        return None
    key = thumbnail[-1] ^ 0xD9
    return key if thumbnail[-2] ^ key == 0xFF else None


def xor(data: bytes, key: int) -> bytes:
    if not data or key == 0:
        return data
    # int.from_bytes/to_bytes XORs the whole buffer at C speed.
    mask = bytes([key]) * len(data)
    value = int.from_bytes(data, "little") ^ int.from_bytes(mask, "little")
    return value.to_bytes(len(data), "little")
