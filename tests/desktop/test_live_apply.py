"""Apply while serving: a setting the running server can take is applied live, and a client
connected through the official SDK keeps its session; a new host or port restarts."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from desktop.server_host import ServerHost, ServerState
from devtools.demo.generate import Layout, generate
from server.app import Application
from server.client_tokens import ClientTokens, MemoryVault
from server.composition import build_application
from server.config import SETTINGS, ServerConfig
from server.push.hook_config import WebhookConfig
from tests.support import mcp_client
from tests.unit.wechat.crypto.conftest import KEY

pytestmark = pytest.mark.desktop

NEW_TOKEN = "a-new-server-token-0123456789"

# Each change, as the settings it sets; together they cover every live setting of the
# dialog (the test below the table checks that). Paths are filled in by `_updates`.
LIVE_CHANGES: dict[str, dict[str, Any]] = {
    "queue capacity": {"queue_capacity": 7},
    "workers": {"workers": 3},
    "ping interval": {"ping_interval": 0.5},
    "idle timeout": {"session_idle_timeout": 600},
    "sessions at most": {"max_sessions": 50},
    "server token": {"token": NEW_TOKEN},
    "origins": {"allow_origins": ("http://localhost:6274",)},
    "open access": {"open_access": True},
    "data folder": {"data_dir": "plain"},
    "encrypted data and its keys": {
        "data_dir": "encrypted",
        "key": KEY,
        "file_keys": {"db_storage/message/message_0.db": KEY},
    },
    "image key": {"image_key": "0123456789abcdef"},
    "webhooks": {"webhooks": (WebhookConfig(url="http://127.0.0.1:9/hook", keyword="urgent"),)},
}


def test_the_changes_cover_every_live_setting_of_the_dialog():
    live = {entry.name for entry in SETTINGS if entry.live and entry.setting.group}
    covered = {name for updates in LIVE_CHANGES.values() for name in updates}
    assert covered == live


@pytest.fixture
def tokens() -> ClientTokens:
    return ClientTokens(MemoryVault())


@pytest.fixture
def build(tokens: ClientTokens) -> Callable[[ServerConfig], Application]:
    # The keychain's client tokens, kept in memory: each rebuilt application reads the same.
    return lambda config: build_application(config, tokens=tokens)


@asynccontextmanager
async def _sdk_client(url: str, token: str) -> AsyncIterator[ClientSession]:
    """The official SDK's client over Streamable HTTP, with an app's own token."""
    http = httpx2.AsyncClient(
        headers={"authorization": f"Bearer {token}"}, timeout=httpx2.Timeout(30, read=300)
    )
    async with (
        http,
        streamable_http_client(url + "/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        yield client


def _updates(change: str, folders: dict[str, Path]) -> dict[str, Any]:
    updates = dict(LIVE_CHANGES[change])
    if "data_dir" in updates:
        updates["data_dir"] = folders[updates["data_dir"]]
    return updates


@pytest.mark.asyncio
@pytest.mark.parametrize("change", list(LIVE_CHANGES))
async def test_a_live_change_keeps_the_connected_client_and_its_session(
    change, build, tokens, tmp_path, encrypted_data
):
    plain = tmp_path / "plain"
    generate(plain, Layout.V4, messages=40)
    updates = _updates(change, {"plain": plain, "encrypted": encrypted_data})
    host = ServerHost(ServerConfig(port=0), build)
    assert await host.start()
    assert host.address is not None and host.application is not None
    url, application = host.address.url, host.application
    app_token = tokens.issue("Pytest")
    try:
        async with _sdk_client(url, app_token) as client:
            await client.list_tools()
            [before] = list(application.registry)
            stopped: list[None] = []
            host.stopped.connect(lambda: stopped.append(None))

            new_config = host.config.model_copy(update=updates)
            new_config = ServerConfig.model_validate(new_config.model_dump())
            assert await host.apply(new_config) is None

            assert host.application is application and host.running and not stopped
            result = await client.call_tool("current_time", {})  # the same session goes on
            assert not result.is_error
            assert list(application.registry) == [before]
            assert application.config.model_dump() == new_config.model_dump()
            await _check_taken(change, application, url)
    finally:
        await host.shutdown()


async def _check_taken(change: str, application: Application, url: str) -> None:
    """The running server really follows the new value, seen from outside where it can be."""
    config = application.config
    assert application.queue.capacity == config.queue_capacity
    assert application.queue.workers == config.workers
    assert application.registry.max_sessions == config.max_sessions
    assert application.service.idle_timeout == config.session_idle_timeout
    assert application.sse.ping_interval == config.ping_interval
    async with httpx.AsyncClient(timeout=30) as http:
        if change == "server token":
            mcp = await http.post(url + "/mcp", headers={"authorization": f"Bearer {NEW_TOKEN}"})
            assert mcp.status_code != 401  # the new token opens the door
        if change == "origins":
            preflight = await http.options(
                url + "/mcp",
                headers={
                    "origin": "http://localhost:6274",
                    "access-control-request-method": "POST",
                },
            )
            assert preflight.status_code == 204
        health = (await http.get(url + "/health")).json()
    if change in ("data folder", "encrypted data and its keys"):
        assert health["data"]["demo"] is False
    if change == "webhooks":
        hooks = health["push"]["webhooks"]
        assert hooks["listening"]  # the new hook follows the change feed
        assert [hook["target"] for hook in hooks["hooks"]] == ["http://127.0.0.1:9"]
    assert health["queue"]["capacity"] == config.queue_capacity


@pytest.mark.asyncio
async def test_a_new_port_restarts_the_server_and_drops_its_clients(build, tokens):
    host = ServerHost(ServerConfig(port=0), build)
    assert await host.start()
    assert host.address is not None and host.application is not None
    old_application, old_port = host.application, host.address.port
    states: list[str] = []
    host.state_changed.connect(states.append)
    async with _sdk_client(host.address.url, tokens.issue("Pytest")) as client:
        await client.list_tools()
        assert len(old_application.registry) == 1
        assert await host.apply(ServerConfig(port=0, host="localhost")) is None
        assert states == ["stopping", "stopped", "starting", "serving"]
        assert host.application is not old_application
        assert len(old_application.registry) == 0  # the old server ended every session
        assert host.state is ServerState.SERVING
        assert host.address is not None and host.address.port != old_port
    await host.shutdown()


@pytest.mark.asyncio
async def test_a_client_the_new_access_settings_refuse_is_disconnected_at_once(build):
    host = ServerHost(ServerConfig(port=0), build)  # demo data: any local program may read
    assert await host.start()
    assert host.address is not None and host.application is not None
    url, application = host.address.url, host.application
    try:
        async with mcp_client(url) as client:  # no token at all
            await client.list_tools()
            assert len(application.registry) == 1
            assert await host.apply(ServerConfig(port=0, token=NEW_TOKEN)) is None
            assert host.application is application  # still live, not a restart
            assert len(application.registry) == 0  # but that client is gone
            async with httpx.AsyncClient() as http:
                assert (await http.post(url + "/mcp", json={})).status_code == 401
    finally:
        await host.shutdown()
