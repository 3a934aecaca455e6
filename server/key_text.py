"""The written forms of the user's keys, checked without loading any cryptography.

`server.config` validates a key as it is typed (command line, settings dialog, keychain);
the decryption code (server/wechat/crypto, server/wechat/media) uses the same checks on the
way in. None of them ever puts the key text into an error.
"""

from __future__ import annotations

import string

KEY_HEX_LENGTH = 64  # the 32-byte master key, as hexadecimal
SALT_HEX_LENGTH = 32  # a database file's 16-byte salt, as hexadecimal
IMAGE_KEY_LENGTH = 16  # the 4.x image key: 16 bytes (AES-128)


class InvalidKeyError(ValueError):
    def __init__(self, reason: str) -> None:
        # The rejected text is left out on purpose: it may be a real key with a typo.
        super().__init__(
            f"Invalid database key: {reason}. The key is 64 hexadecimal characters (32 bytes), "
            "or SQLCipher's raw key x'<64 hex key><32 hex salt>'."
        )


def check_key_text(text: str) -> str:
    """The key text stripped, or InvalidKeyError; the text itself never appears in the error.

    Accepts the 64-hex master key and SQLCipher's raw-key form `x'<64 hex>'` or
    `x'<64 hex key><32 hex salt>'`.
    """
    cleaned = text.strip()
    raw = raw_key_body(cleaned)
    if raw is not None:
        if len(raw) not in (KEY_HEX_LENGTH, KEY_HEX_LENGTH + SALT_HEX_LENGTH):
            raise InvalidKeyError(
                f"the raw key inside x'...' has {len(raw)} characters, not {KEY_HEX_LENGTH} "
                f"(key) or {KEY_HEX_LENGTH + SALT_HEX_LENGTH} (key and salt)"
            )
        check_hex(raw)
        return cleaned
    if len(cleaned) != KEY_HEX_LENGTH:
        raise InvalidKeyError(f"it has {len(cleaned)} characters, not {KEY_HEX_LENGTH}")
    check_hex(cleaned)
    return cleaned


def check_hex(text: str) -> None:
    if not all(character in string.hexdigits for character in text):
        raise InvalidKeyError("it contains characters other than 0-9 and a-f")


def raw_key_body(cleaned: str) -> str | None:
    """The hex inside `x'...'`, or None when `cleaned` is not in that form."""
    if len(cleaned) >= 3 and cleaned[:2] in ("x'", "X'") and cleaned.endswith("'"):
        return cleaned[2:-1]
    return None


def image_key_bytes(text: str) -> bytes:
    """The AES key from the image key the user gives: 16 characters as they are (the form
    the key tools print), or 32 hex digits for the same 16 bytes.

    Raises ValueError with a message that does not repeat the key.
    """
    text = text.strip()
    if len(text) == 2 * IMAGE_KEY_LENGTH:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    if len(text) == IMAGE_KEY_LENGTH and text.isascii():
        return text.encode("ascii")
    raise ValueError("the image key must be 16 characters (or the same as 32 hex digits)")


def check_image_key_text(text: str) -> str:
    """The image key text stripped, or ValueError; the text never appears in the error."""
    image_key_bytes(text)
    return text.strip()
