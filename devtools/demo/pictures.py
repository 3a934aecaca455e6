"""Pictures for the demo set's image messages: scenes a person and a model recognise.

Each picture is drawn with Pillow from the message alone (its chat picks the kind of scene,
its index the details, its time the date written in it): a whiteboard, a receipt, a menu, a
landscape, a chart, a greeting card or a colour palette, 320x240, with a caption. Text is in
English because Pillow's own font has no Chinese. The same Pillow version draws and encodes
the same bytes, so the demo set stays byte-for-byte reproducible (resources/demo/README.md).

The tests' fixtures keep their noise pictures (`media.noise_pictures`); these are the demo's.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from devtools.demo.corpus import DEMO_ZONE, DemoMessage

SIZE = (320, 240)
SMALLER = (160, 120)  # the standard picture beside an HD one
THUMBNAIL = (96, 72)  # `*_t.dat`
JPEG_QUALITY = 70
PNG_COLOURS = 24  # PNG and GIF: a small palette keeps them a few kB

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Draw = ImageDraw.ImageDraw


@cache
def _font(size: int) -> Font:
    return ImageFont.load_default(size)


def demo_picture(index: int, message: DemoMessage, fmt: str, variant: str) -> bytes:
    """The picture of image message number `index`, encoded as `fmt`: the scene itself
    ("original", served as the HD one where an HD one exists), or a smaller copy of it
    ("smaller" beside an HD one, "thumbnail" for `*_t.dat`)."""
    image = scene(index, message)
    if variant == "smaller":
        image = image.resize(SMALLER, Image.Resampling.LANCZOS)
    elif variant == "thumbnail":
        image = image.resize(THUMBNAIL, Image.Resampling.LANCZOS)
    return encode(image, fmt)


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        palette = image.quantize(PNG_COLOURS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        palette.save(buffer, fmt, optimize=True)
    return buffer.getvalue()


def scene(index: int, message: DemoMessage) -> Image.Image:
    """The scene for the message, as an RGB image of `SIZE`."""
    rng = random.Random(index)
    kinds = _SCENES_BY_CHAT.get(message.talker, tuple(_DRAWERS))
    kind = kinds[index % len(kinds)]
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    day = datetime.fromtimestamp(message.time, DEMO_ZONE)
    _DRAWERS[kind](draw, rng, message.talker, day)
    return image


def _centred(draw: Draw, y: int, text: str, size: int, fill: str) -> None:
    draw.text((SIZE[0] // 2, y), text, fill=fill, font=_font(size), anchor="mt")


def _caption(draw: Draw, text: str, day: datetime) -> None:
    """A dark strip along the bottom: what the picture shows, and the day it was sent."""
    draw.rectangle((0, SIZE[1] - 24, SIZE[0], SIZE[1]), fill="#202020")
    draw.text((8, SIZE[1] - 12), text, fill="white", font=_font(13), anchor="lm")
    stamp = day.strftime("%Y-%m-%d")
    draw.text((SIZE[0] - 8, SIZE[1] - 12), stamp, fill="#c0c0c0", font=_font(12), anchor="rm")


_WHITEBOARDS = {
    "product": [
        ("Sprint 12 plan", ["Fix login timeout", "New onboarding flow", "Export to PDF"]),
        ("Launch checklist", ["Release notes", "Store screenshots", "Email the beta users"]),
        ("Roadmap Q3", ["Search v2", "Dark mode", "Faster sync"]),
    ],
    "design": [
        ("Design review", ["Bigger buttons", "Check dark mode colours", "Icon set v2"]),
        ("Home screen ideas", ["One tap to post", "Cards, not lists", "Fewer tabs"]),
    ],
    "security": [
        (
            "Security basics",
            ["Use a password manager", "Turn on two-factor login", "Never share codes"],
        ),
        ("Phishing signs", ["Urgent tone", "Odd sender address", "Links to log in"]),
    ],
}
_MARKERS = ["#1f4fbf", "#c0392b", "#1e8449", "#6c3483"]


def _whiteboard(topic: str) -> Callable[[Draw, random.Random, str, datetime], None]:
    def draw_it(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
        title, items = rng.choice(_WHITEBOARDS[topic])
        draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill="#8d8d8d")
        draw.rectangle((12, 10, SIZE[0] - 12, SIZE[1] - 34), fill="#fbfbf7", outline="#5a5a5a")
        colour = rng.choice(_MARKERS)
        draw.text((28, 22), title, fill=colour, font=_font(22))
        draw.line((28, 50, 32 + round(draw.textlength(title, _font(22))), 50), fill=colour, width=2)
        for row, item in enumerate(items):
            y = 70 + 36 * row
            draw.ellipse((32, y + 5, 40, y + 13), fill="#303030")
            draw.text((50, y), item, fill=rng.choice(_MARKERS), font=_font(17))
        _caption(draw, f"Whiteboard: {title}", day)

    return draw_it


_SHOPS = ["Lucky Noodle House", "Green Leaf Cafe", "City Mart", "Sunrise Bakery"]
_ITEMS = [
    ("Beef noodles", 32.0),
    ("Latte", 28.0),
    ("Dumplings x12", 26.0),
    ("Green tea", 12.0),
    ("Croissant", 15.0),
    ("Milk 1L", 13.5),
    ("Apples 1kg", 18.8),
    ("Fried rice", 22.0),
    ("Orange juice", 16.0),
]


def _receipt(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
    if talker == "wxid_david":  # the landlord
        shop = "Rent receipt"
        items = [(f"Rent {day.strftime('%b %Y')}", 4500.0), ("Water", 46.5), ("Power", 188.0)]
    else:
        shop = rng.choice(_SHOPS)
        items = rng.sample(_ITEMS, 3 + rng.randrange(2))
    draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill="#6b5b4b")
    left, right = 70, SIZE[0] - 70
    draw.rectangle((left, 6, right, SIZE[1] - 30), fill="#fffdf5")
    draw.text(((left + right) // 2, 14), shop, fill="black", font=_font(15), anchor="mt")
    y = 44
    for name, price in items:
        draw.text((left + 10, y), name, fill="#333333", font=_font(13))
        draw.text((right - 10, y), f"{price:.2f}", fill="#333333", font=_font(13), anchor="ra")
        y += 20
    draw.line((left + 10, y + 2, right - 10, y + 2), fill="#333333")
    total = sum(price for _, price in items)
    draw.text((left + 10, y + 8), "TOTAL", fill="black", font=_font(15))
    draw.text((right - 10, y + 8), f"{total:.2f}", fill="black", font=_font(15), anchor="ra")
    _caption(draw, f"Receipt, {shop}", day)


_DISHES = [
    ("Hot pot for two", 168),
    ("Kung pao chicken", 48),
    ("Mapo tofu", 32),
    ("Fried rice", 22),
    ("Steamed buns", 18),
    ("Noodle soup", 28),
    ("Spring rolls", 16),
    ("Soy milk", 8),
]


def _menu(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
    draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill="#25402f")
    draw.rectangle((8, 8, SIZE[0] - 8, SIZE[1] - 32), outline="#d9c27a", width=2)
    _centred(draw, 16, "MENU", 24, "#f1e4b3")
    for row, (dish, price) in enumerate(rng.sample(_DISHES, 5)):
        y = 52 + 30 * row
        draw.text((28, y), dish, fill="white", font=_font(16))
        draw.text((SIZE[0] - 28, y), f"{price} yuan", fill="#f1e4b3", font=_font(16), anchor="ra")
    _caption(draw, "Tonight's menu", day)


_PLACES = ["Fragrant Hills hike", "Lake at sunset", "View from the summit", "Weekend in the hills"]


def _landscape(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
    place = rng.choice(_PLACES)
    evening = "sunset" in place.lower()
    sky = ["#f6b26b", "#f9cb9c", "#fce5cd"] if evening else ["#6fa8dc", "#9fc5e8", "#cfe2f3"]
    for band, colour in enumerate(sky):  # bands, not a gradient: a few colours
        draw.rectangle((0, band * 40, SIZE[0], band * 40 + 40), fill=colour)
    draw.rectangle((0, 120, SIZE[0], SIZE[1]), fill=sky[-1])
    sun_x = rng.randrange(40, SIZE[0] - 40)
    draw.ellipse((sun_x - 22, 30, sun_x + 22, 74), fill="#e06666" if evening else "#ffd966")
    for far, colour in ((True, "#7f8fa6"), (False, "#4a6b3f")):
        base = 170 if far else 196
        peaks = [(0, base)]
        x = 0
        while x < SIZE[0]:
            x += rng.randrange(50, 110)
            peaks.append((x, base - rng.randrange(40, 100 if far else 70)))
            x += rng.randrange(30, 70)
            peaks.append((x, base - rng.randrange(0, 25)))
        peaks += [(SIZE[0] + 100, base), (SIZE[0], SIZE[1]), (0, SIZE[1])]
        draw.polygon(peaks, fill=colour)
    if evening:
        draw.rectangle((0, 196, SIZE[0], SIZE[1]), fill="#3d85c6")  # the lake
    for _ in range(5):
        tree_x = rng.randrange(10, SIZE[0] - 10)
        draw.polygon(
            [(tree_x, 176), (tree_x - 9, 204), (tree_x + 9, 204)], fill="#274e13", outline="#1b3a0c"
        )
    _caption(draw, place, day)


_CHARTS = {
    "product": ("Weekly active users (thousands)", ["W1", "W2", "W3", "W4", "W5"]),
    "sales": ("Sales by quarter (10k yuan)", ["Q1", "Q2", "Q3", "Q4"]),
    "fitness": ("Workout minutes this week", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]),
}


def _chart(topic: str) -> Callable[[Draw, random.Random, str, datetime], None]:
    def draw_it(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
        title, labels = _CHARTS[topic]
        _centred(draw, 8, title, 15, "#202020")
        left, bottom, top, right = 36, 186, 40, SIZE[0] - 16
        draw.line((left, top, left, bottom), fill="#404040", width=2)
        draw.line((left, bottom, right, bottom), fill="#404040", width=2)
        width = (right - left) // len(labels)
        values = [rng.randrange(20, 95) for _ in labels]
        for column, (label, value) in enumerate(zip(labels, values, strict=True)):
            x = left + column * width + width // 4
            height = (bottom - top - 16) * value // 100
            draw.rectangle((x, bottom - height, x + width // 2, bottom - 1), fill="#3c78d8")
            draw.text(
                (x + width // 4, bottom - height - 2),
                str(value),
                fill="#202020",
                font=_font(12),
                anchor="mb",
            )
            draw.text(
                (x + width // 4, bottom + 4), label, fill="#404040", font=_font(12), anchor="mt"
            )
        _caption(draw, f"Chart: {title.split(' (')[0]}", day)

    return draw_it


_GREETINGS = ["Happy birthday!", "Happy New Year!", "Congratulations!", "Welcome home!"]


def _card(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
    greeting = rng.choice(_GREETINGS)
    draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill=rng.choice(["#f4cccc", "#d9ead3", "#fff2cc"]))
    _centred(draw, 18, greeting, 24, "#990000")
    # A cake: two layers, icing and candles.
    draw.rectangle((100, 150, 220, 200), fill="#b45f06")
    draw.rectangle((115, 115, 205, 150), fill="#e69138")
    draw.rectangle((115, 112, 205, 122), fill="white")
    for candle in range(4):
        x = 128 + candle * 22
        draw.rectangle((x, 88, x + 5, 112), fill="#3d85c6")
        draw.ellipse((x - 1, 78, x + 6, 88), fill="#ffd966")
    draw.rectangle((70, 200, 250, 206), fill="#999999")  # the plate
    _caption(draw, f"Card: {greeting}", day)


def _palette(draw: Draw, rng: random.Random, talker: str, day: datetime) -> None:
    _centred(draw, 12, f"Colour palette v{1 + rng.randrange(5)}", 20, "#202020")
    colours = ["#1f4e79", "#2e75b6", "#9dc3e6", "#f4b183", "#c55a11", "#548235", "#ffd966"]
    for slot, colour in enumerate(rng.sample(colours, 5)):
        x = 16 + slot * 60
        draw.rectangle((x, 50, x + 48, 150), fill=colour, outline="#404040")
        draw.text((x + 24, 158), colour.upper(), fill="#303030", font=_font(11), anchor="mt")
    _caption(draw, "Design: colour palette", day)


_DRAWERS: dict[str, Callable[[Draw, random.Random, str, datetime], None]] = {
    "whiteboard": _whiteboard("product"),
    "design-board": _whiteboard("design"),
    "security-board": _whiteboard("security"),
    "receipt": _receipt,
    "menu": _menu,
    "landscape": _landscape,
    "chart": _chart("product"),
    "sales-chart": _chart("sales"),
    "fitness-chart": _chart("fitness"),
    "card": _card,
    "palette": _palette,
}
# What each demo chat sends (devtools/demo/corpus.py); any other chat gets every kind.
_SCENES_BY_CHAT: dict[str, tuple[str, ...]] = {
    "wxid_alice01": ("palette", "design-board"),  # a designer
    "wxid_bob02": ("menu", "landscape", "receipt"),
    "wxid_zhangwei": ("whiteboard", "chart"),  # a product manager
    "wxid_lina": ("menu", "card", "landscape"),
    "wxid_carol": ("sales-chart", "menu"),
    "wxid_liuyang": ("fitness-chart", "landscape"),  # a fitness coach
    "wxid_david": ("receipt",),  # the landlord
    "wxid_mom": ("landscape", "card", "menu"),
    "wxid_chenjing": ("menu", "receipt", "landscape"),
    "wxid_eve": ("security-board",),
    "20001@chatroom": ("whiteboard", "chart", "design-board"),  # the product team
    "20002@chatroom": ("landscape",),  # the weekend hikers
    "20003@chatroom": ("card", "landscape", "menu"),  # the family
}
