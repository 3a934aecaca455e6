"""Ogg Opus read back: its OpusHead parsed, its sound decoded by the ffmpeg of the
`imageio-ffmpeg` test dependency and compared with the PCM it was encoded from. Opus is lossy,
so the comparison is by length, loudness and shape (correlation), not by samples."""

from __future__ import annotations

import array
import math
import operator
import struct
import subprocess
from dataclasses import dataclass

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class OpusHead:
    channels: int
    input_sample_rate: int


@dataclass(frozen=True)
class Comparison:
    """The decoded sound against the original: lengths in seconds, loudness as the ratio of
    their RMS, and the best normalized correlation within a couple of milliseconds."""

    seconds: float
    original_seconds: float
    loudness: float
    correlation: float


def opus_head(data: bytes) -> OpusHead:
    """The OpusHead of an Ogg stream's first page; AssertionError if it is not Ogg Opus."""
    assert data.startswith(b"OggS"), "not an Ogg stream"
    at = data.find(b"OpusHead")
    assert 0 < at < 64, "no OpusHead in the first Ogg page"
    _version, channels, _pre_skip, rate = struct.unpack_from("<BBHI", data, at + 8)
    return OpusHead(channels, rate)


def decoded_pcm(ogg: bytes, sample_rate: int) -> bytes:
    """16-bit mono PCM at `sample_rate` decoded from `ogg` by ffmpeg."""
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-f", "ogg", "-i", "pipe:0"]
    command += ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "pipe:1"]
    return subprocess.run(command, input=ogg, capture_output=True, check=True).stdout


def compare(ogg: bytes, pcm: bytes, sample_rate: int) -> Comparison:
    original = array.array("h", pcm)
    decoded = array.array("h", decoded_pcm(ogg, sample_rate))
    loudness = _rms(decoded) / _rms(original) if _rms(original) else math.inf
    return Comparison(
        len(decoded) / sample_rate,
        len(original) / sample_rate,
        loudness,
        _best_correlation(original, decoded, max_lag=sample_rate // 500),
    )


def _rms(samples: array.array[int]) -> float:
    return math.sqrt(sum(map(operator.mul, samples, samples)) / len(samples)) if samples else 0.0


def _best_correlation(a: array.array[int], b: array.array[int], max_lag: int) -> float:
    """Over the middle of the shorter one (up to a second), at the best lag within
    ±`max_lag` samples: a decoder's resampling may shift the sound by a sample or two."""
    length = min(len(a), len(b))
    window = min(length // 2, 24_000)
    start = (length - window) // 2
    if window <= 2 * max_lag:
        return 0.0
    x = a[start : start + window]
    x_energy = sum(map(operator.mul, x, x))
    best = 0.0
    for lag in range(-max_lag, max_lag + 1):
        y = b[start + lag : start + lag + window]
        energy = x_energy * sum(map(operator.mul, y, y))
        if energy:
            best = max(best, sum(map(operator.mul, x, y)) / math.sqrt(energy))
    return best
