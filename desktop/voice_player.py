"""Plays a voice message from memory, through the computer's sound output.

The decoded PCM goes straight from memory to the sound device (miniaudio), never through a
file: a temporary WAV for the system's player would leave the user's voice message on disk.
Opening and closing a device can take a moment (PulseAudio, WASAPI), so both run on a worker
thread; the samples are handed over on miniaudio's own audio thread. miniaudio itself is
imported at the first Play, not with the window (it takes 70 ms to load).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Generator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.tasks import spawn

if TYPE_CHECKING:
    import miniaudio

logger = logging.getLogger(__name__)

BUFFER_MS = 100  # short enough that Stop is heard at once, long enough not to stutter
PROGRESS_MS = 200
# After the device has taken the last samples, its buffers and the sound server's still play:
# closing it sooner cuts the message's end off (measured with PulseAudio: about 0.4 s).
DRAIN_SECONDS = 0.6
STALL_GRACE = 2.0  # seconds past the end before a device that stopped taking samples is closed

type Samples = Generator[bytes, int]


def real_output_backends() -> tuple[miniaudio.Backend, ...]:
    """Every real output backend, in miniaudio's order; never its silent NULL device, which it
    would otherwise fall back to without a word when the computer has no sound output."""
    import miniaudio

    return tuple(backend for backend in miniaudio.Backend if backend is not miniaudio.Backend.NULL)


# The backends to try, in order; None: `real_output_backends()`. (Tests choose miniaudio's
# NULL device, which takes samples in real time and sounds nowhere.)
OUTPUT_BACKENDS: tuple[miniaudio.Backend, ...] | None = None


class PlaybackError(Exception):
    """The voice message could not be played; the text says why, for the user."""


class _Playback:
    """One voice message on one open device."""

    def __init__(self, ref: str, pcm: bytes, sample_rate: int, device: miniaudio.PlaybackDevice):
        self.ref = ref
        self.duration = len(pcm) / 2 / sample_rate
        self.device = device
        self._pcm = pcm
        self._sent = 0  # bytes the device has taken, on its audio thread
        self._started = 0.0
        self._first_taken = 0.0  # when the device took the first samples
        self._last_taken = 0.0  # when the device took the last samples

    def start(self) -> None:
        samples = self._samples()
        next(samples)
        self._started = time.monotonic()
        self.device.start(samples)

    def close(self) -> None:
        """Shut the device and its context (blocking: call on a worker thread)."""
        _close(self.device)

    def position(self) -> float:
        """Seconds played, by the clock, from when the device took the first samples."""
        if not self._first_taken:
            return 0.0
        return min(self.duration, time.monotonic() - self._first_taken)

    def done(self) -> bool:
        """The device took the last samples long enough ago to have played them all; or it
        stalled (unplugged, say) well past the message's end."""
        now = time.monotonic()
        if self._last_taken:
            return now - self._last_taken >= DRAIN_SECONDS
        return now - self._started >= self.duration + STALL_GRACE

    def _samples(self) -> Samples:
        # miniaudio sends how many frames it wants and takes at most that many back; the
        # device fills silence once the generator ends.
        frames = yield b""
        while self._sent < len(self._pcm):
            chunk = self._pcm[self._sent : self._sent + frames * 2]
            if not self._sent:
                self._first_taken = time.monotonic()
            self._sent += len(chunk)
            if self._sent >= len(self._pcm):
                self._last_taken = time.monotonic()
            frames = yield chunk


class VoicePlayer(QObject):
    """Plays one voice message at a time; a new one stops the one playing.

    Signals:
        changed(): a message started or stopped playing (`playing` tells which, if any).
        progressed(): while playing, every PROGRESS_MS (`position`, `duration`).
    """

    changed = Signal()
    progressed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._playback: _Playback | None = None
        self._closed = False
        self._lock = asyncio.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(PROGRESS_MS)
        self._timer.timeout.connect(self._tick)

    @property
    def playing(self) -> str | None:
        """The reference of the message playing, or None."""
        return self._playback.ref if self._playback is not None else None

    def position(self) -> float:
        return self._playback.position() if self._playback is not None else 0.0

    def duration(self) -> float:
        return self._playback.duration if self._playback is not None else 0.0

    async def play(self, ref: str, pcm: bytes, sample_rate: int) -> None:
        """Stop what plays and play `pcm` (16-bit mono) from its start.

        Raises PlaybackError when no sound output can be opened.
        """
        try:
            async with self._lock:
                await self._stop_playing()
                if self._closed:
                    raise PlaybackError("the app is quitting")
                if not pcm:
                    raise PlaybackError("the voice message is empty")
                self._playback = await _start(ref, pcm, sample_rate)
                self._timer.start()
        finally:
            self.changed.emit()  # what played stopped, whether or not the new one could start

    async def close(self) -> None:
        """Stop for good (the app is quitting): no message starts after this."""
        self._closed = True
        await self.stop()

    async def stop(self) -> None:
        async with self._lock:
            stopped = await self._stop_playing()
        if stopped:
            self.changed.emit()

    async def _stop_playing(self) -> bool:
        playback = self._playback
        if playback is None:
            return False
        self._timer.stop()
        closing = asyncio.ensure_future(asyncio.to_thread(playback.close))
        try:
            await asyncio.shield(closing)
        except asyncio.CancelledError:
            # Given up on (a quit does not wait long for a hung sound server): the device is
            # shut on its thread all the same, and the task is kept until it has been.
            spawn(_settled(closing))
            raise
        finally:
            # Only now: `playing` names a message until its device is shut, or until the wait
            # for that was given up; then the player is idle, not stuck on the message.
            if self._playback is playback:
                self._playback = None
        return True

    def _tick(self) -> None:
        playback = self._playback
        if playback is None:
            return
        if playback.done():
            # Ended by itself: close the device unless a newer message took it meanwhile.
            self._timer.stop()
            spawn(self._end(playback))
        self.progressed.emit()

    async def _end(self, playback: _Playback) -> None:
        async with self._lock:
            if self._playback is not playback:
                return
            await self._stop_playing()
        self.changed.emit()


async def _start(ref: str, pcm: bytes, sample_rate: int) -> _Playback:
    """Open the output and start the message on a worker thread. A thread cannot be
    cancelled: if this is, the job runs on, and the device it opens is shut, not left
    playing with nothing to stop it."""
    job = asyncio.ensure_future(asyncio.to_thread(_open_and_start, ref, pcm, sample_rate))
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        job.add_done_callback(_close_abandoned)
        raise


async def _settled(job: asyncio.Future[None]) -> None:
    await job


def _close_abandoned(job: asyncio.Future[_Playback]) -> None:
    if not job.cancelled() and job.exception() is None:
        spawn(asyncio.to_thread(job.result().close))


def _open_and_start(ref: str, pcm: bytes, sample_rate: int) -> _Playback:
    try:
        import miniaudio
    except (ImportError, OSError) as error:  # a build without its C library, say
        logger.error("the sound library could not be loaded: %s", error)
        raise PlaybackError("the sound library could not be loaded (see the log)") from None
    try:
        device = miniaudio.PlaybackDevice(
            output_format=miniaudio.SampleFormat.SIGNED16,
            nchannels=1,
            sample_rate=sample_rate,
            buffersize_msec=BUFFER_MS,
            backends=list(OUTPUT_BACKENDS or real_output_backends()),
            app_name="Chatlog Tray",
        )
    except miniaudio.MiniaudioError as error:
        logger.info("no sound output: %s", error)
        raise PlaybackError("no sound output device could be opened") from None
    playback = _Playback(ref, pcm, sample_rate, device)
    try:
        playback.start()
    except miniaudio.MiniaudioError as error:
        playback.close()
        raise PlaybackError(f"the sound output could not be started ({error})") from None
    return playback


def _close(device: miniaudio.PlaybackDevice) -> None:
    """Shut the device, then its context. pyminiaudio 1.71 gives every device a context of its
    own and never uninitialises it, so each one would keep its connection to the sound server
    (PulseAudio refuses a 64th) and its files open."""
    import miniaudio

    context = device._context
    device.close()
    if context is not None:
        miniaudio.lib.ma_context_uninit(context)
        device._context = None


def format_seconds(seconds: float) -> str:
    """0:07, 1:23: how chat apps show a voice message's length."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
