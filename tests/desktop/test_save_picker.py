"""What a save dialog suggests: a file's own name from a message (anyone's input) as the name
of one file in the folder chosen, and a folder of the user's to start in."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.save_picker import safe_file_name, start_folder

pytestmark = pytest.mark.desktop


@pytest.mark.parametrize(
    "title",
    ["../../.bashrc", "C:\\Windows\\evil.exe", "/etc/passwd", 'a/b\\c:d*e?f"g<h>i|j.txt'],
)
def test_a_name_that_is_a_path_becomes_one_file_name(title: str):
    name = safe_file_name(title)
    assert Path(name).name == name and not name.startswith(".")
    assert not any(ch in name for ch in '/\\:*?"<>|')


def test_control_characters_and_an_empty_name_are_not_kept():
    assert safe_file_name("report\n\x00.pdf") == "report__.pdf"
    assert safe_file_name(" . ") == "media"


def test_a_long_name_is_cut_to_what_a_file_system_takes_but_keeps_its_extension():
    name = safe_file_name("季度报告" * 100 + ".pdf")
    assert len(name.encode()) <= 200 and name.startswith("季度报告") and name.endswith(".pdf")
    assert len(safe_file_name("a" * 300).encode()) == 200
    # A cut never splits a character: 2 bytes of a 3-byte one are dropped whole.
    assert safe_file_name("x" + "报" * 100).encode().decode() == "x" + "报" * 66


def test_a_picture_starts_in_the_pictures_folder_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    assert start_folder("image") == tmp_path  # no Pictures folder yet: home
    (tmp_path / "Pictures").mkdir()
    assert start_folder("image") == tmp_path / "Pictures"
    assert start_folder("file") == tmp_path  # no Downloads folder
