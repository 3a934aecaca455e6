"""The shared ffmpeg runner, with a real ffmpeg (the `imageio-ffmpeg` test dependency's):
bytes in and out through pipes, and every way it can fail said in words a user can act on."""

from __future__ import annotations

import os
from pathlib import Path

import imageio_ffmpeg
import pytest

from devtools.demo.media import silk
from server.wechat.media import ffmpeg, voice
from server.wechat.media.errors import MediaTimeoutError, UnsupportedMediaError

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
PCM_IN = ["-f", "s16le", "-ar", str(voice.SAMPLE_RATE), "-ac", "1"]


@pytest.fixture(autouse=True)
def _ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)


@pytest.fixture(scope="module")
def pcm() -> bytes:
    return voice.silk_to_pcm(silk(2, seconds=0.5))


def test_the_executable_is_the_one_the_environment_names() -> None:
    assert ffmpeg.executable() == FFMPEG


def test_bytes_go_in_and_come_out_through_pipes_converted(pcm: bytes) -> None:
    wav = ffmpeg.run(PCM_IN, pcm, ["-c:a", "pcm_s16le", "-f", "wav"], what="make a WAV")
    assert wav.startswith(b"RIFF") and wav.endswith(pcm)


def test_without_ffmpeg_the_error_says_what_needs_it_and_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, pcm: bytes
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    assert ffmpeg.executable() is None
    with pytest.raises(UnsupportedMediaError) as raised:
        ffmpeg.run(PCM_IN, pcm, ["-f", "wav"], what="make a WAV")
    assert str(raised.value) == (
        "ffmpeg is needed to make a WAV: install ffmpeg (on the PATH) or set "
        "CHATLOG_TRAY_FFMPEG to the ffmpeg executable"
    )
    with pytest.raises(UnsupportedMediaError, match=r"^the caller's own words$"):
        ffmpeg.run(PCM_IN, pcm, ["-f", "wav"], what="make a WAV", missing="the caller's own words")


def test_an_encoder_this_ffmpeg_lacks_is_named_in_the_error(pcm: bytes) -> None:
    with pytest.raises(UnsupportedMediaError, match="this ffmpeg has no libnothing encoder"):
        ffmpeg.run(PCM_IN, pcm, ["-c:a", "libnothing", "-f", "ogg"], what="make an Ogg")


def test_input_ffmpeg_cannot_read_is_a_clear_error_naming_the_work() -> None:
    with pytest.raises(UnsupportedMediaError, match=r"^ffmpeg could not decode a picture$"):
        ffmpeg.run(["-f", "hevc"], b"\x00" * 64, ["-f", "gif"], what="decode a picture")


def test_a_conversion_past_its_time_limit_is_stopped_with_a_clear_error(pcm: bytes) -> None:
    with pytest.raises(MediaTimeoutError, match=r"^ffmpeg took too long to make a WAV$"):
        ffmpeg.run(PCM_IN, pcm, ["-f", "wav"], what="make a WAV", timeout=0.001)


def test_the_default_time_limit_is_read_when_ffmpeg_runs(
    monkeypatch: pytest.MonkeyPatch, pcm: bytes
) -> None:
    monkeypatch.setattr(ffmpeg, "TIMEOUT", 0.001)
    with pytest.raises(MediaTimeoutError):
        ffmpeg.run(PCM_IN, pcm, ["-f", "wav"], what="make a WAV")


def test_a_time_out_is_not_taken_for_a_missing_tool() -> None:
    assert not issubclass(MediaTimeoutError, UnsupportedMediaError)
    assert MediaTimeoutError("").status == 503


def executable_named(folder: Path, name: str = "ffmpeg") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    return program


def test_ffmpeg_is_looked_for_in_the_paths_folders_never_the_current_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ffmpeg.ENV_FFMPEG)
    executable_named(tmp_path / "downloads")
    installed = executable_named(tmp_path / "bin")
    monkeypatch.chdir(tmp_path / "downloads")
    monkeypatch.setenv("PATH", os.pathsep.join(["", ".", "downloads", str(tmp_path / "bin")]))
    assert ffmpeg.executable() == str(installed)
    monkeypatch.setenv("PATH", os.pathsep.join(["", "."]))
    assert ffmpeg.executable() is None
