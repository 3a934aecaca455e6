"""Page decryption: verify each page's HMAC, then AES-256-CBC-decrypt it.

The formats are in docs/encryption.md, "Formats".

Encrypted page n (1-based), P bytes with R reserved at its end:
    [salt: 16, page 1 only][ciphertext][IV: 16][HMAC][padding]  <- the last R bytes
The HMAC covers the ciphertext plus the IV, then n as a 4-byte little-endian number. Page 1's
first 16 bytes hold the file's salt instead of ciphertext; its plaintext gets SQLite's header
there. The reserve is kept as is, so the plaintext page still says "R bytes reserved" (header
byte 20) and SQLite reads it unchanged.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from server.wechat.crypto.errors import MissingKeyError, PageAuthenticationError, WrongKeyError
from server.wechat.crypto.keys import KeyRing, Keys, PageKeys
from server.wechat.crypto.params import IV_SIZE, SALT_SIZE, SQLITE_HEADER, CipherProfile

type Buffer = bytes | bytearray | memoryview


class PageCipher:
    """Decrypts the pages of one file, whose format and keys are known."""

    def __init__(self, path: Path, profile: CipherProfile, keys: PageKeys) -> None:
        self.path = path
        self.profile = profile
        self._algorithm = algorithms.AES256(keys.encryption)
        self._mac = hmac.HMAC(keys.mac, profile.hash())
        self._zero_page = bytes(profile.page_size)

    def authentic(self, page: Buffer, number: int) -> bool:
        """Whether the page's stored HMAC matches its content and its page number."""
        size, reserve = self.profile.page_size, self.profile.reserve
        start = SALT_SIZE if number == 1 else 0
        tag_at = size - reserve + IV_SIZE
        mac = self._mac.copy()
        mac.update(page[start:tag_at])
        mac.update(number.to_bytes(4, "little"))
        try:
            mac.verify(bytes(page[tag_at : tag_at + self.profile.hmac_size]))
        except InvalidSignature:
            return False
        return True

    def decrypt(self, data: Buffer, first_page: int, *, wal: bool = False) -> bytearray:
        """The plaintext of whole pages starting at page number `first_page`.

        Raises:
            PageAuthenticationError: a page's HMAC fails (names the file and the page).
        """
        size, reserve = self.profile.page_size, self.profile.reserve
        view = memoryview(data)
        out = bytearray(len(view))
        text_end = size - reserve
        for index in range(len(view) // size):
            number = first_page + index
            page = view[index * size : (index + 1) * size]
            if not self.authentic(page, number):
                if page == self._zero_page:  # never-written pages stay zero (docs/encryption.md)
                    continue
                raise PageAuthenticationError(self.path, number, wal=wal)
            start = SALT_SIZE if number == 1 else 0
            base = index * size
            decryptor = Cipher(
                self._algorithm, modes.CBC(bytes(page[text_end : text_end + IV_SIZE]))
            ).decryptor()
            out[base + start : base + text_end] = decryptor.update(page[start:text_end])
            out[base + text_end : base + size] = page[text_end:]
            if number == 1:
                out[:SALT_SIZE] = SQLITE_HEADER
        return out


def open_cipher(
    path: Path, first_page: Buffer, key: Keys, profiles: tuple[CipherProfile, ...]
) -> PageCipher:
    """The cipher for a file whose first page (at least one page of the largest profile's
    size, or the whole file when shorter) is `first_page`: the key is checked here, before any
    other work.

    Raises:
        MissingKeyError: `key` is a ring with no key for this file.
        WrongKeyError: no profile's HMAC matches page 1 with this file's key.
    """
    salt = bytes(first_page[:SALT_SIZE])
    if isinstance(key, KeyRing):
        source = key.key_for(path, salt)
        if source is None:
            raise MissingKeyError(path)
        key = source
    for profile in profiles:
        if len(first_page) < profile.page_size:
            continue
        cipher = PageCipher(path, profile, key.page_keys(profile, salt))
        if cipher.authentic(memoryview(first_page)[: profile.page_size], 1):
            return cipher
    raise WrongKeyError(path)
