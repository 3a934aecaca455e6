"""The sessions window shows a chat's pictures as thumbnails beside its recent messages."""

from __future__ import annotations

import base64
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from devtools.demo import generate
from devtools.demo.media import write_media
from server.config import ServerConfig
from server.wechat.media.refs import media_kind
from server.wechat.media.thumbnail import THUMBNAIL_SIDE
from server.wechat.model import Layout
from tests.desktop.chat_pane import open_chat_named

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]

IMAGE_KEY = "0123456789abcdef"
DATA_URI = re.compile(r"src=[\"']data:image/(?:png|jpeg);base64,([A-Za-z0-9+/=]+)[\"']")


async def test_the_recent_pictures_of_a_chat_show_as_thumbnails(make_app, tmp_path: Path):
    root = tmp_path / "wechat"
    dataset = generate(root, Layout.V4, messages=300, shards=1)
    media = write_media(dataset, root, Layout.V4, IMAGE_KEY.encode())
    chat = Counter(talker for talker, _ in media.images).most_common(1)[0][0]
    app = make_app(ServerConfig(port=0, data_dir=root, image_key=IMAGE_KEY), serve=False)
    window = app.window
    await open_chat_named(window, chat)
    recent = await app.chats.recent_messages(chat)
    pictures = sum(1 for message in recent if media_kind(message) == "image")
    assert pictures > 0
    shown = DATA_URI.findall(window.messages.toHtml())
    assert len(shown) == pictures
    for data in shown:
        size = Image.open(io.BytesIO(base64.b64decode(data))).size
        assert max(size) <= THUMBNAIL_SIDE
    assert "<script" not in window.messages.toHtml()
