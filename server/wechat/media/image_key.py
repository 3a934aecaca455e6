"""The user's image key (4.x V2 `.dat`): held in memory only, never printed, masked in logs.

Kept like the database key (server/wechat/crypto/keys.py): it comes from --image-key (or
standard input, a file, the environment: server/cli.py) or the keychain (the desktop
settings), and every form of it is registered with the log redactor.
"""

from __future__ import annotations

from server.logging_setup import register_secret
from server.wechat.media.dat import parse_image_key


class ImageKey:
    """A validated 16-byte AES key. `repr` and `str` hide it."""

    __slots__ = ("_secret",)

    def __init__(self, text: str) -> None:
        """Raises ValueError (without the key in the message) when `text` is not a key."""
        cleaned = text.strip()
        for form in (cleaned, cleaned.lower(), cleaned.upper()):
            register_secret(form)
        self._secret = parse_image_key(cleaned)

    def __repr__(self) -> str:
        return "ImageKey(***)"

    __str__ = __repr__

    @property
    def secret(self) -> bytes:
        return self._secret
