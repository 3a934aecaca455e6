"""Voice for the demo set's voice messages: short tunes, encoded to SILK as WeChat stores them.

A tune is a run of quarter-second notes on a pentatonic scale, rising, falling or wandering
by the message's index, as long as the message says but at most `MAX_SECONDS` (longer ones
would add megabytes to the demo set). Samples come from integer steps and + - * / alone, not
the platform's `sin`, so every computer computes the same PCM and the SILK encoder (fixed-point
arithmetic) writes the same bytes (resources/demo/README.md).

The tests' fixtures keep their one-second tones (`media.silk`); these are the demo's.
"""

from __future__ import annotations

import io
import random
import re
import struct
from functools import cache

import pysilk

from devtools.demo.corpus import DemoMessage
from server.wechat.media.voice import SAMPLE_RATE

MAX_SECONDS = 4
NOTE = SAMPLE_RATE // 4  # samples in a note
BIT_RATE = 16_000
AMPLITUDE = 7000
_SCALE = (262, 294, 330, 392, 440, 523, 587, 659, 784, 880)  # C major pentatonic, Hz
_ATTACK = SAMPLE_RATE // 100  # 10 ms, so that notes start without a click
_VOICE_LENGTH = re.compile(r'voicelength="(\d+)"')


def demo_voice(index: int, message: DemoMessage) -> bytes:
    """The SILK voice of voice message number `index`."""
    found = _VOICE_LENGTH.search(message.body)
    milliseconds = int(found.group(1)) if found else 1000
    notes = min(max(milliseconds, 1000), MAX_SECONDS * 1000) // 250
    pcm = b"".join(_note(_SCALE[degree]) for degree in tune(index, notes))
    output = io.BytesIO()
    # Complexity 0: three times faster than the default and as small, for tones.
    pysilk.encode(io.BytesIO(pcm), output, SAMPLE_RATE, BIT_RATE, complexity=0, tencent=True)
    return output.getvalue()


def tune(index: int, notes: int) -> list[int]:
    """Scale degrees (indexes into the scale) of `notes` notes: rising, falling or wandering."""
    rng = random.Random(index)
    top = len(_SCALE) - 1
    shape = index % 3
    degree = rng.randrange(0, 4) if shape != 1 else rng.randrange(top - 3, top + 1)
    degrees = []
    for _ in range(notes):
        degrees.append(degree)
        if shape == 0:
            degree = degree + 1 if degree < top else 0
        elif shape == 1:
            degree = degree - 1 if degree > 0 else top
        else:
            degree = min(top, max(0, degree + rng.choice((-2, -1, 1, 2))))
    return degrees


@cache
def _note(frequency: int) -> bytes:
    """A quarter-second note: a sine with a little of its octave, a short attack, a decay."""
    samples = []
    for i in range(NOTE):
        tone = 0.8 * _sine(i * frequency % SAMPLE_RATE / SAMPLE_RATE)
        tone += 0.2 * _sine(2 * i * frequency % SAMPLE_RATE / SAMPLE_RATE)
        envelope = i / _ATTACK if i < _ATTACK else 1 - 0.8 * (i - _ATTACK) / (NOTE - _ATTACK)
        samples.append(int(AMPLITUDE * envelope * tone))
    return struct.pack(f"<{NOTE}h", *samples)


def _sine(phase: float) -> float:
    """sin(2π·phase) for a phase in [0, 1), within 0.2 % (Bhaskara's rational form)."""
    half = 2 * phase
    sign = 1.0
    if half >= 1:
        half, sign = half - 1, -1.0
    product = half * (1 - half)
    return sign * 16 * product / (5 - 4 * product)
