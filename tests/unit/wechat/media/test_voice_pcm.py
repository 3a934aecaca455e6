"""`MediaService.voice_pcm`: a voice message as the PCM the window plays, equal to what its
SILK blob decodes to; anything else is a clear error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from devtools.demo import generate
from devtools.demo.media import MediaFixtures, write_media
from server.wechat.media import voice
from server.wechat.media.errors import MediaError, MediaNotFoundError
from server.wechat.media.refs import media_kind
from server.wechat.media.service import MediaService
from server.wechat.model import Layout, Message
from server.wechat.query import MessageQuery
from server.wechat.store import ChatStore, open_store

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture(params=[Layout.V4, Layout.WINDOWS_V3, Layout.DARWIN_V3], ids=str)
async def voiced(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[ChatStore, MediaFixtures, Layout]]:
    layout: Layout = request.param
    dataset = generate(tmp_path, layout, messages=200, shards=1)
    fixtures = write_media(dataset, tmp_path, layout)
    store = open_store(tmp_path)
    yield store, fixtures, layout
    await store.close()


async def messages_of_kind(store: ChatStore, kind: str) -> list[Message]:
    page = await store.messages(MessageQuery(limit=0))
    return [message for message in page.items if media_kind(message) == kind]


async def test_a_voice_message_gives_the_pcm_its_silk_decodes_to(voiced):
    store, fixtures, layout = voiced
    media = MediaService(store)
    voices = await messages_of_kind(store, "voice")
    assert voices
    for message in voices:
        if layout is Layout.DARWIN_V3:
            with pytest.raises(MediaNotFoundError, match="keeps no voice messages"):
                await media.voice_pcm(message)
            continue
        pcm = await media.voice_pcm(message)
        blob = fixtures.voices[(message.talker, message.seq)]
        assert pcm == voice.silk_to_pcm(blob)
        assert voice.duration_seconds(pcm) == pytest.approx(1.0, abs=0.03)


async def test_a_picture_is_not_played(voiced):
    store, _, _ = voiced
    picture = (await messages_of_kind(store, "image"))[0]
    with pytest.raises(MediaError, match="not a voice message"):
        await MediaService(store).voice_pcm(picture)
