"""A PulseAudio server of one's own, for the voice player's test and benchmark: its only output
is a null sink, so what is played can be recorded from the sink's monitor and nothing sounds
on the speakers. Needs Debian's `pulseaudio` (`.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT = 10.0


def available() -> bool:
    return shutil.which("pulseaudio") is not None


@contextmanager
def private_pulseaudio(folder: Path, sink: str) -> Iterator[Path]:
    """Run a PulseAudio server whose files live under `folder`, with the null sink `sink`;
    yields its socket (for `PULSE_SERVER=unix:<socket>`) and stops it afterwards."""
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "HOME": str(folder)}
    server = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
         "-L", f"module-null-sink sink_name={sink}", "-L", "module-native-protocol-unix"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        socket = runtime / "pulse" / "native"
        deadline = time.monotonic() + START_TIMEOUT
        while not socket.exists():
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("PulseAudio did not start")
            time.sleep(0.05)
        yield socket
    finally:
        server.terminate()
        server.wait(timeout=START_TIMEOUT)
