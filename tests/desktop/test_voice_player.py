"""The voice player plays 16-bit mono PCM from memory on a real miniaudio device, one message at
a time, and says plainly when the computer has no sound output."""

from __future__ import annotations

import math
import struct

import miniaudio
import pytest

from desktop import voice_player
from desktop.voice_player import (
    PlaybackError,
    VoicePlayer,
    format_seconds,
    real_output_backends,
)
from tests.support import wait_until

pytestmark = pytest.mark.desktop

RATE = 24_000


def tone(seconds: float) -> bytes:
    count = int(RATE * seconds)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / RATE))) for i in range(count)
    )


@pytest.mark.asyncio
async def test_a_message_plays_to_its_end_and_then_the_player_is_idle(qtbot):
    player = VoicePlayer()
    changes: list[str | None] = []
    player.changed.connect(lambda: changes.append(player.playing))
    await player.play("ref-a", tone(0.6), RATE)
    assert player.playing == "ref-a"
    assert player.duration() == pytest.approx(0.6)
    await wait_until(lambda: player.position() > 0.1, timeout=2)  # the device takes samples
    await wait_until(lambda: player.playing is None, timeout=4)
    assert changes == ["ref-a", None]


@pytest.mark.asyncio
async def test_stop_ends_the_message_at_once(qtbot):
    player = VoicePlayer()
    await player.play("ref-a", tone(5), RATE)
    await wait_until(lambda: player.position() > 0, timeout=2)
    await player.stop()
    assert player.playing is None
    assert player.position() == 0


@pytest.mark.asyncio
async def test_a_new_message_replaces_the_one_playing(qtbot):
    player = VoicePlayer()
    changes: list[str | None] = []
    player.changed.connect(lambda: changes.append(player.playing))
    await player.play("ref-a", tone(5), RATE)
    await player.play("ref-b", tone(0.3), RATE)
    assert player.playing == "ref-b"
    await wait_until(lambda: player.playing is None, timeout=4)
    assert changes == ["ref-a", "ref-b", None]


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
