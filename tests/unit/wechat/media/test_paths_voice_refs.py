"""Paths stay inside WeChat's folder; SILK voice decodes; references are stable."""

from __future__ import annotations

import os
import wave
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest

from devtools.demo.media import silk
from server.wechat.media import voice
from server.wechat.media.errors import UnsupportedMediaError
from server.wechat.media.paths import inside
from server.wechat.media.refs import matches, media_ref, parse_ref, text_with_ref
from server.wechat.model import Message


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "account"
    (root / "msg" / "attach").mkdir(parents=True)
    (root / "msg" / "attach" / "a.dat").write_bytes(b"x")
    (root / "db_storage").mkdir()
    (root / "db_storage" / "message_0.db").write_bytes(b"db")
    (tmp_path / "key.txt").write_text("secret")
    os.symlink(tmp_path / "key.txt", root / "msg" / "attach" / "link.dat")
    return root


def test_a_file_inside_is_found(folder: Path) -> None:
    assert inside(folder, "msg/attach/a.dat") == (folder / "msg/attach/a.dat").resolve()
    assert inside(folder, "msg\\attach\\a.dat") is not None  # Windows separators


@pytest.mark.parametrize(
    "relative",
    [
        "../key.txt",
        "msg/../../key.txt",
        "..\\key.txt",
        "/etc/passwd",
        "C:/Windows/win.ini",
        "msg/attach/link.dat",  # a symlink out of the folder
        "db_storage/message_0.db",  # a database is never media
        "msg/attach",  # a folder
        "",
    ],
)
def test_nothing_outside_the_folder_or_a_database_is_returned(folder: Path, relative: str) -> None:
    assert inside(folder, relative) is None


def test_silk_decodes_to_a_wav_of_the_right_length() -> None:
    blob = silk(3, seconds=1.0)
    assert blob.startswith(b"\x02#!SILK_V3")
    wav = voice.silk_to_wav(blob)
    with wave.open(BytesIO(wav)) as reader:
        assert reader.getframerate() == voice.SAMPLE_RATE and reader.getnchannels() == 1
        assert abs(reader.getnframes() / voice.SAMPLE_RATE - 1.0) < 0.05


def test_a_blob_that_is_not_silk_is_refused() -> None:
    with pytest.raises(UnsupportedMediaError, match="SILK"):
        voice.silk_to_pcm(b"not a voice message at all")


def _message(msg_type: int, seq: int = 7, sub_type: int = 0) -> Message:
    when = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    return Message(seq, when, "wxid_a", "wxid_a", False, msg_type, sub_type, "")


def test_a_reference_is_short_stable_and_parses_back() -> None:
    image = _message(3)
    ref = media_ref(image)
    assert ref is not None and len(ref) <= 16 and ref == media_ref(_message(3))
    parsed = parse_ref(ref)
    assert parsed is not None and parsed[0] == int(image.time.timestamp())
    assert matches(image, parsed[1]) and not matches(_message(3, seq=8), parsed[1])


def test_only_media_messages_get_a_reference() -> None:
    assert media_ref(_message(1)) is None
    assert media_ref(_message(49, sub_type=5)) is None
    assert media_ref(_message(49, sub_type=6)) is not None


@pytest.mark.parametrize("bad", ["", "../../key", "abc", "zzzzzzzzz-123456", "abc-12345g"])
def test_malformed_references_are_refused(bad: str) -> None:
    assert parse_ref(bad) is None


def test_the_label_carries_the_reference() -> None:
    image = _message(3)
    assert (
        text_with_ref("me 12:00\n[图片]\n", image) == f"me 12:00\n[图片 ref={media_ref(image)}]\n"
    )
    assert text_with_ref("me 12:00\nhello\n", _message(1)) == "me 12:00\nhello\n"
