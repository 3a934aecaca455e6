"""The voice player plays 16-bit mono PCM from memory on a real miniaudio device, one message at
a time, and says plainly when the computer has no sound output."""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import miniaudio
import pytest

from desktop import tasks, voice_player
from desktop.voice_player import (
    PlaybackError,
    VoicePlayer,
    format_seconds,
    real_output_backends,
)
from devtools import sound_server as sound_server_module
from tests.support import wait_until

pytestmark = pytest.mark.desktop

RATE = 24_000
SINK = "chatlog_test_sink"
LOW, HIGH = 300, 900  # Hz: a message in two tones, so the recording shows which part is there


def tone(seconds: float, frequency: float = 440) -> bytes:
    count = int(RATE * seconds)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / RATE)))
        for i in range(count)
    )


@pytest.fixture
def no_stall_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A device that stops taking samples is shut STALL_GRACE past the message's end; on a
    stalled machine that can come first. Longer here: the message must end by being played."""
    monkeypatch.setattr(voice_player, "STALL_GRACE", 30.0)


@pytest.mark.asyncio
async def test_a_message_plays_to_its_end_and_then_the_player_is_idle(qtbot, no_stall_fallback):
    player = VoicePlayer()
    changes: list[str | None] = []
    player.changed.connect(lambda: changes.append(player.playing))
    await player.play("ref-a", tone(0.6), RATE)
    assert player.playing == "ref-a"
    assert player.duration() == pytest.approx(0.6)
    await wait_until(lambda: player.position() > 0.1, timeout=15)  # the device takes samples
    await wait_until(lambda: player.playing is None, timeout=15)
    assert changes == ["ref-a", None]


@pytest.mark.asyncio
async def test_stop_ends_the_message_at_once(qtbot):
    player = VoicePlayer()
    await player.play("ref-a", tone(5), RATE)
    await wait_until(lambda: player.position() > 0, timeout=15)
    await player.stop()
    assert player.playing is None
    assert player.position() == 0


@pytest.mark.asyncio
async def test_a_new_message_replaces_the_one_playing(qtbot, no_stall_fallback):
    player = VoicePlayer()
    changes: list[str | None] = []
    player.changed.connect(lambda: changes.append(player.playing))
    await player.play("ref-a", tone(5), RATE)
    await player.play("ref-b", tone(0.3), RATE)
    assert player.playing == "ref-b"
    await wait_until(lambda: player.playing is None, timeout=15)
    assert changes == ["ref-a", "ref-b", None]


@pytest.mark.asyncio
async def test_a_message_that_cannot_start_still_stops_the_one_playing(qtbot, monkeypatch):
    player = VoicePlayer()
    changes: list[str | None] = []
    player.changed.connect(lambda: changes.append(player.playing))
    await player.play("ref-a", tone(5), RATE)
    monkeypatch.setattr(voice_player, "OUTPUT_BACKENDS", (miniaudio.Backend.WEBAUDIO,))
    with pytest.raises(PlaybackError):
        await player.play("ref-b", tone(1), RATE)
    assert player.playing is None
    assert changes == ["ref-a", None]


@pytest.mark.asyncio
async def test_an_empty_message_is_refused(qtbot):
    with pytest.raises(PlaybackError, match="empty"):
        await VoicePlayer().play("ref-a", b"", RATE)


@pytest.mark.asyncio
async def test_without_a_sound_output_the_error_says_so(qtbot, monkeypatch):
    # WebAudio exists only in browsers: on a desktop it is a backend that never opens.
    monkeypatch.setattr(voice_player, "OUTPUT_BACKENDS", (miniaudio.Backend.WEBAUDIO,))
    player = VoicePlayer()
    with pytest.raises(PlaybackError, match="no sound output device"):
        await player.play("ref-a", tone(0.2), RATE)
    assert player.playing is None


def test_real_output_tries_every_system_backend_but_never_the_silent_null_device():
    backends = real_output_backends()
    assert miniaudio.Backend.NULL not in backends
    for system in ("WASAPI", "COREAUDIO", "PULSEAUDIO", "ALSA"):
        assert miniaudio.Backend[system] in backends


@pytest.mark.parametrize(("seconds", "shown"), [(0, "0:00"), (4.6, "0:05"), (83, "1:23")])
def test_lengths_read_as_in_a_chat_app(seconds: float, shown: str):
    assert format_seconds(seconds) == shown


@pytest.fixture
def sound_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A PulseAudio server of the test's own, whose only output is a null sink: what reaches
    it can be recorded from the sink's monitor, and nothing sounds on the speakers."""
    if not sound_server_module.available() or shutil.which("parec") is None:
        pytest.skip("needs PulseAudio (Debian: pulseaudio, pulseaudio-utils); CI installs it")
    with sound_server_module.private_pulseaudio(tmp_path, SINK) as socket:
        monkeypatch.setenv("PULSE_SERVER", f"unix:{socket}")
        monkeypatch.setattr(voice_player, "OUTPUT_BACKENDS", None)  # the computer's real choice
        yield socket


def seconds_at(pcm: bytes, frequency: float) -> float:
    """How long `frequency` sounds in the recording, in 20 ms steps (by zero crossings: a
    window may count one more or one fewer than twice the periods it holds)."""
    samples = [value for (value,) in struct.iter_unpack("<h", pcm[: len(pcm) // 2 * 2])]
    step = RATE // 50
    found = 0
    for start in range(0, len(samples) - step + 1, step):
        window = samples[start : start + step]
        if max(abs(value) for value in window) < 2000:
            continue
        crossings = sum(1 for a, b in itertools.pairwise(window) if (a < 0) != (b < 0))
        if abs(crossings / 2 / 0.02 - frequency) <= frequency * 0.1:
            found += 1
    return found / 50


def applications_on(server: Path, listing: str) -> list[str]:
    """The applications with a stream of `listing`'s kind open on the sound server."""
    listed = subprocess.run(
        ["pactl", f"--server=unix:{server}", "list", listing],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line.split("=", 1)[1].strip() for line in listed.splitlines() if "application.name" in line
    ]


def streams_on(server: Path) -> list[str]:
    """The applications playing on the sound server."""
    return applications_on(server, "sink-inputs")


def recorders_on(server: Path) -> list[str]:
    """The applications recording from the sound server."""
    return applications_on(server, "source-outputs")


@pytest.mark.asyncio
async def test_the_message_reaches_the_systems_sound_server_as_played(
    qtbot, sound_server, monkeypatch
):
    # The player shuts the device DRAIN_SECONDS after its last samples (or STALL_GRACE past the
    # message's end, had it stalled): times a stalled machine (a busy CI runner) can overtake,
    # cutting the end off with no fault of the player's. Longer ones here: the test proves that
    # the player lets the device drain before shutting it, and waits for events, not the clock.
    monkeypatch.setattr(voice_player, "DRAIN_SECONDS", 2.0)
    monkeypatch.setattr(voice_player, "STALL_GRACE", 10.0)
    recorder = await asyncio.create_subprocess_exec(
        "parec", f"--server=unix:{sound_server}", f"--device={SINK}.monitor", "--raw",
        "--format=s16le", "--channels=1", f"--rate={RATE}", "--latency-msec=20",
        stdout=subprocess.PIPE,
    )  # fmt: skip
    recorded = bytearray()

    async def record() -> None:
        assert recorder.stdout is not None
        while chunk := await recorder.stdout.read(65536):
            recorded.extend(chunk)

    recording = asyncio.ensure_future(record())
    try:
        await wait_until(lambda: '"parec"' in recorders_on(sound_server), timeout=15)
        player = VoicePlayer()
        await player.play("ref-a", tone(0.5, LOW) + tone(0.5, HIGH), RATE)
        await wait_until(lambda: player.playing is None, timeout=30)  # the device is shut
        # The monitor goes on recording (silence) after the device is shut, in order: once it has
        # handed over another second, it has handed over all that the device played.
        shut_at = len(recorded)
        await wait_until(lambda: len(recorded) >= shut_at + RATE * 2, timeout=15)
    finally:
        recorder.terminate()
        await asyncio.wait_for(recorder.wait(), timeout=10)
        await asyncio.wait_for(recording, timeout=10)
    # The recorder may join a moment late (the sink wakes with the first stream), but the end,
    # the part a device closed too early cuts off, must all be there.
    assert seconds_at(bytes(recorded), HIGH) == pytest.approx(0.5, abs=0.04)
    assert seconds_at(bytes(recorded), LOW) > 0.3


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.asyncio
async def test_playing_many_messages_leaves_no_connection_open(qtbot, sound_server):
    # PulseAudio serves at most 64 connections to all its clients together.
    player = VoicePlayer()
    await player.play("warm-up", tone(0.05), RATE)
    await player.stop()
    before = open_files()
    for index in range(70):
        await player.play(f"ref-{index}", tone(0.05), RATE)
        await player.stop()
    assert open_files() <= before + 2
    assert streams_on(sound_server) == []


@pytest.mark.asyncio
async def test_a_play_cancelled_while_the_device_opens_leaves_nothing_playing(
    qtbot, sound_server, monkeypatch
):
    closed: list[object] = []  # devices shut, appended on the worker thread once shut
    close = voice_player._close

    def record_close(device: miniaudio.PlaybackDevice) -> None:
        close(device)
        closed.append(device)

    monkeypatch.setattr(voice_player, "_close", record_close)
    player = VoicePlayer()
    starting = asyncio.ensure_future(player.play("ref-a", tone(3), RATE))
    await asyncio.sleep(0)  # the device is being opened on its thread
    starting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await starting
    # The open runs on to its end on its thread, and the device it opened is then shut: wait
    # for that, and for the task that shut it, rather than for the clock.
    await wait_until(lambda: len(closed) == 1, timeout=15)
    await tasks.drain(timeout=15)
    await wait_until(lambda: streams_on(sound_server) == [], timeout=15)
    assert player.playing is None
