"""Mode 1: plain copies in the same layout, incremental, verified, never a broken copy."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from devtools.demo import Dataset
from server.wechat.crypto.errors import WrongKeyError
from server.wechat.crypto.export import export
from server.wechat.crypto.keys import DatabaseKey
from server.wechat.crypto.progress import ExportProgress
from server.wechat.errors import DataDirNotFoundError
from server.wechat.model import Layout
from server.wechat.store import open_store
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY, PROFILE, table_contents


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.asyncio
async def test_the_export_mirrors_the_layout_with_the_original_tables(
    encrypted_dir: Path,
    generated: dict[Layout, tuple[Path, Dataset]],
    layout: Layout,
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    events: list[ExportProgress] = []
    result = export(encrypted_dir, out, DatabaseKey(KEY), events.append)
    plain_root = generated[layout][0]
    names = sorted(p.relative_to(plain_root).as_posix() for p in plain_root.rglob("*.db"))
    assert result.ok and sorted(result.written) == names
    for name in names:
        assert table_contents(out / name) == table_contents(plain_root / name)
    assert events[-1].state == "written" and events[-1].fraction == 1.0
    assert any(event.state == "reading" for event in events)
    plain_store, copy_store = open_store(plain_root), open_store(out)
    assert await copy_store.messages(limit=0) == await plain_store.messages(limit=0)
    assert await copy_store.sessions() == await plain_store.sessions()
    await plain_store.close()
    await copy_store.close()


def test_unchanged_files_are_skipped_and_changed_ones_redone(
    encrypted_copy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = export(encrypted_copy, out, DatabaseKey(KEY))
    again = export(encrypted_copy, out, DatabaseKey(KEY))
    assert again.written == [] and sorted(again.skipped) == sorted(first.written)
    changed = sorted(encrypted_copy.rglob("*.db"))[0]
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    third = export(encrypted_copy, out, DatabaseKey(KEY))
    assert third.written == [changed.relative_to(encrypted_copy).as_posix()]


def test_a_deleted_copy_is_written_again(encrypted_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export(encrypted_copy, out, DatabaseKey(KEY))
    (out / first.written[0]).unlink()
    assert export(encrypted_copy, out, DatabaseKey(KEY)).written == [first.written[0]]


def test_a_failed_file_never_replaces_its_good_copy(
    encrypted_copy: Path, tmp_path: Path, layout: Layout
) -> None:
    out = tmp_path / "out"
    export(encrypted_copy, out, DatabaseKey(KEY))
    source = max(encrypted_copy.rglob("*.db"), key=lambda p: p.stat().st_size)
    name = source.relative_to(encrypted_copy).as_posix()
    good = digest(out / name)
    page_size = PROFILE[layout].page_size
    with source.open("r+b") as handle:  # damage page 2 after the good export
        handle.seek(page_size + 10)
        handle.write(b"\x00\xff\x00\xff")
    result = export(encrypted_copy, out, DatabaseKey(KEY))
    assert list(result.failed) == [name]
    assert "page 2" in result.failed[name] and str(source) in result.failed[name]
    assert digest(out / name) == good
    assert not list(out.rglob("*.partial"))


def test_a_wrong_key_stops_before_anything_is_written(encrypted_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(WrongKeyError, match="Wrong key for this data"):
        export(encrypted_dir, out, DatabaseKey(OTHER_KEY))
    assert not out.exists()


def test_a_missing_source_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DataDirNotFoundError):
        export(tmp_path / "nowhere", tmp_path / "out", DatabaseKey(KEY))
