"""The user's database key: parsed once, held only in memory, never printed.

WeChat's key is 32 bytes written as 64 hex characters. Every file has its own salt (its first
16 bytes), so the AES and MAC keys are derived per file; derivations are cached per salt
because PBKDF2 with 256,000 iterations costs a noticeable fraction of a second each time.
"""

from __future__ import annotations

import string
import threading
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from server.logging_setup import register_secret
from server.wechat.crypto.errors import InvalidKeyError
from server.wechat.crypto.params import (
    HMAC_SALT_MASK,
    KEY_SIZE,
    MAC_KDF_ITERATIONS,
    CipherProfile,
)

KEY_HEX_LENGTH = KEY_SIZE * 2


@dataclass(frozen=True, slots=True)
class PageKeys:
    """The AES key and the HMAC key for one file."""

    encryption: bytes = field(repr=False)
    mac: bytes = field(repr=False)


def check_key_text(text: str) -> str:
    """The key text stripped, or InvalidKeyError; the text itself never appears in the error."""
    cleaned = text.strip()
    if len(cleaned) != KEY_HEX_LENGTH:
        raise InvalidKeyError(f"it has {len(cleaned)} characters, not {KEY_HEX_LENGTH}")
    if not all(character in string.hexdigits for character in cleaned):
        raise InvalidKeyError("it contains characters other than 0-9 and a-f")
    return cleaned


class DatabaseKey:
    """A validated 32-byte key. `repr` and `str` hide it; the log redactor knows it."""

    __slots__ = ("_cache", "_lock", "_secret")

    def __init__(self, text: str) -> None:
        """Raises InvalidKeyError when `text` is not 64 hex characters."""
        cleaned = check_key_text(text)
        # Defence in depth: whatever logs the key by mistake, the handlers mask it.
        for form in (cleaned, cleaned.lower(), cleaned.upper()):
            register_secret(form)
        self._secret = bytes.fromhex(cleaned)
        self._cache: dict[tuple[CipherProfile, bytes], PageKeys] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "DatabaseKey(***)"

    __str__ = __repr__

    def derived_key(self, purpose: bytes) -> bytes:
        """A 32-byte key for another use of this key (HKDF-SHA256, `purpose` as its info):
        e.g. the search index's encryption, which must not reuse the database key itself."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose)
        return hkdf.derive(self._secret)

    def page_keys(self, profile: CipherProfile, salt: bytes) -> PageKeys:
        """The keys for a file with this salt in this format (derived once, then cached)."""
        cache_key = (profile, bytes(salt))
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        derived = _derive(self._secret, profile, cache_key[1])
        with self._lock:
            self._cache[cache_key] = derived
        return derived


def _derive(secret: bytes, profile: CipherProfile, salt: bytes) -> PageKeys:
    if profile.kdf_iterations:
        encryption = PBKDF2HMAC(profile.hash(), KEY_SIZE, salt, profile.kdf_iterations).derive(
            secret
        )
    else:
        encryption = secret
    mac_salt = bytes(byte ^ HMAC_SALT_MASK for byte in salt)
    mac = PBKDF2HMAC(profile.hash(), KEY_SIZE, mac_salt, MAC_KDF_ITERATIONS).derive(encryption)
    return PageKeys(encryption, mac)
