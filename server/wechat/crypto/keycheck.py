"""Checking every file against its own key before any work: page 1's HMAC, file by file.

With one master key, one file tells a wrong key (export.py checks the first). With keys per
file, each file can fail on its own, so each is checked and every failure is named at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from server.wechat.crypto.database import is_encrypted
from server.wechat.crypto.errors import KeysDoNotFitError, MissingKeyError, WrongKeyError
from server.wechat.crypto.keys import Keys
from server.wechat.crypto.pages import open_cipher
from server.wechat.crypto.params import profiles_for
from server.wechat.model import Layout

_HEAD_BYTES = 65536
_SMALLEST_PAGE = 1024


def check_every_file(paths: Iterable[Path], keys: Keys, layout: Layout | None) -> None:
    """Raises KeysDoNotFitError naming every encrypted file whose key is missing or wrong.

    Plain files, and files too short to hold one page (reported as truncated when read), are
    left to the reading itself.
    """
    missing: list[Path] = []
    wrong: list[Path] = []
    profiles = profiles_for(layout)
    for path in paths:
        with contextlib.suppress(OSError):
            if path.stat().st_size < _SMALLEST_PAGE or not is_encrypted(path):
                continue
            with path.open("rb") as handle:
                head = handle.read(_HEAD_BYTES)
            try:
                open_cipher(path, head, keys, profiles)
            except MissingKeyError:
                missing.append(path)
            except WrongKeyError:
                wrong.append(path)
    if missing or wrong:
        raise KeysDoNotFitError(missing, wrong)
