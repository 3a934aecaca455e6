"""GET /api/v1/export on a real server: the chat streamed as JSON, CSV or HTML, behind the same
gate as every data route (client token on real data, Origin, Host)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from devtools.demo import generate
from devtools.demo.media import MediaFixtures, write_media
from server.config import ServerConfig
from server.wechat.export.render_json import exported_message
from server.wechat.export.renderer import Entry
from server.wechat.media import ffmpeg
from server.wechat.model import Layout, Message
from server.wechat.query import MessageQuery
from server.wechat.store import open_store
from tests.ogg_opus import FFMPEG
from tests.support import serving_whole_app

pytestmark = pytest.mark.asyncio

IMAGE_KEY = "0123456789abcdef"


@dataclass(frozen=True)
class Data:
    root: Path
    chat: str
    media: MediaFixtures


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    root = tmp_path_factory.mktemp("export-api")
    dataset = generate(root, Layout.V4, messages=400, shards=2)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode())
    chat = Counter(talker for talker, _seq in media.images).most_common(1)[0][0]
    return Data(root, chat, media)


@pytest_asyncio.fixture
async def url(data: Data) -> AsyncIterator[str]:
    config = ServerConfig(port=0, data_dir=data.root, image_key=IMAGE_KEY, open_access=True)
    async with serving_whole_app(config) as served:
        yield served


async def messages_of(root: Path, chat: str) -> list[Message]:
    store = open_store(root)
    try:
        return (await store.messages(MessageQuery(talkers=(chat,), limit=0))).items
    finally:
        await store.close()


async def test_json_streams_the_chats_messages(url: str, data: Data) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/api/v1/export", params={"talker": data.chat, "format": "json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].endswith(f"{data.chat}.json")
    expected = [exported_message(Entry(m)) for m in await messages_of(data.root, data.chat)]
    assert response.json()["messages"] == json.loads(json.dumps(expected, ensure_ascii=False))
    assert response.headers["x-export-messages"] == str(len(expected))


async def test_csv_and_html_stream_too(url: str, data: Data) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        table = await http.get("/api/v1/export", params={"talker": data.chat, "format": "csv"})
        page = await http.get("/api/v1/export", params={"talker": data.chat})
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(await messages_of(data.root, data.chat))
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    pictures = sum(1 for talker, _seq in data.media.images if talker == data.chat)
    assert page.text.count('<img src="data:image/') == pictures > 0
    assert "Content-Security-Policy" in page.text


async def test_html_with_ogg_voice_streams_opus_typed_for_the_browser(
    url: str, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    # Not httpx's 5 s: the server runs ffmpeg for each voice, which a loaded machine can stall.
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        page = await http.get("/api/v1/export", params={"talker": data.chat, "voice": "ogg"})
    assert page.status_code == 200, page.text
    voices = sum(1 for talker, _seq in data.media.voices if talker == data.chat)
    typed = '<source src="data:audio/ogg;base64,T2dnU'  # "OggS", base64
    assert page.text.count(typed) == voices > 0
    assert page.text.count('type="audio/ogg; codecs=opus"') == voices


async def test_ogg_voice_without_ffmpeg_is_a_400_before_the_stream_starts(
    url: str, data: Data, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/api/v1/export", params={"talker": data.chat, "voice": "ogg"})
    assert response.status_code == 400
    assert "WAV and MP3 need nothing" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "talker is required"),
        ({"talker": "nobody at all"}, "no chat named"),
        ({"talker": "x", "format": "pdf"}, "format must be one of html, json, csv"),
        ({"talker": "x", "media": "folder"}, "media must be one of inline, none"),
        ({"talker": "x", "time": "2024-13"}, ""),
    ],
)
async def test_bad_parameters_are_a_clear_400(url: str, params: dict[str, str], message: str):
    async with httpx.AsyncClient(base_url=url) as http:
        response = await http.get("/api/v1/export", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


async def test_the_route_is_behind_the_gate(data: Data) -> None:
    config = ServerConfig(port=0, data_dir=data.root)  # real data, no open access
    async with serving_whole_app(config) as url, httpx.AsyncClient(base_url=url) as http:
        without_token = await http.get("/api/v1/export", params={"talker": data.chat})
        from_a_web_page = await http.get(
            "/api/v1/export",
            params={"talker": data.chat},
            headers={"Origin": "https://evil.example"},
        )
    assert without_token.status_code == 401
    assert from_a_web_page.status_code == 403
    assert data.chat.encode() not in without_token.content + from_a_web_page.content
