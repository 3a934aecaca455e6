"""Mode 1: plain SQLite copies of every database of a data folder, in the same layout.

Safe to run again and again: a file whose source is unchanged (size, mtime and a hash of its
first page, for it and its `-wal`, kept in a manifest in the output folder) is skipped. Each
copy is written to a temporary file beside its target, checked by SQLite (`quick_check`, or
`integrity_check` when asked) and only then renamed over the target, so a failure (wrong key,
corrupt page, WeChat writing, disk full) never replaces a good copy; chatlog renamed
unconditionally.

Full-text-search databases (any path containing "fts") are skipped as chatlog does: they are
large, and nothing here reads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from server.wechat.crypto.database import (
    FileSink,
    Progress,
    is_encrypted,
    read_database,
)
from server.wechat.crypto.keycheck import check_every_file
from server.wechat.crypto.keys import KeyRing, Keys
from server.wechat.crypto.pages import open_cipher
from server.wechat.crypto.params import profiles_for
from server.wechat.crypto.progress import ExportProgress, ExportState, ProgressCallback
from server.wechat.errors import DataDirNotFoundError, DataSourceError
from server.wechat.files import file_signature, wal_path
from server.wechat.layout import detect
from server.wechat.model import Layout

logger = logging.getLogger(__name__)

MANIFEST_NAME = ".chatlog-tray-decrypt.json"
_HEAD_BYTES = 65536


class ExportCheckError(DataSourceError):
    def __init__(self, path: Path, result: str) -> None:
        super().__init__(f"the decrypted copy of {path.name} failed SQLite's check: {result}")
        self.path = path


@dataclass(slots=True)
class ExportResult:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed


def database_files(source: Path, exclude: Path | None = None) -> list[Path]:
    """Every `*.db` below `source` but full-text-search ones (and nothing inside `exclude`)."""
    found = []
    for path in sorted(source.rglob("*.db")):
        relative = path.relative_to(source).as_posix()
        if "fts" in relative or not path.is_file():
            continue
        if exclude is not None and path.resolve().is_relative_to(exclude.resolve()):
            continue
        found.append(path)
    return found


def export(
    source: Path,
    out: Path,
    key: Keys,
    progress: ProgressCallback | None = None,
    *,
    full_check: bool = False,
) -> ExportResult:
    """Write plain copies of `source`'s databases under `out`.

    Raises:
        DataDirNotFoundError: `source` is not a folder.
        WrongKeyError: the key does not open the folder's first encrypted database (checked
            before anything is written).
        KeysDoNotFitError: with keys per file, the files whose key is missing or wrong.
    """
    if not source.is_dir():
        raise DataDirNotFoundError(source)
    layout = _layout(source)
    files = database_files(source, exclude=out)
    _check_key(files, key, layout)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(source, out, key, layout, files, progress, full_check)
    for index, path in enumerate(files, start=1):
        run.copy(index, path)
    return run.result


class _Run:
    """One export: the manifest, the running byte count and the result."""

    def __init__(
        self,
        source: Path,
        out: Path,
        key: Keys,
        layout: Layout | None,
        files: list[Path],
        progress: ProgressCallback | None,
        full_check: bool,
    ) -> None:
        self.source, self.out, self.key, self.layout = source, out, key, layout
        self.files, self.progress, self.full_check = files, progress, full_check
        self.manifest = _load_manifest(out)
        self.total = sum(_size(path) + _size(wal_path(path)) for path in files)
        self.done = 0
        self.result = ExportResult()

    def copy(self, index: int, path: Path) -> None:
        relative = path.relative_to(self.source).as_posix()
        size = _size(path) + _size(wal_path(path))
        start = self.done
        target = self.out / relative
        stamp = _stamp(path)
        recorded = self.manifest.get(relative, {})
        if recorded.get("source") == stamp and recorded.get("size") == _size(target):
            self.done = start + size
            self.result.skipped.append(relative)
            self._report(relative, index, "skipped")
            return

        def on_bytes(count: int) -> None:
            self.done = min(self.done + count, start + size)
            self._report(relative, index, "reading")

        try:
            _write_copy(path, target, self.key, self.layout, on_bytes, self.full_check)
        except (DataSourceError, OSError, sqlite3.Error) as error:
            self.done = start + size
            self.result.failed[relative] = str(error)
            self._report(relative, index, "failed", str(error))
            logger.warning("not decrypted: %s", error)
            return
        self.done = start + size
        self.manifest[relative] = {"source": stamp, "size": _size(target)}
        _save_manifest(self.out, self.manifest)
        self.result.written.append(relative)
        self._report(relative, index, "written")

    def _report(self, relative: str, index: int, state: ExportState, message: str = "") -> None:
        if self.progress:
            self.progress(
                ExportProgress(
                    relative, index, len(self.files), self.done, self.total, state, message
                )
            )


def _layout(source: Path) -> Layout | None:
    try:
        return detect(source).layout
    except DataSourceError:
        return None


def _check_key(files: list[Path], key: Keys, layout: Layout | None) -> None:
    if isinstance(key, KeyRing) and key.has_file_keys:
        check_every_file(files, key, layout)  # each file has its own key to check
        return
    # One file is enough to tell a wrong key, and it fails before any output is written.
    for path in files:
        with contextlib.suppress(OSError):
            if _size(path) >= _HEAD_BYTES // 16 and is_encrypted(path):
                with path.open("rb") as handle:
                    open_cipher(path, handle.read(_HEAD_BYTES), key, profiles_for(layout))
                return


def _write_copy(
    path: Path,
    target: Path,
    key: Keys,
    layout: Layout | None,
    on_bytes: Progress,
    full_check: bool,
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".partial", dir=target.parent
    )
    try:
        with os.fdopen(descriptor, "w+b") as handle:
            read_database(path, FileSink(handle), key, layout, on_bytes)
            handle.flush()
            os.fsync(handle.fileno())
        _verify(Path(temporary), path, full_check)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _verify(copy: Path, source: Path, full_check: bool) -> None:
    pragma = "integrity_check" if full_check else "quick_check"
    uri = f"{copy.resolve().as_uri()}?mode=ro&immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    if rows != [("ok",)]:
        raise ExportCheckError(source, "; ".join(str(row[0]) for row in rows[:3]))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _stamp(path: Path) -> list[Any]:
    head = hashlib.sha256()
    for candidate in (path, wal_path(path)):
        with contextlib.suppress(FileNotFoundError), candidate.open("rb") as handle:
            head.update(handle.read(_HEAD_BYTES))
    return [*file_signature(path), head.hexdigest()]


def _load_manifest(out: Path) -> dict[str, dict[str, Any]]:
    try:
        loaded = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _save_manifest(out: Path, manifest: dict[str, dict[str, Any]]) -> None:
    temporary = out / f"{MANIFEST_NAME}.partial"
    temporary.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, out / MANIFEST_NAME)
