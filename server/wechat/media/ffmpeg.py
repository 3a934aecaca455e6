"""An optional external ffmpeg, run through pipes: for what is not worth writing or bundling.

Two conversions use it: WeChat's wxgf (HEVC) pictures to JPEG or GIF (`wxgf.py`) and voice to
Ogg Opus (`voice.py`). The executable is `CHATLOG_TRAY_FFMPEG` if set, else `ffmpeg` on the
PATH. Bytes go in through standard input and come out of standard output: plaintext media is
never written to disk. No shell, no console window on Windows, a time limit, and failures are
`UnsupportedMediaError`s that say what could not be converted and what to do; a conversion past
its time limit is a `MediaTimeoutError`, which proves nothing about the file or the ffmpeg.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess

from server.wechat.media.errors import MediaTimeoutError, UnsupportedMediaError

logger = logging.getLogger(__name__)

ENV_FFMPEG = "CHATLOG_TRAY_FFMPEG"
INSTALL_HINT = f"install ffmpeg (on the PATH) or set {ENV_FFMPEG} to the ffmpeg executable"
# Inside a store job's time budget (15 s, server/wechat/store.py): one item that ffmpeg cannot
# finish fails alone, not the export or thumbnail job around it. Not tighter: a conversion takes
# 20-80 ms, but a loaded CI machine once took over 5 s to start ffmpeg for 20 ms of sound.
TIMEOUT = 10.0
# The windowed app has no console; without this every conversion would flash one on Windows.
_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)
# What ffmpeg prints when the build lacks an encoder the command names.
_UNKNOWN_ENCODER = re.compile(rb"Unknown encoder '([\w-]+)'")


def executable() -> str | None:
    """The ffmpeg to run, or None when there is none."""
    chosen = os.environ.get(ENV_FFMPEG)
    if chosen:
        return chosen if os.path.isfile(chosen) else None
    return on_path("ffmpeg")


def on_path(name: str) -> str | None:
    """The program `name` in the PATH's own folders, never in the current one. Windows, and
    `shutil.which` there, try the current folder first: an ffmpeg.exe left in, say, Downloads
    would then run on every conversion. Relative PATH entries are skipped for the same reason."""
    program = name + ".exe" if os.name == "nt" else name
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and os.path.isabs(folder):
            candidate = os.path.join(folder, program)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def run(
    input_args: list[str],
    stream: bytes,
    output_args: list[str],
    *,
    what: str,
    missing: str | None = None,
    timeout: float | None = None,
) -> bytes:
    """ffmpeg's output for `stream`: `input_args` describe what comes in on standard input,
    `output_args` what goes out (its format included). Blocking: call off the event loop.

    `what` says what is being done, as in "ffmpeg could not {what}"; `missing` is the text
    when there is no ffmpeg (by default one naming `what` and how to install ffmpeg).
    Raises UnsupportedMediaError when ffmpeg is missing, lacks an encoder or fails, and
    MediaTimeoutError when it is stopped at `timeout` (by default `TIMEOUT`) seconds.
    """
    found = executable()
    if found is None:
        raise UnsupportedMediaError(missing or f"ffmpeg is needed to {what}: {INSTALL_HINT}")
    command = [found, "-hide_banner", "-loglevel", "error", "-nostdin"]
    command += [*input_args, "-i", "pipe:0", *output_args, "pipe:1"]
    try:
        # -nostdin only stops ffmpeg reading keys; the stream itself comes through pipe:0.
        done = subprocess.run(  # a fixed command line, no shell
            command,
            input=stream,
            capture_output=True,
            timeout=TIMEOUT if timeout is None else timeout,
            check=False,
            creationflags=_NO_WINDOW,
        )
    except subprocess.TimeoutExpired as error:
        raise MediaTimeoutError(f"ffmpeg took too long to {what}") from error
    except OSError as error:
        raise UnsupportedMediaError(f"ffmpeg could not be run: {error.strerror}") from error
    if done.returncode == 0 and done.stdout:
        return done.stdout
    # ffmpeg's own messages, never the media: at log level "error" it prints no data.
    logger.info("ffmpeg could not %s: %s", what, done.stderr[-300:].decode("utf-8", "replace"))
    encoder = _UNKNOWN_ENCODER.search(done.stderr)
    if encoder is not None:
        name = encoder.group(1).decode("ascii")
        raise UnsupportedMediaError(
            f"this ffmpeg has no {name} encoder, which it needs to {what}: install an ffmpeg "
            f"built with {name} (most builds are) or set {ENV_FFMPEG} to one"
        )
    raise UnsupportedMediaError(f"ffmpeg could not {what}")
