"""Voice messages: the SILK blob from the media databases, decoded to WAV, MP3 or Ogg Opus.

docs/wechat-formats.md, "Media", has the tables of every layout.

4.x keeps voice in `db_storage/message/media_*.db` (`VoiceInfo.voice_data` by `svr_id`),
3.x Windows in `Msg/MediaMSG*.db` and `Msg/Multi/MediaMSG*.db` (`Media.Buf` by
`Reserved0`, the server id). macOS 3.x keeps no voice databases.

WAV (the standard library) and MP3 (LAME, through `lameenc`) need nothing else; Ogg Opus is
encoded by the optional external ffmpeg (`ffmpeg.py`), through pipes like every conversion.
"""

from __future__ import annotations

import io
import re
import sqlite3
import wave
from pathlib import Path

import lameenc
import pysilk

from server.wechat.connections import ConnectionPool
from server.wechat.errors import DataSourceError
from server.wechat.layout import DataDir
from server.wechat.media import ffmpeg
from server.wechat.media.errors import UnsupportedMediaError
from server.wechat.model import Layout

SAMPLE_RATE = 24_000  # WeChat records voice at 24 kHz mono (chatlog transcodes at that rate)
SILK_MAGIC = b"#!SILK_V3"
# Speech at 24 kHz mono: 32 kbit/s MP3 keeps it clear at about a tenth of the WAV's size
# (docs/benchmarks-data.md).
MP3_BIT_RATE = 32
# Opus at 24 kbit/s in its speech mode ("voip") keeps a voice clear in about a fifth less than
# the MP3, half of it for a short message (docs/benchmarks-data.md).
OGG_BIT_RATE = 24
NO_FFMPEG_FOR_OGG = (
    "voice as Ogg (Opus) needs ffmpeg with its libopus encoder: "
    f"{ffmpeg.INSTALL_HINT}; WAV and MP3 need nothing"
)
_V4_MEDIA = re.compile(r"^media_[0-9]{1,2}\.db$")
_V3_MEDIA = re.compile(r"^MediaMSG[0-9]{0,2}\.db$")


def _media_databases(data_dir: DataDir) -> list[Path]:
    if data_dir.layout == Layout.V4:
        folders, pattern = [data_dir.root / "db_storage" / "message"], _V4_MEDIA
    elif data_dir.layout == Layout.WINDOWS_V3:
        folders, pattern = [data_dir.root / "Msg", data_dir.root / "Msg" / "Multi"], _V3_MEDIA
    else:
        return []
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(sorted(p for p in folder.iterdir() if pattern.match(p.name)))
    return found


def voice_blob(data_dir: DataDir, pool: ConnectionPool, server_id: str) -> bytes | None:
    """The first non-empty voice blob stored for the message's server id, or None."""
    if data_dir.layout == Layout.V4:
        sql = "SELECT voice_data FROM VoiceInfo WHERE svr_id = ?"
    else:
        sql = "SELECT Buf FROM Media WHERE Reserved0 = ?"
    try:
        key: int | str = int(server_id)
    except ValueError:
        key = server_id
    for path in _media_databases(data_dir):
        try:
            for (blob,) in pool.connect(path).execute(sql, (key,)):
                if blob:
                    return bytes(blob)
        except (sqlite3.Error, DataSourceError):
            continue  # one unreadable shard costs only its own voices
    return None


def silk_to_pcm(blob: bytes) -> bytes:
    """16-bit mono PCM at `SAMPLE_RATE` from a SILK blob (with or without WeChat's 0x02)."""
    if SILK_MAGIC not in blob[:10]:
        raise UnsupportedMediaError("the voice message is not in the SILK format")
    output = io.BytesIO()
    try:
        pysilk.decode(io.BytesIO(blob), output, SAMPLE_RATE)
    except pysilk.SilkError as error:
        raise UnsupportedMediaError(f"the voice message could not be decoded ({error})") from None
    return output.getvalue()


def pcm_to_wav(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm)
    return buffer.getvalue()


def pcm_to_mp3(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """MP3 (MPEG-2 layer III, mono, constant bit rate) from 16-bit mono PCM, with LAME."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_BIT_RATE)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(sample_rate)  # LAME would resample 24 kHz to 22.05 kHz
    encoder.set_channels(1)
    encoder.set_quality(5)  # LAME's default: 2.5x faster than its "high quality" 2, same size
    return bytes(encoder.encode(pcm) + encoder.flush())


def pcm_to_ogg(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Ogg Opus (mono, `OGG_BIT_RATE`, tuned for speech) from 16-bit mono PCM, by ffmpeg's
    libopus. Blocking: call off the event loop.

    Raises UnsupportedMediaError when ffmpeg is missing, lacks libopus or fails.
    """
    pcm_in = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1"]
    ogg_out = ["-c:a", "libopus", "-b:a", f"{OGG_BIT_RATE}k", "-application", "voip", "-ac", "1"]
    # bitexact: no version string and a fixed stream serial, so one voice gives one file.
    ogg_out += ["-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg"]
    return ffmpeg.run(
        pcm_in, pcm, ogg_out, what="encode the voice message as Ogg Opus", missing=NO_FFMPEG_FOR_OGG
    )


def silk_to_wav(blob: bytes) -> bytes:
    return pcm_to_wav(silk_to_pcm(blob))


def duration_seconds(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> float:
    return len(pcm) / 2 / sample_rate
