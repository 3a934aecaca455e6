"""Time to decode and serve media: a picture and a voice message (docs/benchmarks-data.md).

    .venv/bin/python bench/media.py --repeat 30

Decode-only timings use a 4000x3000 JPEG photo-sized file (noise, ~1-3 MB) in each `.dat`
version and a 10 s SILK voice message (to WAV, MP3 and Ogg Opus: the last through ffmpeg,
from CHATLOG_TRAY_FFMPEG or the PATH, else the `imageio-ffmpeg` dev dependency's); "served"
is a full HTTP GET of /api/v1/media/<ref> through the real app on loopback (message lookup by
reference, hardlink/file lookup, decode, response), and get_media through the MCP tool
registry (adds the resize for the model).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devtools.demo import generate
from devtools.demo.media import encode_v3, encode_v4, silk, write_media
from server.client_tokens import ClientTokens, MemoryVault
from server.composition import build_application
from server.config import ServerConfig
from server.serving import ServerController
from server.wechat.media import dat, ffmpeg, fit, voice
from server.wechat.media.refs import media_ref
from server.wechat.model import Layout
from server.wechat.store import ChatStore

KEY = b"0123456789abcdef"


def photo() -> bytes:
    image = Image.effect_noise((4000, 3000), 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


async def timed_async(call: Callable[[], Awaitable[object]], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def row(name: str, result: tuple[float, float], note: str = "") -> None:
    print(f"| {name} | {result[0]:.1f} | {result[1]:.1f} | {note} |")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    repeat = parser.parse_args().repeat
    print("| what | p50 ms | max ms | notes |\n|---|---:|---:|---|")
    big = photo()
    size = f"{len(big) / 1e6:.1f} MB JPEG"
    v3 = encode_v3(big)
    row("decode 3.x XOR .dat", timed(lambda: dat.decode(v3), repeat), size)
    v1, v2 = encode_v4(big), encode_v4(big, KEY)
    row("decode 4.x V1 .dat", timed(lambda: dat.decode(v1), repeat), size)
    row("decode 4.x V2 .dat", timed(lambda: dat.decode(v2, KEY), repeat), size)
    row(
        "fit for the model (resize to 1568 px, JPEG)",
        timed(lambda: fit.fit_for_model(big, "image/jpeg"), max(3, repeat // 5)),
        size,
    )
    blob = silk(1, seconds=10.0)
    row(
        "decode 10 s SILK voice to WAV",
        timed(lambda: voice.silk_to_wav(blob), repeat),
        f"{len(blob)} B SILK",
    )
    pcm = voice.silk_to_pcm(blob)
    mp3 = voice.pcm_to_mp3(pcm)
    row(
        "encode 10 s voice to MP3 (32 kbit/s, LAME)",
        timed(lambda: voice.pcm_to_mp3(pcm), repeat),
        f"{len(mp3)} B MP3 vs {len(voice.pcm_to_wav(pcm))} B WAV",
    )
    if ffmpeg.executable() is None:
        import imageio_ffmpeg  # a dev dependency: the bench runs from a checkout

        os.environ[ffmpeg.ENV_FFMPEG] = imageio_ffmpeg.get_ffmpeg_exe()
    ogg = voice.pcm_to_ogg(pcm)
    row(
        f"encode 10 s voice to Ogg Opus ({voice.OGG_BIT_RATE} kbit/s, voip, ffmpeg libopus)",
        timed(lambda: voice.pcm_to_ogg(pcm), repeat),
        f"{len(ogg)} B Ogg vs {len(mp3)} B MP3",
    )
    short = voice.silk_to_pcm(silk(1, seconds=1.0))
    row(
        "encode 1 s voice to Ogg Opus (mostly ffmpeg's start-up)",
        timed(lambda: voice.pcm_to_ogg(short), repeat),
        f"{len(voice.pcm_to_ogg(short))} B Ogg vs {len(voice.pcm_to_mp3(short))} B MP3",
    )

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        dataset = generate(root, Layout.V4, messages=20_000, shards=4)
        write_media(dataset, root, Layout.V4, KEY)
        config = ServerConfig(port=0, data_dir=root, image_key=KEY.decode(), open_access=True)
        application = build_application(config, tokens=ClientTokens(MemoryVault()))
        controller = ServerController(application)
        address = await controller.start()
        try:
            async with httpx.AsyncClient(base_url=address.url) as http:
                store = ChatStore(root)
                page = await store.messages(limit=0)
                await store.close()
                refs: dict[int, list[str]] = {3: [], 34: []}
                for message in page.items:
                    if message.type in refs:
                        ref = media_ref(message)
                        assert ref is not None
                        refs[message.type].append(ref)
                image, voice_ref = refs[3][1], refs[34][0]
                row(
                    "HTTP GET /api/v1/media/<ref>, picture (20,000-message store)",
                    await timed_async(lambda: http.get(f"/api/v1/media/{image}"), repeat),
                    "64x48 fixture picture, 4.x",
                )
                row(
                    "HTTP GET /api/v1/media/<ref>, voice as WAV",
                    await timed_async(lambda: http.get(f"/api/v1/media/{voice_ref}"), repeat),
                    "1 s voice",
                )
                row(
                    "HTTP GET /api/v1/media/<ref>?format=silk",
                    await timed_async(
                        lambda: http.get(f"/api/v1/media/{voice_ref}?format=silk"), repeat
                    ),
                    "stored blob",
                )
        finally:
            await controller.stop()
            await application.close()


if __name__ == "__main__":
    asyncio.run(main())
