"""The demo's files are real documents of the type their names say, the same every time."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from devtools.demo.corpus import DemoMessage
from devtools.demo.files import DPI, PAGE, demo_file
from server.wechat.store import demo_data_dir

MESSAGE = DemoMessage("wxid_alice01", "wxid_alice01", False, 1_720_000_000, 1, 1, 49, 6, "")


@pytest.mark.parametrize("title", ["Q3 季度报告.pdf", "合同草案.pdf"])
def test_a_pdf_is_one_page_of_a4_dated_when_it_was_sent(title: str) -> None:
    pdf = demo_file(7, MESSAGE, title)
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert pdf.count(b"/Type /Page\n") == 1
    box = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", pdf)
    assert box is not None
    assert [float(side) for side in box.groups()] == [side * 72 / DPI for side in PAGE]
    assert [round(float(side)) for side in box.groups()] == [595, 842]  # A4, in points
    assert b"/Filter [ /CCITTFaxDecode ]" in pdf  # black and white, a few kB
    assert b"/CreationDate (D:20240703094640Z)" in pdf  # 1_720_000_000, not today
    assert len(pdf) < 20_000


def test_a_pdf_is_written_the_same_twice() -> None:
    assert demo_file(7, MESSAGE, "合同草案.pdf") == demo_file(7, MESSAGE, "合同草案.pdf")
    assert demo_file(7, MESSAGE, "合同草案.pdf") != demo_file(8, MESSAGE, "合同草案.pdf")


def test_the_design_is_a_png_of_a_phone_screen() -> None:
    picture = Image.open(io.BytesIO(demo_file(7, MESSAGE, "design-v2.png")))
    assert picture.format == "PNG" and picture.size[1] > picture.size[0]


def test_a_name_without_a_drawing_gets_a_text_file_saying_what_it_is() -> None:
    text = demo_file(7, MESSAGE, "notes.txt").decode()
    assert text.startswith("notes.txt\n") and "2024-07-03" in text


def test_every_file_of_the_shipped_demo_is_what_its_name_says() -> None:
    files = sorted(p for p in (demo_data_dir() / "msg" / "file").rglob("*") if p.is_file())
    assert len(files) > 20
    suffixes = set()
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path
            assert re.search(rb"/CreationDate \(D:2024\d{10}Z\)", data), path
        else:
            assert path.suffix == ".png" and Image.open(io.BytesIO(data)).format == "PNG", path
        suffixes.add(path.suffix)
    assert suffixes == {".pdf", ".png"}
