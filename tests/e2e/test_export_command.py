"""`chatlog-tray export` as a user runs it: a separate process over a data folder with an
image key from a file, over encrypted data with the key on standard input, and over the demo
data."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from devtools.demo import generate
from devtools.demo.media import write_media
from server.wechat.crypto.params import V4
from server.wechat.model import Layout
from tests.unit.wechat.crypto.conftest import KEY, encrypt_tree

COMMAND = [sys.executable, "-m", "desktop", "export"]
IMAGE_KEY = "0123456789abcdef"


def run(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*COMMAND, *map(str, args)], capture_output=True, text=True, timeout=60, input=stdin
    )


def test_a_chat_is_exported_to_html_with_its_pictures_and_to_csv(tmp_path: Path) -> None:
    root = tmp_path / "wechat"
    dataset = generate(root, Layout.V4, messages=300, shards=1)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode())
    chat, _seq = next(iter(media.images))
    key_file = tmp_path / "image-key.txt"
    key_file.write_text(IMAGE_KEY)
    key_file.chmod(0o600)
    out = tmp_path / "out"
    out.mkdir()
    page = run(
        "--data-dir", root, "--chat", chat, "--image-key-from", key_file, "--out", out / "c.html"
    )
    assert page.returncode == 0, page.stderr
    assert f"-> {out / 'c.html'}" in page.stderr and IMAGE_KEY not in page.stderr
    pictures = sum(1 for talker, _ in media.images if talker == chat)
    assert (out / "c.html").read_text(encoding="utf-8").count('<img src="data:') == pictures
    table = run(
        "--data-dir",
        root,
        "--chat",
        chat,
        "--time",
        "2024-01-01~2024-12-31",
        "--out",
        out / "c.csv",
    )
    assert table.returncode == 0, table.stderr
    with (out / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "Time" and len(rows) > 1
    assert sorted(p.name for p in out.iterdir()) == ["c.csv", "c.html"]


def test_a_destination_inside_the_data_folder_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    root = tmp_path / "wechat"
    generate(root, Layout.V4, messages=50, shards=1)
    before = sorted(root.rglob("*"))
    refused = run("--data-dir", root, "--chat", "wxid_bob02", "--out", root / "chat.json")
    assert refused.returncode == 1
    assert "never writes there" in refused.stderr
    assert sorted(root.rglob("*")) == before


def test_encrypted_data_exports_with_the_key_from_standard_input(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    generate(plain, Layout.V4, messages=120, shards=1)
    encrypted = encrypt_tree(plain, tmp_path / "encrypted", V4, KEY)
    out = tmp_path / "out.json"
    result = run(
        "--data-dir", encrypted, "--key", "-", "--chat", "wxid_bob02", "--out", out, stdin=KEY
    )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stderr + result.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["count"] == len(document["messages"]) > 0
    refused = run("--data-dir", encrypted, "--chat", "wxid_bob02", "--out", tmp_path / "x.json")
    assert refused.returncode == 1 and "key" in refused.stderr
    assert not (tmp_path / "x.json").exists()


def test_the_demo_data_exports_without_a_data_folder(tmp_path: Path) -> None:
    result = run("--chat", "wxid_bob02", "--out", tmp_path / "bob.json", "--quiet")
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "bob.json").read_text(encoding="utf-8"))
    assert document["chat"]["talker"] == "wxid_bob02"
    assert document["count"] == len(document["messages"]) > 0


def test_bad_arguments_exit_with_usage(tmp_path: Path) -> None:
    result = run("--chat", "x", "--out", tmp_path / "x.html", "--time", "2024-13")
    assert result.returncode == 2 and "usage:" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "family.json"
    out.write_text("the user's own file", encoding="utf-8")
    refused = run("--chat", "Family", "--format", "json", "--out", out)
    assert refused.returncode != 0 and "already exists" in refused.stderr
    assert out.read_text(encoding="utf-8") == "the user's own file"
    replaced = run("--chat", "Family", "--format", "json", "--out", out, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["count"] > 0
