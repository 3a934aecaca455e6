"""Change one member of a client's JSON config file safely: backup first, then an atomic write.

The file belongs to another app and holds the user's other servers and settings, so a
failure must leave it exactly as it was: the new text goes to a temporary file in the same
folder, which then replaces the original in one step (`os.replace`), keeping its
permissions. A file we cannot parse or may not write is never touched, and the error names
the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server.connect import jsonc

BACKUP_SUFFIX = ".chatlog-backup"
NEW_FILE_MODE = 0o600  # our entry holds a token: a file we create is the user's only


class ConfigFileError(Exception):
    """The config file cannot be read, parsed or written; the message names it and says why."""


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def read(path: Path, *, allow_comments: bool) -> Any:
    """The file's content (an empty object if the file is missing or blank)."""
    text = _read_text(path)
    try:
        return jsonc.loads(text, allow_comments=allow_comments)
    except jsonc.JsoncError as error:
        raise ConfigFileError(_unparseable(path, error)) from None


def set_member(path: Path, container: str, key: str, value: Any, *, allow_comments: bool) -> None:
    """Write `root[container][key] = value` into the file, creating it (and its folder)."""
    _edit(
        path,
        lambda text: jsonc.set_member(text, container, key, value, allow_comments=allow_comments),
    )


def remove_member(path: Path, container: str, key: str, *, allow_comments: bool) -> bool:
    """Delete `root[container][key]` from the file; False (and no write) if it was not there."""
    if not path.exists():
        return False
    changed = False

    def edit(text: str) -> str:
        nonlocal changed
        result = jsonc.remove_member(text, container, key, allow_comments=allow_comments)
        changed = result != text
        return result

    _edit(path, edit, write_unchanged=False)
    return changed


def _edit(path: Path, change: Callable[[str], str], *, write_unchanged: bool = True) -> None:
    text = _read_text(path)
    try:
        new = change(text)
    except jsonc.JsoncError as error:
        raise ConfigFileError(_unparseable(path, error)) from None
    if new == text and not write_unchanged:
        return
    _check_writable(path)
    if path.exists():
        try:
            shutil.copy2(path, backup_path(path))
        except OSError as error:
            raise ConfigFileError(f"cannot back up {path}: {_reason(error)}") from None
    write_atomic(path, new)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigFileError(f"cannot read {path}: {_reason(error)}") from None


def _unparseable(path: Path, error: Exception) -> str:
    return f"{path} is not valid JSON ({error}); it was left as it is: fix it, then try again"


def _check_writable(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise ConfigFileError(f"cannot read {path}: {_reason(error)}") from None
    # The owner's write bit, not os.access: an administrator may write anything, but a file
    # the user marked read-only is one they do not want changed.
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise ConfigFileError(f"{path} is read-only; make it writable, then try again")


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` by `text` in one step, keeping its permissions (0600 for a new file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = NEW_FILE_MODE
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise ConfigFileError(f"cannot write {path}: {_reason(error)}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise ConfigFileError(f"cannot write {path}: {_reason(error)}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)
