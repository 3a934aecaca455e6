"""The page formats WeChat's databases use, one profile per WeChat generation.

docs/encryption.md, "Formats", has them as a table.

All three are SQLCipher formats: Windows 3.x is SQLCipher 3's default, 4.x (Windows and macOS)
is SQLCipher 4's, and macOS 3.x uses 1 KiB pages with the raw key (no KDF on the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives import hashes

from server.wechat.model import Layout

SALT_SIZE = 16
IV_SIZE = 16
KEY_SIZE = 32
AES_BLOCK = 16
HMAC_SALT_MASK = 0x3A  # SQLCipher's mask: the MAC key's salt is the file's salt XOR 0x3a
MAC_KDF_ITERATIONS = 2
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True, slots=True)
class CipherProfile:
    """How one WeChat generation encrypts its database pages."""

    name: str
    page_size: int
    digest: Literal["sha1", "sha512"]
    kdf_iterations: int  # 0: the key is the AES key itself (macOS 3.x)

    @property
    def hmac_size(self) -> int:
        return 20 if self.digest == "sha1" else 64

    @property
    def reserve(self) -> int:
        """Bytes at the end of each page for the IV and HMAC, rounded up to an AES block."""
        needed = IV_SIZE + self.hmac_size
        return (needed + AES_BLOCK - 1) // AES_BLOCK * AES_BLOCK

    def hash(self) -> hashes.HashAlgorithm:
        return hashes.SHA1() if self.digest == "sha1" else hashes.SHA512()


WINDOWS_V3 = CipherProfile("WeChat 3.x for Windows", 4096, "sha1", 64_000)
V4 = CipherProfile("WeChat 4.x", 4096, "sha512", 256_000)
DARWIN_V3 = CipherProfile("WeChat 3.x for Mac", 1024, "sha1", 0)

_BY_LAYOUT = {Layout.V4: V4, Layout.WINDOWS_V3: WINDOWS_V3, Layout.DARWIN_V3: DARWIN_V3}


def profiles_for(layout: Layout | None) -> tuple[CipherProfile, ...]:
    """Every profile, the layout's own first: a file is tried against the likeliest format
    first, and a mislabelled folder still decrypts (at the cost of one more key derivation)."""
    preferred = _BY_LAYOUT.get(layout) if layout is not None else None
    ordered = [preferred] if preferred else []
    ordered += [profile for profile in (V4, WINDOWS_V3, DARWIN_V3) if profile is not preferred]
    return tuple(ordered)


def layout_hint(path: Path) -> Layout | None:
    """The layout a database file's place suggests, to try its format first (a guess only:
    every profile is still tried)."""
    parts = set(path.parts)
    if "db_storage" in parts:
        return Layout.V4
    if "Msg" in parts:
        return Layout.WINDOWS_V3
    if parts & {"Message", "Contact", "Group", "Session"}:
        return Layout.DARWIN_V3
    return None
