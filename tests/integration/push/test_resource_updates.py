"""New messages, pushed to MCP clients: the official SDK's 2.x `Client` subscribes to the chat
resources (handshake era: resources/subscribe; 2026-07-28: subscriptions/listen), a writer
commits messages to a live WAL-mode store (plain and encrypted), the client hears that the
resource changed and reads the new message."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlcipher3  # type: ignore[import-untyped]
from mcp import Client, ClientSession, types
from mcp.client.sse import sse_client

from devtools.demo import generate
from devtools.demo.live import ShardWriter
from server.config import ServerConfig
from server.push.resources import ALL_CHATS_URI, CHAT_TEMPLATE, chat_uri
from server.wechat.model import Layout
from tests.support import TIMEOUT, serving_whole_app, wait_until
from tests.unit.wechat.crypto.conftest import KEY, PROFILE, encrypt_tree

pytestmark = pytest.mark.asyncio

ALICE = "wxid_alice01"
GROUP = "20001@chatroom"
BOB = "wxid_bob02"


@pytest.fixture
def plain_dir(tmp_path: Path) -> Path:
    generate(tmp_path / "plain", Layout.V4, messages=400, shards=2, wal=True)
    return tmp_path / "plain"


@pytest.fixture
def encrypted_dir(tmp_path: Path) -> Path:
    plain = tmp_path / "source"
    generate(plain, Layout.V4, messages=400, shards=2)
    return encrypt_tree(plain, tmp_path / "encrypted", PROFILE[Layout.V4])


def newest_shard(root: Path) -> Path:
    return max((root / "db_storage" / "message").glob("message_*.db"))


@pytest.fixture
def plain_writer(plain_dir: Path) -> Iterator[ShardWriter]:
    with closing(ShardWriter.plain(newest_shard(plain_dir))) as writer:
        yield writer


@pytest.fixture
def encrypted_writer(encrypted_dir: Path) -> Iterator[ShardWriter]:
    # SQLCipher 4 (an independent implementation) writes as WeChat 4.x does, in WAL mode.
    connection = sqlcipher3.connect(str(newest_shard(encrypted_dir)))
    connection.execute(f"PRAGMA hexkey = '{KEY}'")
    with closing(ShardWriter(connection)) as writer:
        yield writer


@asynccontextmanager
async def serving(data_dir: Path, **settings: Any) -> AsyncIterator[str]:
    config = ServerConfig(port=0, data_dir=data_dir, open_access=True, **settings)
    async with serving_whole_app(config) as url:
        yield url


class Updates:
    """`notifications/resources/updated` as a handshake-era SDK client receives them."""

    def __init__(self) -> None:
        self.uris: list[str] = []

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.uris.append(str(message.params.uri))


def text_of(result: types.ReadResourceResult) -> str:
    [content] = result.contents
    assert isinstance(content, types.TextResourceContents)
    return content.text


async def subscribe(client: Client, uri: str) -> None:
    with warnings.catch_warnings():  # deprecated in the SDK for 2026-07-28, current before
        warnings.simplefilter("ignore")
        await client.subscribe_resource(uri)


async def unsubscribe(client: Client, uri: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        await client.unsubscribe_resource(uri)


async def test_the_chat_resources_are_listed_with_their_template(plain_dir: Path) -> None:
    for mode in ("legacy", "auto"):  # auto discovers: the capabilities are the server's
        async with serving(plain_dir) as url, Client(url + "/mcp", mode=mode) as client:
            listed = [str(resource.uri) for resource in (await client.list_resources()).resources]
            assert listed[0] == ALL_CHATS_URI
            assert chat_uri(ALICE) in listed and chat_uri(GROUP) in listed
            templates = (await client.list_resource_templates()).resource_templates
            assert [template.uri_template for template in templates] == [CHAT_TEMPLATE]
            assert client.server_capabilities.resources is not None
            assert client.server_capabilities.resources.subscribe is True


async def test_a_chat_resource_reads_the_chats_newest_messages_oldest_first(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    plain_writer.add_text(ALICE, "the very latest", sender=ALICE)
    async with serving(plain_dir) as url, Client(url + "/mcp", mode="legacy") as client:
        text = text_of(await client.read_resource(chat_uri(ALICE)))
        assert text.rstrip().endswith("the very latest")
        assert text.count("(wxid_alice01)") + text.count("我 ") >= 40  # 50 newest, named
        everything = text_of(await client.read_resource(ALL_CHATS_URI))
        assert everything.rstrip().endswith("the very latest")


async def test_an_unknown_chat_is_not_found(plain_dir: Path) -> None:
    async with serving(plain_dir) as url, Client(url + "/mcp", mode="legacy") as client:
        with pytest.raises(Exception, match="Resource not found"):
            await client.read_resource(chat_uri("wxid_nobody_here"))


async def test_a_handshake_client_hears_of_a_new_message_and_reads_it(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    updates = Updates()
    async with (
        serving(plain_dir) as url,
        Client(url + "/mcp", mode="legacy", message_handler=updates) as client,
    ):
        await subscribe(client, chat_uri(ALICE))
        plain_writer.add_text(GROUP, "not for alice's resource", sender=BOB)
        plain_writer.add_text(ALICE, "news for the subscriber", sender=ALICE)
        await wait_until(lambda: chat_uri(ALICE) in updates.uris)
        assert updates.uris == [chat_uri(ALICE)]  # once, and not for the other chat
        text = text_of(await client.read_resource(chat_uri(ALICE)))
        assert text.rstrip().endswith("news for the subscriber")


async def test_an_unsubscribed_handshake_client_hears_nothing_more(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    updates = Updates()
    async with (
        serving(plain_dir) as url,
        Client(url + "/mcp", mode="legacy", message_handler=updates) as client,
    ):
        await subscribe(client, ALL_CHATS_URI)
        plain_writer.add_text(ALICE, "first")
        await wait_until(lambda: updates.uris == [ALL_CHATS_URI])
        await unsubscribe(client, ALL_CHATS_URI)
        plain_writer.add_text(ALICE, "second")
        everything = text_of(await client.read_resource(ALL_CHATS_URI))
        assert everything.rstrip().endswith("second")
        assert updates.uris == [ALL_CHATS_URI]


async def listen_for_one(client: Client, uri: str, write: Any) -> str:
    async with client.listen(resource_subscriptions=[uri]) as subscription:
        assert subscription.honored.resource_subscriptions == [uri]
        write()
        async with asyncio.timeout(TIMEOUT):
            event = await anext(aiter(subscription))
    assert getattr(event, "uri", None) == uri
    return text_of(await client.read_resource(uri))


async def test_a_2026_client_listening_hears_of_a_new_message_and_reads_it(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    async with serving(plain_dir) as url, Client(url + "/mcp", mode="2026-07-28") as client:
        text = await listen_for_one(
            client, chat_uri(GROUP), lambda: plain_writer.add_text(GROUP, "group news", sender=BOB)
        )
        assert text.rstrip().endswith("group news")


async def test_encrypted_data_pushes_too_in_both_eras(
    encrypted_dir: Path, encrypted_writer: ShardWriter
) -> None:
    updates = Updates()
    async with (
        serving(encrypted_dir, key=KEY) as url,
        Client(url + "/mcp", mode="legacy", message_handler=updates) as legacy,
        Client(url + "/mcp", mode="2026-07-28") as modern,
    ):
        await subscribe(legacy, ALL_CHATS_URI)
        text = await listen_for_one(
            modern, ALL_CHATS_URI, lambda: encrypted_writer.add_text(ALICE, "sealed news")
        )
        assert text.rstrip().endswith("sealed news")
        await wait_until(lambda: updates.uris == [ALL_CHATS_URI])
        legacy_text = text_of(await legacy.read_resource(ALL_CHATS_URI))
        assert legacy_text.rstrip().endswith("sealed news")


async def test_the_registry_and_the_api_show_who_subscribes_to_what(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    async with (
        serving(plain_dir) as url,
        Client(url + "/mcp", mode="legacy") as legacy,
        Client(url + "/mcp", mode="2026-07-28") as modern,
        httpx.AsyncClient(base_url=url) as http,
    ):
        await subscribe(legacy, chat_uri(ALICE))
        await subscribe(legacy, ALL_CHATS_URI)
        async with modern.listen(resource_subscriptions=[chat_uri(GROUP)]):
            listed = (await http.get("/api/v1/mcp/clients")).json()
            by_era = {entry["era"]: entry["subscriptions"] for entry in listed["clients"]}
            assert by_era == {
                "handshake": sorted([chat_uri(ALICE), ALL_CHATS_URI]),
                "modern": [chat_uri(GROUP)],
            }
            health = (await http.get("/health")).json()
            assert health["push"]["feed"]["watching"] is True
        await unsubscribe(legacy, chat_uri(ALICE))
        await unsubscribe(legacy, ALL_CHATS_URI)

        async def resting() -> bool:
            return (await http.get("/health")).json()["push"]["feed"]["watching"] is False

        async with asyncio.timeout(TIMEOUT):
            # Polling /health is the point: the listen stream's end reaches the server soon.
            while not await resting():  # noqa: ASYNC110
                await asyncio.sleep(0.02)


async def test_real_data_without_a_token_shows_no_resource(plain_dir: Path) -> None:
    config = ServerConfig(port=0, data_dir=plain_dir)
    async with serving_whole_app(config) as url, httpx.AsyncClient() as http:
        response = await http.post(
            url + "/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "resources/list", "params": {}},
            headers={"mcp-protocol-version": "2026-07-28"},
        )
        assert response.status_code == 401


async def feed_watching(http: httpx.AsyncClient) -> bool:
    watching: bool = (await http.get("/health")).json()["push"]["feed"]["watching"]
    return watching


async def test_the_feed_rests_until_a_chat_resource_is_subscribed_and_after_the_client_leaves(
    plain_dir: Path,
) -> None:
    async with serving(plain_dir) as url, httpx.AsyncClient(base_url=url) as http:
        async with Client(url + "/mcp", mode="legacy") as client:
            await subscribe(client, "test://not-a-chat")  # accepted, never fires
            assert not await feed_watching(http)
            await subscribe(client, ALL_CHATS_URI)
            assert await feed_watching(http)
        # Leaving ends the session (DELETE): nobody listens any more.
        assert not await feed_watching(http)


async def test_a_batch_of_messages_is_one_update_per_resource_however_the_uri_is_written(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    updates = Updates()
    spelled = chat_uri(GROUP).replace("@", "%40")
    async with (
        serving(plain_dir) as url,
        Client(url + "/mcp", mode="legacy", message_handler=updates) as client,
    ):
        await subscribe(client, spelled)
        await subscribe(client, ALL_CHATS_URI)
        with plain_writer.batch():
            for number in range(5):
                plain_writer.add_text(GROUP, f"burst {number}", sender=BOB)
        await wait_until(lambda: len(updates.uris) >= 2)
        plain_writer.add_text(ALICE, "one more, elsewhere")
        await wait_until(lambda: len(updates.uris) >= 3)
        assert updates.uris == [spelled, ALL_CHATS_URI, ALL_CHATS_URI]  # in URI order
        text = text_of(await client.read_resource(spelled))
        assert text.rstrip().endswith("burst 4")


async def test_an_http_sse_session_hears_on_its_sse_stream(
    plain_dir: Path, plain_writer: ShardWriter
) -> None:
    updates = Updates()
    async with (
        serving(plain_dir) as url,
        sse_client(url + "/sse") as (read, write),
        ClientSession(read, write, message_handler=updates) as session,
    ):
        await session.initialize()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await session.subscribe_resource(chat_uri(ALICE))
        plain_writer.add_text(ALICE, "over the old transport", sender=ALICE)
        await wait_until(lambda: updates.uris == [chat_uri(ALICE)])
        result = await session.read_resource(chat_uri(ALICE))
        assert text_of(result).rstrip().endswith("over the old transport")


async def test_a_subscriber_follows_a_data_folder_changed_live(
    plain_dir: Path, tmp_path: Path
) -> None:
    """Settings applied without a restart (a new folder): the subscribed client keeps its
    session and hears of the new folder's messages, not the old one's."""
    from server.client_tokens import ClientTokens, MemoryVault
    from server.composition import build_application
    from server.serving import ServerController

    other = tmp_path / "other"
    generate(other, Layout.V4, messages=200, shards=1, wal=True)
    config = ServerConfig(port=0, data_dir=plain_dir, open_access=True)
    application = build_application(config, None, ClientTokens(MemoryVault()))
    controller = ServerController(application)
    url = (await controller.start()).url
    updates = Updates()
    try:
        async with Client(url + "/mcp", mode="legacy", message_handler=updates) as client:
            await subscribe(client, ALL_CHATS_URI)
            moved = config.model_copy(update={"data_dir": other})
            await application.reconfigure(build_application(moved, None, application.client_tokens))
            with (
                closing(ShardWriter.plain(newest_shard(plain_dir))) as old,
                closing(ShardWriter.plain(newest_shard(other))) as new,
            ):
                old.add_text(ALICE, "written to the folder no longer served")
                new.add_text(ALICE, "written to the folder now served")
                await wait_until(lambda: updates.uris == [ALL_CHATS_URI])
            text = text_of(await client.read_resource(ALL_CHATS_URI))
            assert text.rstrip().endswith("written to the folder now served")
            assert "no longer served" not in text
            await asyncio.sleep(0.6)  # two looks of the feed: nothing else is announced
            assert updates.uris == [ALL_CHATS_URI]
    finally:
        await controller.stop()
        await application.close()
