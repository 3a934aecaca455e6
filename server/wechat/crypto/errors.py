"""Errors of decryption, each with a message fit to show a user.

    InvalidKeyError (ValueError)       the key text is not 64 hexadecimal characters (or x'...')
    KeyFileError (ValueError)          a key file that cannot be read or holds no key
    DataSourceError (server.wechat.errors)
     ├── EncryptedDatabaseError        a database is encrypted and no key was given
     │                                 (a DatabaseUnreadableError)
     ├── WrongKeyError                 the key does not open this data
     ├── MissingKeyError               keys were given per file, none for this one
     ├── KeysDoNotFitError             the files whose key is missing or wrong, all named
     ├── TruncatedDatabaseError        the file ends inside a page
     ├── PageAuthenticationError       a page's HMAC does not match: corrupt or tampered with
     ├── DatabaseChangingError         the file kept changing while it was read (WeChat writing)
     └── MissingDatabaseError          the file vanished before it could be read

None of them ever carries the key.
"""

from __future__ import annotations

from pathlib import Path

# Defined beside the key checks that raise it, which need no cryptography.
from server.key_text import InvalidKeyError as InvalidKeyError
from server.wechat.errors import DatabaseUnreadableError, DataSourceError


class KeyFileError(ValueError):
    def __init__(self, path: Path, reason: str) -> None:
        # Only the reason and the file's place: never an entry's key.
        super().__init__(f"Cannot use the key file {path}: {reason}.")
        self.path = path


class EncryptedDatabaseError(DatabaseUnreadableError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            path,
            "it is encrypted (or not a SQLite database). Start the server with --key and the "
            "account's 64-character database key, or decrypt the folder first with "
            "'chatlog-tray decrypt'",
        )


class WrongKeyError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Wrong key for this data: {path} does not decrypt with the given key "
            "(tried the WeChat 4.x, 3.x Windows and 3.x Mac formats)."
        )
        self.path = path


class MissingKeyError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"No key for {path.name} ({path}): the key file has no entry for it and no master "
            "key was given. Export the keys again with this file included."
        )
        self.path = path


class KeysDoNotFitError(DataSourceError):
    """Some files have no key or a wrong one; each is named (the key never is)."""

    def __init__(self, missing: list[Path], wrong: list[Path]) -> None:
        parts = []
        if missing:
            parts.append("no key for " + ", ".join(str(path) for path in missing))
        if wrong:
            parts.append("wrong key for " + ", ".join(str(path) for path in wrong))
        super().__init__("The keys do not open every database: " + "; ".join(parts) + ".")
        self.missing = missing
        self.wrong = wrong


class TruncatedDatabaseError(DataSourceError):
    def __init__(self, path: Path, page: int, size: int, page_size: int) -> None:
        super().__init__(
            f"{path} is truncated: page {page} is incomplete ({size} bytes is not a whole "
            f"number of {page_size}-byte pages). Copy the file again once WeChat has closed it."
        )
        self.path = path
        self.page = page


class PageAuthenticationError(DataSourceError):
    def __init__(self, path: Path, page: int, *, wal: bool = False) -> None:
        where = f"page {page} (in its -wal file)" if wal else f"page {page}"
        super().__init__(
            f"{path}: {where} failed its integrity check (HMAC mismatch); the file is corrupt "
            "or was modified."
        )
        self.path = path
        self.page = page


class DatabaseChangingError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} changed while it was being read (WeChat is writing it right now); "
            "try again in a moment."
        )
        self.path = path


class MissingDatabaseError(DataSourceError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is missing (deleted or moved while it was being read).")
        self.path = path
