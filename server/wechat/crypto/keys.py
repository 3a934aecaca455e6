"""The user's database keys: parsed once, held only in memory, never printed.

WeChat's master key is 32 bytes written as 64 hex characters. Every file has its own salt (its
first 16 bytes), so the AES and MAC keys are derived per file; derivations are cached per salt
because PBKDF2 with 256,000 iterations costs a noticeable fraction of a second each time.

Key tools for WeChat 4.x often give instead one *raw* key per file: the PBKDF2 output for that
file's salt, so only the MAC key is derived from it (`RawKey`). SQLCipher's raw-key syntax
`x'<64 hex key><32 hex salt>'` binds such a key to the file with that salt. `KeyRing` holds
every form at once and answers "the key for this file" (docs/encryption.md, "Key forms").
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

# The written forms are checked in server/key_text.py, without loading any cryptography.
from server.key_text import KEY_HEX_LENGTH as KEY_HEX_LENGTH
from server.key_text import SALT_HEX_LENGTH as SALT_HEX_LENGTH
from server.key_text import check_hex as _check_hex
from server.key_text import check_key_text as check_key_text
from server.key_text import raw_key_body as _raw_key_body
from server.logging_setup import register_secret
from server.wechat.crypto.errors import InvalidKeyError
from server.wechat.crypto.params import (
    HMAC_SALT_MASK,
    KEY_SIZE,
    MAC_KDF_ITERATIONS,
    CipherProfile,
)


@dataclass(frozen=True, slots=True)
class PageKeys:
    """The AES key and the HMAC key for one file."""

    encryption: bytes = field(repr=False)
    mac: bytes = field(repr=False)


def _register(cleaned: str) -> None:
    # Defence in depth: whatever logs a key by mistake, the handlers mask it.
    for form in (cleaned, cleaned.lower(), cleaned.upper()):
        register_secret(form)


class DatabaseKey:
    """A validated 32-byte key. `repr` and `str` hide it; the log redactor knows it."""

    __slots__ = ("_cache", "_lock", "_secret")

    def __init__(self, text: str) -> None:
        """Raises InvalidKeyError when `text` is not 64 hex characters."""
        cleaned = check_key_text(text)
        if _raw_key_body(cleaned) is not None:
            raise InvalidKeyError("a raw key x'...' is not a master key")
        _register(cleaned)
        self._secret = bytes.fromhex(cleaned)
        self._cache: dict[tuple[CipherProfile, bytes], PageKeys] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "DatabaseKey(***)"

    __str__ = __repr__

    def derived_key(self, purpose: bytes) -> bytes:
        """A 32-byte key for another use of this key (HKDF-SHA256, `purpose` as its info):
        e.g. the search index's encryption, which must not reuse the database key itself."""
        return _hkdf(self._secret, purpose)

    def page_keys(self, profile: CipherProfile, salt: bytes) -> PageKeys:
        """The keys for a file with this salt in this format (derived once, then cached)."""
        cache_key = (profile, bytes(salt))
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        derived = _derive(self._secret, profile, cache_key[1], raw=False)
        with self._lock:
            self._cache[cache_key] = derived
        return derived


class RawKey:
    """A file's own page key (the PBKDF2 output for its salt): only the MAC key is derived.

    `salt` set: the key belongs to the one file whose first 16 bytes are that salt (the
    `x'<key><salt>'` form).
    """

    __slots__ = ("_cache", "_lock", "_secret", "salt")

    def __init__(self, key_hex: str, salt: bytes | None = None) -> None:
        """Raises InvalidKeyError when `key_hex` is not 64 hex characters."""
        cleaned = key_hex.strip()
        if len(cleaned) != KEY_HEX_LENGTH:
            raise InvalidKeyError(f"it has {len(cleaned)} characters, not {KEY_HEX_LENGTH}")
        _check_hex(cleaned)
        _register(cleaned)
        self._secret = bytes.fromhex(cleaned)
        self.salt = salt
        self._cache: dict[tuple[CipherProfile, bytes], PageKeys] = {}
        self._lock = threading.Lock()

    @classmethod
    def parse(cls, text: str) -> RawKey:
        """`x'<64 hex>'`, `x'<64 hex><32 hex salt>'` or plain 64 hex (an `enc_key`)."""
        cleaned = check_key_text(text)
        body = _raw_key_body(cleaned)
        if body is None:
            return cls(cleaned)
        _register(cleaned)  # the x'...' text as typed; the key part is registered below
        salt = bytes.fromhex(body[KEY_HEX_LENGTH:]) if len(body) > KEY_HEX_LENGTH else None
        return cls(body[:KEY_HEX_LENGTH], salt)

    def __repr__(self) -> str:
        return "RawKey(***)"

    __str__ = __repr__

    def derived_key(self, purpose: bytes) -> bytes:
        """As `DatabaseKey.derived_key`, from this raw key."""
        return _hkdf(self._secret, purpose)

    def page_keys(self, profile: CipherProfile, salt: bytes) -> PageKeys:
        """The keys for a file with this salt in this format (MAC key derived once)."""
        cache_key = (profile, bytes(salt))
        with self._lock:
            cached = self._cache.get(cache_key)
        if cached is None:
            cached = _derive(self._secret, profile, cache_key[1], raw=True)
            with self._lock:
                self._cache[cache_key] = cached
        return cached


type KeySource = DatabaseKey | RawKey


def _hkdf(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


def parse_key(text: str) -> KeySource:
    """The key typed in the key field: a master key, or SQLCipher's raw key `x'...'`.

    Raises InvalidKeyError.
    """
    cleaned = check_key_text(text)
    return RawKey.parse(cleaned) if _raw_key_body(cleaned) is not None else DatabaseKey(cleaned)


def normalise_relative(relative: str) -> str:
    """A key file's relative path in one spelling: either separator, any case."""
    return "/".join(part for part in relative.replace("\\", "/").split("/") if part).casefold()


class KeyRing:
    """Every key the user gave: a master key, raw keys per relative path, raw keys per salt.

    `key_for` prefers the most specific: a key bound to the file's salt, then one for its
    relative path, then the master key.
    """

    __slots__ = ("_by_path", "_by_salt", "_master")

    def __init__(
        self, master: KeySource | None = None, files: Mapping[str, RawKey] | None = None
    ) -> None:
        self._by_salt: dict[bytes, RawKey] = {}
        if isinstance(master, RawKey) and master.salt is not None:
            self._by_salt[master.salt] = master
            master = None
        self._master = master
        self._by_path = {normalise_relative(name): key for name, key in (files or {}).items()}

    @classmethod
    def from_texts(cls, key: str | None, files: Mapping[str, str] | None = None) -> KeyRing | None:
        """The ring for a key field's text and a key file's entries; None when both are empty.

        Raises InvalidKeyError (naming the entry, never the key).
        """
        master = parse_key(key) if key and key.strip() else None
        parsed: dict[str, RawKey] = {}
        for name, text in (files or {}).items():
            try:
                parsed[name] = RawKey.parse(text)
            except InvalidKeyError as error:
                raise InvalidKeyError(f"the key for {name} is invalid ({error})") from None
        if master is None and not parsed:
            return None
        return cls(master, parsed)

    def derived_key(self, purpose: bytes) -> bytes:
        """A key for another use (the search index): from the master key when there is one,
        else from every per-file key together, in a fixed order, so it stays the same for
        the same keys."""
        if self._master is not None:
            return self._master.derived_key(purpose)
        parts = [key.derived_key(purpose) for _name, key in sorted(self._by_path.items())]
        parts += [self._by_salt[salt].derived_key(purpose) for salt in sorted(self._by_salt)]
        return _hkdf(b"".join(parts), purpose)

    def __repr__(self) -> str:
        return f"KeyRing({len(self._by_path)} files, master={self._master is not None})"

    __str__ = __repr__

    @property
    def has_file_keys(self) -> bool:
        return bool(self._by_path or self._by_salt)

    def key_for(self, path: Path, salt: bytes) -> KeySource | None:
        """The key for the file at `path` whose first 16 bytes are `salt`, if the ring has one.

        A relative path matches the end of `path` (key files name files relative to the
        account's db_storage folder, which the ring does not know).
        """
        by_salt = self._by_salt.get(bytes(salt))
        if by_salt is not None:
            return by_salt
        if self._by_path:
            parts = [part.casefold() for part in path.parts]
            for start in range(len(parts) - 1, -1, -1):
                found = self._by_path.get("/".join(parts[start:]))
                if found is not None:
                    return found
        return self._master


type Keys = KeySource | KeyRing


def _derive(secret: bytes, profile: CipherProfile, salt: bytes, *, raw: bool) -> PageKeys:
    if profile.kdf_iterations and not raw:
        encryption = PBKDF2HMAC(profile.hash(), KEY_SIZE, salt, profile.kdf_iterations).derive(
            secret
        )
    else:
        encryption = secret
    mac_salt = bytes(byte ^ HMAC_SALT_MASK for byte in salt)
    mac = PBKDF2HMAC(profile.hash(), KEY_SIZE, mac_salt, MAC_KDF_ITERATIONS).derive(encryption)
    return PageKeys(encryption, mac)
