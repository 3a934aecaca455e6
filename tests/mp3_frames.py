"""MP3 frames read back by their headers (ISO 11172-3 / 13818-3), to check what LAME wrote
without an MP3 decoder: every frame's header is valid and their samples add up to the length."""

from __future__ import annotations

from dataclasses import dataclass

_MPEG2_LAYER3_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_MPEG2_RATES = (22050, 24000, 16000)
SAMPLES_PER_FRAME = 576  # MPEG-2 layer III


@dataclass(frozen=True)
class Frames:
    count: int
    sample_rate: int
    bit_rates: frozenset[int]

    @property
    def seconds(self) -> float:
        return self.count * SAMPLES_PER_FRAME / self.sample_rate


def mpeg2_layer3_frames(data: bytes) -> Frames:
    """The frames of an MPEG-2 layer III stream that fill `data` exactly; AssertionError if
    any header is not one, or the frames do not end where the data does."""
    position, count, rates, bit_rates = 0, 0, set(), set()
    while position < len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {position}"
        assert (header >> 19) & 0b11 == 0b10, "not MPEG-2"
        assert (header >> 17) & 0b11 == 0b01, "not layer III"
        kbps = _MPEG2_LAYER3_KBPS[(header >> 12) & 0xF]
        rate = _MPEG2_RATES[(header >> 10) & 0b11]
        padding = (header >> 9) & 1
        length = 72_000 * kbps // rate + padding
        assert length > 4
        position += length
        count += 1
        rates.add(rate)
        bit_rates.add(kbps)
    assert position == len(data), "the last frame is cut short"
    assert len(rates) == 1
    return Frames(count, rates.pop(), frozenset(bit_rates))
