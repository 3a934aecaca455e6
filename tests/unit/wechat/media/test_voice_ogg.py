"""Voice as Ogg Opus, encoded by a real ffmpeg (the `imageio-ffmpeg` test dependency's) and
decoded back by it: the same length, loudness and sound, at a fraction of the size."""

from __future__ import annotations

import imageio_ffmpeg
import pytest

from devtools.demo.media import silk
from server.wechat.media import ffmpeg, voice
from server.wechat.media.errors import UnsupportedMediaError
from tests.ogg_opus import compare, opus_head


@pytest.fixture(autouse=True)
def _ffmpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, imageio_ffmpeg.get_ffmpeg_exe())


def test_voice_encodes_to_ogg_opus_that_sounds_like_the_original() -> None:
    pcm = voice.silk_to_pcm(silk(3, seconds=2.0))
    ogg = voice.pcm_to_ogg(pcm)
    assert opus_head(ogg).channels == 1
    assert opus_head(ogg).input_sample_rate == voice.SAMPLE_RATE
    heard = compare(ogg, pcm, voice.SAMPLE_RATE)
    assert abs(heard.seconds - heard.original_seconds) <= 0.030
    assert 0.7 < heard.loudness < 1.4  # not silence, not noise
    assert heard.correlation > 0.9  # the same tone, not another sound


def test_ogg_is_smaller_than_the_mp3_and_a_tenth_of_the_wav() -> None:
    pcm = voice.silk_to_pcm(silk(5, seconds=2.0))
    ogg = voice.pcm_to_ogg(pcm)
    assert len(ogg) < len(voice.pcm_to_mp3(pcm))
    assert len(ogg) < len(voice.pcm_to_wav(pcm)) / 10


def test_the_same_voice_gives_the_same_ogg_bytes() -> None:
    pcm = voice.silk_to_pcm(silk(4, seconds=1.0))
    assert voice.pcm_to_ogg(pcm) == voice.pcm_to_ogg(pcm)


def test_a_comparison_with_silence_or_another_sound_fails() -> None:
    """The checks above can fail: silence and a different tone do not pass them."""
    pcm = voice.silk_to_pcm(silk(3, seconds=1.0))
    silence = voice.pcm_to_ogg(bytes(len(pcm)))
    assert compare(silence, pcm, voice.SAMPLE_RATE).loudness < 0.1
    other = voice.pcm_to_ogg(voice.silk_to_pcm(silk(7, seconds=1.0)))
    assert compare(other, pcm, voice.SAMPLE_RATE).correlation < 0.5


def test_without_ffmpeg_ogg_says_to_install_it_and_that_wav_and_mp3_need_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    pcm = voice.silk_to_pcm(silk(1, seconds=0.5))
    with pytest.raises(UnsupportedMediaError) as raised:
        voice.pcm_to_ogg(pcm)
    text = str(raised.value)
    assert "needs ffmpeg with its libopus encoder" in text
    assert "install ffmpeg" in text and ffmpeg.ENV_FFMPEG in text
    assert text.endswith("WAV and MP3 need nothing")
    assert raised.value.status == 415
    assert voice.pcm_to_mp3(pcm) and voice.pcm_to_wav(pcm)  # which indeed still work
