"""From Play to sound: how long the window's voice player takes to start a voice message
(docs/benchmarks-data.md, "Playing a voice message in the window").

    .venv/bin/python bench/voice_play.py --repeat 20

Each round decodes a 10 s SILK voice message to PCM (`voice.silk_to_pcm`, what
`MediaService.voice_pcm` runs on a store thread), opens the sound output and starts it
(`VoicePlayer.play`), and stops when the device has taken its first samples. The output is a
PulseAudio server of the bench's own with a null sink (started here when `pulseaudio` is
installed; nothing sounds), else miniaudio's NULL device. What the sound server adds after it
has the samples (its buffer, about 0.4 s for PulseAudio's defaults) is not in these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import miniaudio

import devtools.sound_server
from desktop import voice_player
from desktop.app import create_qapplication
from desktop.loop import QtEventLoop
from desktop.voice_player import VoicePlayer
from devtools.demo.media import silk
from server.wechat.media import voice


@contextmanager
def sound_server() -> Iterator[str]:
    """A PulseAudio server of our own with a null sink: the backend's name, or NULL."""
    if not devtools.sound_server.available():
        voice_player.OUTPUT_BACKENDS = (miniaudio.Backend.NULL,)
        yield "miniaudio NULL device"
        return
    with (
        tempfile.TemporaryDirectory() as temp,
        devtools.sound_server.private_pulseaudio(Path(temp), "bench_sink") as socket,
    ):
        os.environ["PULSE_SERVER"] = f"unix:{socket}"
        yield "PulseAudio (null sink)"


async def rounds(blob: bytes, repeat: int) -> tuple[list[float], list[float]]:
    decode_ms: list[float] = []
    start_ms: list[float] = []
    player = VoicePlayer()
    for _ in range(repeat):
        began = time.perf_counter()
        pcm = await asyncio.to_thread(voice.silk_to_pcm, blob)
        decoded = time.perf_counter()
        await player.play("bench", pcm, voice.SAMPLE_RATE)
        while player.position() == 0:  # noqa: ASYNC110 - set by the audio thread
            await asyncio.sleep(0.001)
        heard = time.perf_counter()
        await player.stop()
        decode_ms.append((decoded - began) * 1000)
        start_ms.append((heard - began) * 1000)
    return decode_ms, start_ms


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    blob = silk(1, seconds=10.0)
    loop = QtEventLoop(create_qapplication())
    asyncio.set_event_loop(loop)
    with sound_server() as output, loop:
        decode_ms, start_ms = loop.run_until_complete(rounds(blob, repeat))
    print(f"output: {output}; {repeat} rounds of a 10 s voice message")
    print("| step | p50 ms | max ms |\n|---|---:|---:|")
    for name, samples in (
        ("decode SILK to PCM", decode_ms),
        ("Play to the first samples taken by the device (decode included)", start_ms),
    ):
        print(f"| {name} | {statistics.median(samples):.1f} | {max(samples):.1f} |")


if __name__ == "__main__":
    main()
