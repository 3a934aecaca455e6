"""Every key form: a key file of raw keys per database, SQLCipher's x'<key><salt>', mixed."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from desktop.main import main
from server.cli import parse_args
from server.composition import keys_of
from server.config import ServerConfig
from server.logging_setup import redactor
from server.wechat.crypto.errors import (
    InvalidKeyError,
    KeyFileError,
    KeysDoNotFitError,
    MissingKeyError,
    WrongKeyError,
)
from server.wechat.crypto.export import export
from server.wechat.crypto.keyfile import parse_key_file, read_key_file
from server.wechat.crypto.keys import KeyRing, RawKey, parse_key
from server.wechat.model import Layout
from server.wechat.store import open_store
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY
from tests.unit.wechat.crypto.keyfiles import (
    key_file_entries,
    raw_key,
    salted_raw_key,
    write_key_file,
)


@pytest.fixture
def v4_encrypted(encrypted: dict[Layout, Path], tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(encrypted[Layout.V4], target)
    return target


@pytest.fixture
def v4_plain(generated: dict[Layout, tuple[Path, object]]) -> Path:
    return generated[Layout.V4][0]


async def _everything(path: Path, keys: KeyRing | None) -> list[object]:
    store = open_store(path, keys)
    try:
        return [
            await store.sessions(limit=0),
            await store.contacts(limit=0),
            await store.messages(limit=0),
        ]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_key_file_alone_reads_everything_like_the_plain_data(
    v4_encrypted: Path, v4_plain: Path, tmp_path: Path
) -> None:
    key_file = write_key_file(tmp_path / "all_keys.json", v4_encrypted)
    keys = KeyRing.from_texts(None, read_key_file(key_file))
    assert await _everything(v4_encrypted, keys) == await _everything(v4_plain, None)


@pytest.mark.asyncio
async def test_the_raw_key_with_its_salt_opens_its_own_file_only(v4_encrypted: Path) -> None:
    shard = v4_encrypted / "db_storage" / "message" / "message_0.db"
    other = v4_encrypted / "db_storage" / "contact" / "contact.db"
    text = salted_raw_key(shard)
    ring = KeyRing.from_texts(text)
    assert ring is not None
    head = shard.read_bytes()[:65536]
    assert isinstance(ring.key_for(shard, head[:16]), RawKey)
    assert ring.key_for(other, other.read_bytes()[:16]) is None
    # The typed form passes the key field's check and mixes with a master key's ring.
    assert ServerConfig(key=text).key is not None
    assert isinstance(parse_key(f"x'{raw_key(shard)}'"), RawKey)


@pytest.mark.asyncio
async def test_the_master_key_opens_what_the_key_file_does_not_name(
    v4_encrypted: Path, v4_plain: Path
) -> None:
    files = {
        name: entry["enc_key"]
        for name, entry in key_file_entries(v4_encrypted, leave_out="contact.db").items()
        if not name.startswith("_")
    }
    keys = KeyRing.from_texts(KEY, files)
    assert await _everything(v4_encrypted, keys) == await _everything(v4_plain, None)


@pytest.mark.asyncio
async def test_a_key_file_missing_a_file_names_it_before_export_writes_anything(
    v4_encrypted: Path, tmp_path: Path
) -> None:
    key_file = write_key_file(tmp_path / "k.json", v4_encrypted, leave_out="message_1.db")
    entries = read_key_file(key_file)
    contact = next(name for name in entries if name.endswith("contact.db"))
    entries[contact] = OTHER_KEY  # and a wrong key for another file
    keys = KeyRing.from_texts(None, entries)
    assert keys is not None
    with pytest.raises(KeysDoNotFitError) as raised:
        export(v4_encrypted, tmp_path / "out", keys)
    assert [path.name for path in raised.value.missing] == ["message_1.db"]
    assert [path.name for path in raised.value.wrong] == ["contact.db"]
    assert "message_1.db" in str(raised.value) and OTHER_KEY not in str(raised.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.asyncio
async def test_reading_a_file_without_its_key_is_a_typed_error(v4_encrypted: Path) -> None:
    keys = KeyRing.from_texts(
        None,
        {
            "message\\message_0.db": raw_key(
                v4_encrypted / "db_storage" / "message" / "message_0.db"
            )
        },
    )
    store = open_store(v4_encrypted, keys)
    with pytest.raises(MissingKeyError, match=r"contact\.db"):
        await store.contacts()
    await store.close()


@pytest.mark.asyncio
async def test_a_wrong_raw_key_is_a_wrong_key(v4_encrypted: Path) -> None:
    store = open_store(v4_encrypted, KeyRing.from_texts(None, {"contact/contact.db": OTHER_KEY}))
    with pytest.raises((WrongKeyError, MissingKeyError)):
        await store.contacts()
    await store.close()


def test_the_key_file_format(tmp_path: Path) -> None:
    path = tmp_path / "all_keys.json"
    text = json.dumps(
        {"message\\message_0.db": {"enc_key": KEY}, "a/b.db": OTHER_KEY, "_meta": {"x": 1}}
    )
    assert parse_key_file(text, path) == {"message\\message_0.db": KEY, "a/b.db": OTHER_KEY}
    with pytest.raises(KeyFileError, match=r"'bad\.db'") as raised:
        parse_key_file(json.dumps({"bad.db": {"enc_key": KEY[:-2] + "zz"}}), path)
    assert KEY[:-2] not in str(raised.value)
    with pytest.raises(KeyFileError, match="no enc_key"):
        parse_key_file(json.dumps({"a.db": {"key": KEY}}), path)
    with pytest.raises(KeyFileError, match="no database key"):
        parse_key_file(json.dumps({"_meta": {}}), path)
    with pytest.raises(KeyFileError, match="not JSON"):
        parse_key_file("{", path)
    with pytest.raises(InvalidKeyError):
        parse_key("x'abcd'")


def test_either_separator_and_any_case_name_the_same_file() -> None:
    ring = KeyRing.from_texts(None, {"Message\\message_0.db": KEY})
    assert ring is not None
    found = ring.key_for(Path("/x/db_storage/message/MESSAGE_0.db"), bytes(16))
    assert found is not None and ring.key_for(Path("/x/message_0.db"), bytes(16)) is None
    assert ring.key_for(Path("/x/db_storage/other/message_0.db"), bytes(16)) is None
    assert "***" in repr(found) and KEY not in repr(ring)


def test_the_key_file_flag_loads_masked_secrets(tmp_path: Path) -> None:
    path = tmp_path / "all_keys.json"
    path.write_text(json.dumps({"contact\\contact.db": {"enc_key": OTHER_KEY}}))
    _, config = parse_args(["--key-file", str(path)], environ={})
    assert list(config.file_keys) == ["contact\\contact.db"]
    assert OTHER_KEY not in repr(config) and OTHER_KEY in redactor.secrets
    assert keys_of(config) is not None
    record = logging.LogRecord("t", logging.INFO, "", 0, f"leak {OTHER_KEY}", None, None)
    redactor.filter(record)
    assert OTHER_KEY not in record.getMessage()


def test_decrypt_takes_a_key_file(
    encrypted: dict[Layout, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = encrypted[Layout.V4]
    key_file = write_key_file(tmp_path / "k.json", source)
    out = tmp_path / "out"
    args = ["--data-dir", str(source), "--key-file", str(key_file), "--out", str(out)]
    assert main(["decrypt", *args, "--quiet"]) == 0
    assert sorted(p.name for p in out.rglob("*.db")) == sorted(p.name for p in source.rglob("*.db"))
    partial = write_key_file(tmp_path / "p.json", source, leave_out="session.db")
    args = ["--data-dir", str(source), "--key-file", str(partial), "--out", str(tmp_path / "o")]
    assert main(["decrypt", *args, "--quiet"]) == 1
    assert "no key for" in capsys.readouterr().err


def test_every_key_form_derives_a_stable_index_key_of_its_own():
    from server.wechat.crypto.keys import KeyRing

    purpose = b"search index"
    master = KeyRing.from_texts(KEY)
    files = KeyRing.from_texts(None, {"message/message_0.db": "ab" * 32})
    assert master is not None and files is not None
    assert master.derived_key(purpose) == KeyRing.from_texts(KEY).derived_key(purpose)  # type: ignore[union-attr]
    assert files.derived_key(purpose) != master.derived_key(purpose)
    assert len(files.derived_key(purpose)) == 32
    assert KEY.encode() not in master.derived_key(purpose)
