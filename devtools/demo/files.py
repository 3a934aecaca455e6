"""Files for the demo's file messages: real documents under the names the corpus gives them.

Each is drawn with Pillow from the message (its index picks the numbers, its time the date
written in it): the quarterly report and the contract draft as one-page PDFs, the design as a
PNG of a phone screen. A PDF is a page drawn in black and white (Pillow stores it with CCITT
G4, a few kB) with its dates set to the message's time, not the time it was made, so the same
Pillow writes the same bytes (resources/demo/README.md). Text is English: Pillow's own font
has no Chinese. A name with no drawing of its own gets a short text file.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from devtools.demo.corpus import DEMO_ZONE, DemoMessage
from devtools.demo.pictures import encode

PAGE = (827, 1169)  # A4 at 100 dots per inch
DPI = 100
PHONE = (240, 400)
BLACK, WHITE = 0, 1

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Draw = ImageDraw.ImageDraw


@cache
def _font(size: int) -> Font:
    return ImageFont.load_default(size)


def demo_file(index: int, message: DemoMessage, title: str) -> bytes:
    """The file of file message number `index`, named `title`."""
    day = datetime.fromtimestamp(message.time, DEMO_ZONE)
    rng = random.Random(index)
    maker = _MAKERS.get(title)
    if maker is None:
        return f"{title}\nSent on {day:%Y-%m-%d}.\n".encode()
    return maker(rng, day, message.time)


def _pdf(page: Image.Image, title: str, unix_time: int) -> bytes:
    buffer = io.BytesIO()
    when = time.gmtime(unix_time)
    page.save(buffer, "PDF", resolution=DPI, title=title, creationDate=when, modDate=when)
    return buffer.getvalue()


def _page() -> tuple[Image.Image, Draw]:
    page = Image.new("1", PAGE, WHITE)
    return page, ImageDraw.Draw(page)


def _footer(draw: Draw, text: str) -> None:
    draw.line((80, PAGE[1] - 90, PAGE[0] - 80, PAGE[1] - 90), fill=BLACK, width=1)
    draw.text((80, PAGE[1] - 80), text, fill=BLACK, font=_font(14))
    draw.text((PAGE[0] - 80, PAGE[1] - 80), "Page 1 of 1", fill=BLACK, font=_font(14), anchor="ra")


_MONTHS = ("July", "August", "September")


def _quarterly_report(rng: random.Random, day: datetime, unix_time: int) -> bytes:
    """Q3 sales by month: a summary, a table and a bar chart."""
    page, draw = _page()
    draw.text((80, 80), "Q3 Quarterly Report", fill=BLACK, font=_font(40))
    draw.text((80, 136), f"Sales team, issued {day:%Y-%m-%d}", fill=BLACK, font=_font(18))
    sales = [rng.randrange(80, 160) for _ in _MONTHS]  # 10k yuan
    best = _MONTHS[sales.index(max(sales))]
    summary = (
        f"Sales reached {sum(sales)} (10k yuan) this quarter.",
        f"{best} was the strongest month.",
        "New customers came mostly from the summer campaign.",
    )
    for row, line in enumerate(summary):
        draw.text((80, 200 + 30 * row), line, fill=BLACK, font=_font(20))
    top = 330
    draw.rectangle((80, top, PAGE[0] - 80, top + 40), fill=BLACK)
    draw.text((100, top + 10), "Month", fill=WHITE, font=_font(18))
    draw.text(
        (PAGE[0] - 100, top + 10), "Sales (10k yuan)", fill=WHITE, font=_font(18), anchor="ra"
    )
    for row, (month, value) in enumerate(zip(_MONTHS, sales, strict=True)):
        y = top + 50 + 36 * row
        draw.text((100, y), month, fill=BLACK, font=_font(18))
        draw.text((PAGE[0] - 100, y), str(value), fill=BLACK, font=_font(18), anchor="ra")
        draw.line((80, y + 30, PAGE[0] - 80, y + 30), fill=BLACK)
    bottom, left = 900, 160
    draw.line((left, 560, left, bottom), fill=BLACK, width=2)
    draw.line((left, bottom, PAGE[0] - 120, bottom), fill=BLACK, width=2)
    for column, (month, value) in enumerate(zip(_MONTHS, sales, strict=True)):
        x = left + 50 + column * 180
        height = value * 2
        draw.rectangle((x, bottom - height, x + 100, bottom - 1), fill=BLACK)
        draw.text(
            (x + 50, bottom - height - 6), str(value), fill=BLACK, font=_font(16), anchor="mb"
        )
        draw.text((x + 50, bottom + 10), month, fill=BLACK, font=_font(16), anchor="mt")
    _footer(draw, "Q3 Quarterly Report - internal")
    return _pdf(page, "Q3 Quarterly Report", unix_time)


_CLAUSES = (
    "1. Scope. The Provider designs and delivers the mobile app described in Annex A.",
    "2. Schedule. A first version is delivered within eight weeks of signing.",
    "3. Fees. The Client pays 40% on signing and 60% on acceptance.",
    "4. Acceptance. The Client reviews each delivery within ten working days.",
    "5. Confidentiality. Neither party discloses the other's business information.",
    "6. Term. This agreement ends when the final delivery is accepted.",
)


def _contract(rng: random.Random, day: datetime, unix_time: int) -> bytes:
    """A service agreement marked as a draft, its clauses and two blank signature lines."""
    page, draw = _page()
    version = 1 + rng.randrange(4)
    draw.text((PAGE[0] // 2, 80), "SERVICE AGREEMENT", fill=BLACK, font=_font(36), anchor="mt")
    draw.text(
        (PAGE[0] // 2, 130),
        f"DRAFT v{version} - {day:%Y-%m-%d} - not for signature",
        fill=BLACK,
        font=_font(18),
        anchor="mt",
    )
    draw.text((80, 200), "Between Demo Studio (the Provider)", fill=BLACK, font=_font(18))
    draw.text((80, 228), "and Demo User (the Client).", fill=BLACK, font=_font(18))
    for row, clause in enumerate(_CLAUSES):
        draw.text((80, 290 + 44 * row), clause, fill=BLACK, font=_font(17))
    for column, party in enumerate(("The Provider", "The Client")):
        x = 80 + column * 360
        draw.line((x, 700, x + 280, 700), fill=BLACK, width=1)
        draw.text((x, 710), party, fill=BLACK, font=_font(16))
    _footer(draw, f"Service agreement, draft v{version}")
    return _pdf(page, f"Service agreement, draft v{version}", unix_time)


def _design(rng: random.Random, day: datetime, unix_time: int) -> bytes:
    """Version 2 of an app's home screen: a header, cards and a tab bar, on a phone."""
    image = Image.new("RGB", PHONE, "#f2f2f2")
    draw = ImageDraw.Draw(image)
    accent = rng.choice(["#07c160", "#2e75b6", "#c55a11"])
    draw.rectangle((0, 0, PHONE[0], 56), fill=accent)
    draw.text((16, 28), "Home", fill="white", font=_font(20), anchor="lm")
    for row, (title, line) in enumerate(
        [("Today", "3 new messages"), ("Sprint 12", "5 tasks left"), ("Photos", "12 new")]
    ):
        y = 72 + 84 * row
        draw.rounded_rectangle((12, y, PHONE[0] - 12, y + 72), radius=10, fill="white")
        draw.ellipse((24, y + 16, 64, y + 56), fill=accent)
        draw.text((76, y + 20), title, fill="#202020", font=_font(16))
        draw.text((76, y + 42), line, fill="#707070", font=_font(13))
    draw.rectangle((0, PHONE[1] - 48, PHONE[0], PHONE[1]), fill="white")
    for column, tab in enumerate(("Home", "Chats", "Me")):
        x = PHONE[0] * (2 * column + 1) // 6
        colour = accent if column == 0 else "#909090"
        draw.text((x, PHONE[1] - 24), tab, fill=colour, font=_font(13), anchor="mm")
    draw.text((PHONE[0] - 8, 28), f"v2 {day:%m-%d}", fill="white", font=_font(11), anchor="rm")
    return encode(image, "PNG")


_MAKERS: dict[str, Callable[[random.Random, datetime, int], bytes]] = {
    "Q3 季度报告.pdf": _quarterly_report,
    "合同草案.pdf": _contract,
    "design-v2.png": _design,
}
