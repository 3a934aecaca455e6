"""Who may read real chats: each connected app with its own token, revocable; the demo open."""

import logging

import httpx
import pytest

from devtools.demo.generate import Layout, generate
from server.client_tokens import ClientTokens, MemoryVault
from server.composition import build_application
from server.config import ServerConfig
from tests.support import ACCEPT_BOTH, initialize, running_server

pytestmark = pytest.mark.asyncio

SERVER_TOKEN = "the-users-own-server-token"


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    generate(root, Layout.V4, messages=200)
    return root


def serve(data_dir=None, tokens=None, **settings):
    config = ServerConfig(port=0, data_dir=data_dir, **settings)
    return running_server(app=build_application(config, tokens=tokens))


async def mcp_initialize(client, url, token=None):
    headers = {"accept": ACCEPT_BOTH}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    return await client.post(url + "/mcp", json=initialize(), headers=headers)


async def test_real_data_refuses_a_request_without_a_client_token_and_says_how_to_connect(
    real_data,
):
    async with serve(real_data, ClientTokens(MemoryVault())) as server, httpx.AsyncClient() as c:
        refused = await mcp_initialize(c, server.url)
        assert refused.status_code == 401
        assert "chatlog-tray clients add" in refused.json()["error"]["message"]
        assert (await c.get(server.url + "/api/v1/contact")).status_code == 401
        assert (await c.get(server.url + "/health")).status_code == 200


async def test_each_app_reads_with_its_own_token_and_is_named_in_the_registry(real_data):
    tokens = ClientTokens(MemoryVault())
    cursor, claude = tokens.issue("Cursor"), tokens.issue("Claude Desktop")
    async with serve(real_data, tokens) as server, httpx.AsyncClient() as c:
        assert (await mcp_initialize(c, server.url, cursor)).status_code == 200
        assert (await mcp_initialize(c, server.url, claude)).status_code == 200
        assert (await mcp_initialize(c, server.url, "clt_made-up")).status_code == 401
        assert sorted(info.token for info in server.app.registry.snapshot()) == [
            "Claude Desktop",
            "Cursor",
        ]


async def test_a_revoked_token_is_refused_on_its_next_request(real_data):
    tokens = ClientTokens(MemoryVault())
    token = tokens.issue("Cursor")
    async with serve(real_data, tokens) as server, httpx.AsyncClient() as c:
        auth = {"authorization": f"Bearer {token}"}
        assert (await c.get(server.url + "/api/v1/contact", headers=auth)).status_code == 200
        tokens.revoke("Cursor")
        assert (await c.get(server.url + "/api/v1/contact", headers=auth)).status_code == 401


async def test_an_app_connected_from_another_process_is_let_in_within_seconds(real_data):
    vault = MemoryVault()
    async with serve(real_data, ClientTokens(vault)) as server, httpx.AsyncClient() as c:
        token = ClientTokens(vault).issue("VS Code")  # as `chatlog-tray clients add` would
        auth = {"authorization": f"Bearer {token}"}
        server.app.client_tokens.refresh()  # what the server does every few seconds
        assert (await c.get(server.url + "/api/v1/contact", headers=auth)).status_code == 200


async def test_the_demo_data_and_open_access_need_no_token(real_data):
    async with serve(None, ClientTokens(MemoryVault())) as demo, httpx.AsyncClient() as c:
        assert (await mcp_initialize(c, demo.url)).status_code == 200
    async with serve(real_data, ClientTokens(MemoryVault()), open_access=True) as server:
        async with httpx.AsyncClient() as c:
            assert (await mcp_initialize(c, server.url)).status_code == 200


async def test_the_server_token_still_works_and_only_it_may_disconnect_others(real_data):
    tokens = ClientTokens(MemoryVault())
    app_token = tokens.issue("Cursor")
    async with serve(real_data, tokens, token=SERVER_TOKEN) as server, httpx.AsyncClient() as c:
        assert (await mcp_initialize(c, server.url, app_token)).status_code == 200
        [info] = server.app.registry.snapshot()
        url = f"{server.url}/api/v1/mcp/clients/{info.handle}"
        by_app = await c.delete(url, headers={"authorization": f"Bearer {app_token}"})
        assert by_app.status_code == 403
        by_user = await c.delete(url, headers={"authorization": f"Bearer {SERVER_TOKEN}"})
        assert by_user.status_code == 204


async def test_no_token_reaches_the_log_health_or_an_error(real_data, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = ClientTokens(MemoryVault())
    token = tokens.issue("Cursor")
    async with serve(real_data, tokens) as server, httpx.AsyncClient() as c:
        await mcp_initialize(c, server.url, token)
        refused = await mcp_initialize(c, server.url, token + "x")
        health = (await c.get(server.url + "/health")).text
    assert token not in caplog.text and token not in health and token not in refused.text
