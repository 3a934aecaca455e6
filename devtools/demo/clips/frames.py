"""The frames of the demo clips, drawn with Pillow: what each video shows, frame by frame.

Four short scenes a person and a model can tell apart from any one frame, in the style of the
demo's pictures (devtools/demo/pictures.py): a clock whose second hand ticks, a bar chart whose
bars grow, a whiteboard being written and a sunset over a lake. Each frame has a caption strip
with what the clip shows and how far into it the frame is; the first frame already says what
the clip is about, since it becomes the video's thumbnail. Text is English: Pillow's own font
has no Chinese.

Pure Pillow, no randomness: the same Pillow draws the same frames, so the thumbnails (JPEGs of
the first frame) are reproducible without ffmpeg; the clips themselves are encoded once by
`python -m devtools.demo.clips` and committed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFont

SIZE = (320, 240)
FPS = 10
SECONDS = 4
FRAMES = FPS * SECONDS

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Draw = ImageDraw.ImageDraw


@cache
def _font(size: int) -> Font:
    return ImageFont.load_default(size)


def frame(name: str, number: int) -> Image.Image:
    """Frame `number` (0 to FRAMES - 1) of the clip `name`, an RGB image of `SIZE`."""
    image = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(image)
    progress = number / (FRAMES - 1)  # 0 at the first frame, 1 at the last
    caption = _SCENES[name](draw, number, progress)
    _caption(draw, caption, number)
    return image


def _caption(draw: Draw, text: str, number: int) -> None:
    """A dark strip along the bottom: what the clip shows, and the time into it."""
    draw.rectangle((0, SIZE[1] - 24, SIZE[0], SIZE[1]), fill="#202020")
    draw.text((8, SIZE[1] - 12), text, fill="white", font=_font(13), anchor="lm")
    elapsed = f"0:{number // FPS:02d}"
    draw.text((SIZE[0] - 8, SIZE[1] - 12), elapsed, fill="#c0c0c0", font=_font(12), anchor="rm")


def _hand(
    draw: Draw, centre: tuple[int, int], turns: float, length: int, width: int, fill: str
) -> None:
    """A clock hand `turns` of a full turn past twelve o'clock."""
    angle = 2 * math.pi * turns
    tip = (centre[0] + length * math.sin(angle), centre[1] - length * math.cos(angle))
    draw.line((centre, tip), fill=fill, width=width)


def _clock(draw: Draw, number: int, progress: float) -> str:
    """A station clock at 10:08, its second hand ticking once a second."""
    second = number // FPS
    draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill="#dfe7ee")
    centre, radius = (160, 104), 86
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill="white",
        outline="#2b2b2b",
        width=5,
    )
    for tick in range(60):
        angle = 2 * math.pi * tick / 60
        inner = radius - (16 if tick % 5 == 0 else 8)
        outer = radius - 6
        sin, cos = math.sin(angle), math.cos(angle)
        draw.line(
            (
                (centre[0] + inner * sin, centre[1] - inner * cos),
                (centre[0] + outer * sin, centre[1] - outer * cos),
            ),
            fill="#2b2b2b",
            width=4 if tick % 5 == 0 else 1,
        )
    _hand(draw, centre, (10 + 8 / 60) / 12, 44, 7, "#2b2b2b")
    _hand(draw, centre, (8 + second / 60) / 60, 66, 5, "#2b2b2b")
    _hand(draw, centre, second / 60, 72, 2, "#d0021b")
    draw.ellipse((centre[0] - 5, centre[1] - 5, centre[0] + 5, centre[1] + 5), fill="#d0021b")
    return f"Clock ticking: 10:08:{second:02d}"


_WEEKS = ("W1", "W2", "W3", "W4", "W5")
_USERS = (42, 55, 61, 74, 90)  # thousands, at the end of the clip


def _chart(draw: Draw, number: int, progress: float) -> str:
    """Weekly active users as bars that grow from a third of their height to their value."""
    draw.text(
        (SIZE[0] // 2, 8),
        "Weekly active users (thousands)",
        fill="#202020",
        font=_font(15),
        anchor="mt",
    )
    left, bottom, top, right = 36, 186, 40, SIZE[0] - 16
    draw.line((left, top, left, bottom), fill="#404040", width=2)
    draw.line((left, bottom, right, bottom), fill="#404040", width=2)
    width = (right - left) // len(_WEEKS)
    growth = 1 / 3 + 2 / 3 * progress
    for column, (label, users) in enumerate(zip(_WEEKS, _USERS, strict=True)):
        value = round(users * growth)
        x = left + column * width + width // 4
        height = (bottom - top - 16) * value // 100
        draw.rectangle((x, bottom - height, x + width // 2, bottom - 1), fill="#3c78d8")
        centre = x + width // 4
        draw.text(
            (centre, bottom - height - 2), str(value), fill="#202020", font=_font(12), anchor="mb"
        )
        draw.text((centre, bottom + 4), label, fill="#404040", font=_font(12), anchor="mt")
    return "Chart: weekly active users growing"


_PLAN = ("Fix login timeout", "New onboarding flow", "Export to PDF")


def _whiteboard(draw: Draw, number: int, progress: float) -> str:
    """A sprint plan written on a whiteboard, letter by letter, a marker at the pen."""
    draw.rectangle((0, 0, SIZE[0], SIZE[1]), fill="#8d8d8d")
    draw.rectangle((12, 10, SIZE[0] - 12, SIZE[1] - 34), fill="#fbfbf7", outline="#5a5a5a")
    title = "Sprint 12 plan"
    draw.text((28, 22), title, fill="#1f4fbf", font=_font(22))
    draw.line((28, 50, 32 + round(draw.textlength(title, _font(22))), 50), fill="#1f4fbf", width=2)
    letters = sum(len(item) for item in _PLAN)
    # A quarter is written at the start, so that the first frame (the thumbnail) says what
    # the board is about; the rest appears over the clip.
    written = round(letters * (0.25 + 0.75 * progress))
    pen = (50, 70)
    for row, item in enumerate(_PLAN):
        shown = item[: max(0, written)]
        written -= len(item)
        if not shown:
            break
        y = 70 + 36 * row
        draw.ellipse((32, y + 5, 40, y + 13), fill="#303030")
        draw.text((50, y), shown, fill="#c0392b", font=_font(17))
        pen = (50 + round(draw.textlength(shown, _font(17))), y + 8)
    if progress < 1:
        draw.rectangle((pen[0] + 2, pen[1] - 16, pen[0] + 10, pen[1] + 6), fill="#1e1e1e")
    return "Whiteboard: Sprint 12 plan"


def _sunset(draw: Draw, number: int, progress: float) -> str:
    """The sun going down behind the hills across a lake."""
    sky = ("#f6b26b", "#f9cb9c", "#fce5cd")
    for band, colour in enumerate(sky):  # bands, not a gradient: a few colours
        draw.rectangle((0, band * 40, SIZE[0], band * 40 + 40), fill=colour)
    draw.rectangle((0, 120, SIZE[0], SIZE[1]), fill=sky[-1])
    sun_y = round(52 + 100 * progress)
    draw.ellipse((196, sun_y - 22, 240, sun_y + 22), fill="#e06666")
    draw.polygon(
        [(0, 170), (60, 112), (110, 150), (170, 96), (250, 160), (320, 122), (320, 196), (0, 196)],
        fill="#4a6b3f",
    )
    draw.rectangle((0, 196, SIZE[0], SIZE[1]), fill="#3d85c6")  # the lake
    glow = max(0, 40 - round(36 * progress))  # the sun's path on the water shrinks
    draw.rectangle((218 - glow // 2, 200, 218 + glow // 2, 203), fill="#f9cb9c")
    return "Sunset at the lake"


_SCENES: dict[str, Callable[[Draw, int, float], str]] = {
    "clock": _clock,
    "chart": _chart,
    "whiteboard": _whiteboard,
    "sunset": _sunset,
}
NAMES: tuple[str, ...] = tuple(_SCENES)
