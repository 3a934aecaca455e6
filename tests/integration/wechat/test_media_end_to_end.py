"""Media through the whole app: get_media with the official MCP SDK client, and the HTTP route
byte for byte, on 4.x and 3.x Windows data with real pictures, SILK voice, videos (and their
thumbnails) and files."""

from __future__ import annotations

import base64
import hashlib
import io
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from mcp import ClientSession
from mcp.types import AudioContent, ImageContent, ResourceLink
from PIL import Image

from devtools.demo import generate
from devtools.demo.clips.frames import FRAMES
from devtools.demo.clips.frames import SIZE as CLIP_SIZE
from devtools.demo.media import MediaFixtures, write_media
from server.config import ServerConfig
from server.wechat.media import ffmpeg, voice
from server.wechat.model import Layout
from tests.mp3_frames import mpeg2_layer3_frames
from tests.mp4_video import decode
from tests.ogg_opus import FFMPEG, compare, opus_head
from tests.support import mcp_client, serving_whole_app

pytestmark = pytest.mark.asyncio

IMAGE_KEY = "0123456789abcdef"
LAYOUTS = [Layout.V4, Layout.WINDOWS_V3, Layout.DARWIN_V3]
# Where WeChat's place for a video's thumbnail is known (docs/wechat-formats.md, "Media").
WITH_VIDEO_THUMBNAILS = {Layout.V4, Layout.WINDOWS_V3}


@dataclass
class Data:
    root: Path
    media: MediaFixtures


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, Data]:
    found = {}
    for layout in LAYOUTS:
        root = tmp_path_factory.mktemp(f"media-{layout}")
        dataset = generate(root, layout, messages=400, shards=2)
        found[layout] = Data(root, write_media(dataset, root, layout, IMAGE_KEY.encode()))
    return found


def serving(
    root: Path, image_key: str | None = IMAGE_KEY, **extra: object
) -> AbstractAsyncContextManager[str]:
    config = ServerConfig(
        port=0, data_dir=root, image_key=image_key, open_access=extra.pop("open_access", True)
    )
    return serving_whole_app(config)


async def media_items(client: ClientSession) -> list[dict[str, object]]:
    """Every media message query_chat_log shows, with its ref."""
    items: list[dict[str, object]] = []
    offset = 0
    while True:
        page = await client.call_tool("query_chat_log", {"limit": 200, "offset": offset})
        assert not page.is_error
        structured = page.structured_content
        assert structured is not None
        for item in structured["messages"]:
            if item["media_ref"]:
                assert f"ref={item['media_ref']}]" in page.content[0].text  # type: ignore[union-attr]
                items.append(item)
        if structured["next_offset"] is None:
            return items
        offset = structured["next_offset"]


@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
async def test_get_media_returns_pictures_and_voice_a_model_can_read(data, layout):
    async with serving(data[layout].root) as url, mcp_client(url) as client:
        items = await media_items(client)
        kinds = {item["type"] for item in items}
        assert {3, 34, 43, 49} <= kinds
        images = voices = links = thumbnails = 0
        for item in items:
            result = await client.call_tool("get_media", {"ref": item["media_ref"]})
            if item["type"] == 34 and layout == Layout.DARWIN_V3:
                assert result.is_error and "keeps no voice messages" in str(result.content)
                continue
            assert not result.is_error, result.content
            info = result.structured_content
            assert info is not None and info["ref"] == item["media_ref"]
            if item["type"] == 3:
                block = result.content[1]
                assert isinstance(block, ImageContent)
                picture = Image.open(io.BytesIO(base64.b64decode(block.data)))
                assert picture.size == (info["sent_width"], info["sent_height"]) == (64, 48)
                assert info["mime_type"] in ("image/png", "image/jpeg", "image/gif")
                images += 1
            elif item["type"] == 34:
                block = result.content[1]
                assert isinstance(block, AudioContent) and block.mime_type == "audio/wav"
                assert base64.b64decode(block.data)[:4] == b"RIFF"
                voices += 1
            else:
                block = result.content[1]
                assert isinstance(block, ResourceLink) and block.size == info["size"]
                links += 1
            if item["type"] == 43 and layout in WITH_VIDEO_THUMBNAILS:
                thumbnail = result.content[2]
                assert isinstance(thumbnail, ImageContent) and thumbnail.mime_type == "image/jpeg"
                assert (
                    base64.b64decode(thumbnail.data) in data[layout].media.video_thumbnails.values()
                )
                assert (info["thumbnail_width"], info["thumbnail_height"]) == CLIP_SIZE
                assert info["thumbnail_uri"] == f"{block.uri}?variant=thumbnail"
                assert "its thumbnail (320x240) is attached" in result.content[0].text  # type: ignore[union-attr]
                thumbnails += 1
            elif item["type"] == 43:
                assert len(result.content) == 2 and info["has_thumbnail"] is False
        assert images == len(data[layout].media.images)
        assert voices == len(data[layout].media.voices)
        assert links == len(data[layout].media.videos) + len(data[layout].media.files)
        assert thumbnails == len(data[layout].media.video_thumbnails)


@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
async def test_the_http_route_serves_the_originals_byte_for_byte(data, layout):
    fixtures = data[layout].media
    originals = {
        hashlib.sha256(blob).hexdigest()
        for blob in [*fixtures.images.values(), *fixtures.videos.values(), *fixtures.files.values()]
    }
    async with serving(data[layout].root) as url, mcp_client(url) as client:
        items = await media_items(client)
        async with httpx.AsyncClient(base_url=url) as http:
            served = set()
            for item in items:
                response = await http.get(f"/api/v1/media/{item['media_ref']}")
                if item["type"] == 34 and layout == Layout.DARWIN_V3:
                    assert response.status_code == 404 and "keeps no voice" in response.text
                    continue
                assert response.status_code == 200, response.text
                if item["type"] == 34:
                    assert response.headers["content-type"] == "audio/wav"
                    silk = await http.get(f"/api/v1/media/{item['media_ref']}?format=silk")
                    assert silk.content in fixtures.voices.values()
                    assert voice.silk_to_wav(silk.content) == response.content
                    mp3 = await http.get(f"/api/v1/media/{item['media_ref']}?format=mp3")
                    assert mp3.headers["content-type"] == "audio/mpeg"
                    pcm = voice.silk_to_pcm(silk.content)
                    assert mp3.content == voice.pcm_to_mp3(pcm)
                    assert mpeg2_layer3_frames(mp3.content).seconds >= voice.duration_seconds(pcm)
                    continue
                if item["type"] == 3:
                    assert response.headers["content-type"] in (
                        "image/png",
                        "image/jpeg",
                        "image/gif",
                    )
                served.add(hashlib.sha256(response.content).hexdigest())
            assert served == originals
            for item in items:
                thumbnail = await http.get(
                    f"/api/v1/media/{item['media_ref']}", params={"variant": "thumbnail"}
                )
                if item["type"] == 43 and layout in WITH_VIDEO_THUMBNAILS:
                    assert thumbnail.status_code == 200, thumbnail.text
                    assert thumbnail.headers["content-type"] == "image/jpeg"
                    assert thumbnail.content in fixtures.video_thumbnails.values()
                elif item["type"] == 43:
                    assert thumbnail.status_code == 404
                    assert "no thumbnail of this video" in thumbnail.json()["error"]["message"]
                else:
                    assert thumbnail.status_code == 400
                    message = thumbnail.json()["error"]["message"]
                    assert message.startswith("only a video has a thumbnail, and this reference is")
            first = next(item for item in items if item["type"] != 34)
            info = await http.get(f"/api/v1/media/{first['media_ref']}", params={"info": "1"})
            assert info.json()["ref"] == first["media_ref"]
            unknown = await http.get(f"/api/v1/media/{first['media_ref']}?format=flac")
            assert unknown.status_code == 400 and "wav, mp3, ogg or silk" in unknown.text
            unknown = await http.get(f"/api/v1/media/{first['media_ref']}?variant=poster")
            assert unknown.status_code == 400 and "original or thumbnail" in unknown.text


@pytest.mark.parametrize("layout", [Layout.V4, Layout.WINDOWS_V3], ids=str)
async def test_the_http_route_serves_voice_as_ogg_opus_when_asked(data, layout, monkeypatch):
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    fixtures = data[layout].media
    async with serving(data[layout].root) as url, mcp_client(url) as client:
        voices = [item for item in await media_items(client) if item["type"] == 34]
        assert len(voices) == len(fixtures.voices) > 0
        # Not httpx's 5 s: the server runs ffmpeg for each, which a loaded machine can stall.
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            for item in voices:
                ref = item["media_ref"]
                response = await http.get(f"/api/v1/media/{ref}", params={"format": "ogg"})
                assert response.status_code == 200, response.text
                assert response.headers["content-type"] == "audio/ogg"
                assert response.headers["content-disposition"].endswith(".ogg")
                silk = await http.get(f"/api/v1/media/{ref}", params={"format": "silk"})
                pcm = voice.silk_to_pcm(silk.content)
                assert response.content == voice.pcm_to_ogg(pcm)
            heard = compare(response.content, pcm, voice.SAMPLE_RATE)  # one is enough
            assert abs(heard.seconds - heard.original_seconds) <= 0.030
            assert heard.correlation > 0.9
            info = await http.get(f"/api/v1/media/{ref}", params={"format": "ogg", "info": "1"})
            described = info.json()
            assert described["mime_type"] == "audio/ogg" and described["name"].endswith(".ogg")
            assert described["size"] == len(response.content)
            assert described["duration_seconds"] == round(voice.duration_seconds(pcm), 2)


async def test_ogg_voice_without_ffmpeg_is_a_415_saying_what_to_install(data, monkeypatch):
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, "/nonexistent/ffmpeg")
    async with serving(data[Layout.V4].root) as url, mcp_client(url) as client:
        item = next(i for i in await media_items(client) if i["type"] == 34)
        async with httpx.AsyncClient(base_url=url) as http:
            ogg = await http.get(f"/api/v1/media/{item['media_ref']}", params={"format": "ogg"})
            mp3 = await http.get(f"/api/v1/media/{item['media_ref']}", params={"format": "mp3"})
        result = await client.call_tool(
            "get_media", {"ref": item["media_ref"], "voice_format": "ogg"}
        )
    assert ogg.status_code == 415
    message = ogg.json()["error"]["message"]
    assert "needs ffmpeg" in message and "CHATLOG_TRAY_FFMPEG" in message
    assert message.endswith("WAV and MP3 need nothing")
    assert mp3.status_code == 200 and mp3.headers["content-type"] == "audio/mpeg"
    assert result.is_error and message in result.content[0].text  # type: ignore[union-attr]


async def test_get_media_gives_voice_as_mp3_or_ogg_when_asked(data, monkeypatch):
    monkeypatch.setenv(ffmpeg.ENV_FFMPEG, FFMPEG)
    async with serving(data[Layout.V4].root) as url, mcp_client(url) as client:
        item = next(i for i in await media_items(client) if i["type"] == 34)
        blocks = {}
        for voice_format in ("wav", "mp3", "ogg"):
            result = await client.call_tool(
                "get_media", {"ref": item["media_ref"], "voice_format": voice_format}
            )
            assert not result.is_error, result.content
            assert result.content[0].text.endswith(voice_format.upper())  # type: ignore[union-attr]
            block = result.content[1]
            assert isinstance(block, AudioContent)
            assert result.structured_content is not None
            assert result.structured_content["mime_type"] == block.mime_type
            blocks[block.mime_type] = base64.b64decode(block.data)
        wrong = await client.call_tool(
            "get_media", {"ref": item["media_ref"], "voice_format": "flac"}
        )
    assert set(blocks) == {"audio/wav", "audio/mpeg", "audio/ogg"}
    assert blocks["audio/wav"][:4] == b"RIFF"
    assert mpeg2_layer3_frames(blocks["audio/mpeg"]).sample_rate == voice.SAMPLE_RATE
    assert opus_head(blocks["audio/ogg"]).channels == 1
    assert len(blocks["audio/ogg"]) < len(blocks["audio/mpeg"]) < len(blocks["audio/wav"])
    assert wrong.is_error


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/media/../../Msg/MicroMsg.db",
        "/api/v1/media/..%2f..%2fkey.txt",
        "/api/v1/media/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/media/db_storage/contact/contact.db",
        "/api/v1/media/C:%5CWindows%5Cwin.ini",
        "/api/v1/media/zzzzzz-000000",
        "/api/v1/media/..%2f..%2fkey.txt?variant=thumbnail",
        "/api/v1/media/db_storage/contact/contact.db?variant=thumbnail",
    ],
)
async def test_the_route_takes_references_never_paths(data, path):
    root = data[Layout.V4].root
    secret = b"the database key file"
    (root.parent / "key.txt").write_bytes(secret)
    async with serving(root) as url, httpx.AsyncClient(base_url=url) as http:
        response = await http.get(path)
    assert response.status_code in (400, 404)
    assert secret not in response.content and b"SQLite format" not in response.content


async def test_the_route_needs_a_client_token_on_real_data(data):
    async with serving(data[Layout.V4].root, open_access=False) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            response = await http.get("/api/v1/media/abc-123456")
    assert response.status_code == 401


async def test_at_first_launch_a_model_sees_and_hears_the_demo_media():
    # No data directory and no image key: the shipped demo set, as the app starts the first time.
    async with serving_whole_app(ServerConfig(port=0)) as url, mcp_client(url) as client:
        items = await media_items(client)
        pictures = [item for item in items if item["type"] == 3]
        voices = [item for item in items if item["type"] == 34]
        others = [item for item in items if item["type"] in (43, 49)]
        assert len(pictures) > 100 and voices and others
        formats = set()
        for item in pictures[:6]:  # PNG, JPEG and GIF in turn, each twice
            result = await client.call_tool("get_media", {"ref": item["media_ref"]})
            assert not result.is_error, result.content
            block = result.content[1]
            assert isinstance(block, ImageContent)
            picture = Image.open(io.BytesIO(base64.b64decode(block.data)))
            assert picture.size == (320, 240)
            formats.add(block.mime_type)
        assert formats == {"image/png", "image/jpeg", "image/gif"}
        heard = await client.call_tool("get_media", {"ref": voices[0]["media_ref"]})
        assert not heard.is_error and isinstance(heard.content[1], AudioContent)
        assert base64.b64decode(heard.content[1].data)[:4] == b"RIFF"
        for item in (next(i for i in others if i["type"] == t) for t in (43, 49)):
            linked = await client.call_tool("get_media", {"ref": item["media_ref"]})
            assert not linked.is_error and isinstance(linked.content[1], ResourceLink)
        # A video comes with its thumbnail, which a model sees, and plays from its link.
        first_video = next(item for item in others if item["type"] == 43)
        video = await client.call_tool("get_media", {"ref": first_video["media_ref"]})
        thumbnail = video.content[2]
        assert isinstance(thumbnail, ImageContent)
        seen = Image.open(io.BytesIO(base64.b64decode(thumbnail.data)))
        assert seen.format == "JPEG" and seen.size == CLIP_SIZE
        link = video.content[1]
        assert isinstance(link, ResourceLink) and link.mime_type == "video/mp4"
        async with httpx.AsyncClient(base_url=url) as http:  # port 0: the link is relative
            played = decode((await http.get(str(link.uri))).content)
        assert len(played.frames) == FRAMES and played.frames[0].size == CLIP_SIZE
        files = [item for item in others if item["type"] == 49]
        types = set()
        for item in files:
            result = await client.call_tool("get_media", {"ref": item["media_ref"]})
            assert isinstance(result.content[1], ResourceLink)
            types.add(result.content[1].mime_type)
        assert types == {"application/pdf", "image/png"}


async def test_a_video_without_a_thumbnail_still_comes_as_its_link(tmp_path):
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    for path in (tmp_path / "msg" / "video").rglob("*_thumb.jpg"):
        path.unlink()
    async with serving(tmp_path) as url, mcp_client(url) as client:
        item = next(i for i in await media_items(client) if i["type"] == 43)
        result = await client.call_tool("get_media", {"ref": item["media_ref"]})
        async with httpx.AsyncClient(base_url=url) as http:
            video = await http.get(f"/api/v1/media/{item['media_ref']}")
            thumbnail = await http.get(
                f"/api/v1/media/{item['media_ref']}", params={"variant": "thumbnail"}
            )
    assert not result.is_error and len(result.content) == 2
    assert isinstance(result.content[1], ResourceLink)
    assert result.structured_content is not None
    assert result.structured_content["has_thumbnail"] is False
    assert "thumbnail_uri" not in result.structured_content
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert thumbnail.status_code == 404
    assert thumbnail.json()["error"]["message"] == (
        "WeChat kept no thumbnail of this video on this computer"
    )


async def test_a_video_wechat_did_not_download_comes_as_its_thumbnail_alone(tmp_path):
    dataset = generate(tmp_path, Layout.V4, messages=600, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    for path in (tmp_path / "msg" / "video").rglob("*.mp4"):
        path.unlink()
    async with serving(tmp_path) as url, mcp_client(url) as client:
        items = await media_items(client)
        video = next(i for i in items if i["type"] == 43)
        result = await client.call_tool("get_media", {"ref": video["media_ref"]})
        picture = next(i for i in items if i["type"] == 3)
        for path in (tmp_path / "msg" / "attach").rglob("*.dat"):
            path.unlink()
        gone = await client.call_tool("get_media", {"ref": picture["media_ref"]})
    assert not result.is_error
    text, image = result.content
    assert "not on this computer" in text.text and "thumbnail" in text.text  # type: ignore[union-attr]
    assert isinstance(image, ImageContent)
    shown = Image.open(io.BytesIO(base64.b64decode(image.data)))
    assert shown.size == CLIP_SIZE
    assert result.structured_content is not None
    assert result.structured_content["has_video"] is False
    assert result.structured_content["ref"] == video["media_ref"]
    # A picture that is gone has no thumbnail to fall back on: still a clear error.
    assert gone.is_error and "not on this computer" in gone.content[0].text  # type: ignore[union-attr]


async def test_a_missing_or_wrong_image_key_is_a_clear_error(data):
    fixtures = data[Layout.V4].media
    assert "4.x-v2" in fixtures.image_versions.values()
    for image_key, expected in (
        (None, "no image key"),
        ("fedcba9876543210", "check the image key"),
    ):
        async with serving(data[Layout.V4].root, image_key) as url, mcp_client(url) as client:
            items = [i for i in await media_items(client) if i["type"] == 3]
            errors = []
            for item in items:
                result = await client.call_tool("get_media", {"ref": item["media_ref"]})
                if result.is_error:
                    errors.append(result.content[0].text)  # type: ignore[union-attr]
            v2 = sum(1 for v in fixtures.image_versions.values() if v == "4.x-v2")
            assert len(errors) == v2 and all(expected in text for text in errors)


async def test_a_file_that_is_gone_is_a_clear_error(tmp_path):
    dataset = generate(tmp_path, Layout.V4, messages=200, shards=1)
    write_media(dataset, tmp_path, Layout.V4)
    for path in (tmp_path / "msg" / "attach").rglob("*.dat"):
        path.unlink()
    async with serving(tmp_path) as url, mcp_client(url) as client:
        item = next(i for i in await media_items(client) if i["type"] == 3)
        result = await client.call_tool("get_media", {"ref": item["media_ref"]})
        assert result.is_error and "not on this computer" in result.content[0].text  # type: ignore[union-attr]
        bad = await client.call_tool("get_media", {"ref": "not a ref"})
        assert bad.is_error and "not a media reference" in bad.content[0].text  # type: ignore[union-attr]


async def test_fetching_media_leaves_the_folder_byte_identical(data):
    root = data[Layout.WINDOWS_V3].root
    before = {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }
    async with serving(root) as url, mcp_client(url) as client:
        for item in await media_items(client):
            await client.call_tool("get_media", {"ref": item["media_ref"]})
    after = {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }
    assert after == before
