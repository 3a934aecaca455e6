"""The sessions window follows real MCP clients and browses the (demo) WeChat chats."""

import warnings

import httpx
import pytest
from mcp import Client, ClientSession, types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from PySide6.QtCore import Qt

from desktop import server_host
from desktop.sessions_window import PAGE_SIZE
from devtools.demo.generate import Layout, generate
from server.config import ServerConfig
from tests.support import initialize, wait_until

pytestmark = [pytest.mark.desktop, pytest.mark.asyncio]


def _cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


async def test_the_mcp_table_follows_a_streamable_http_client_in_and_out(make_app):
    app = make_app()
    await app.start()
    window = app.window
    assert app.host.address is not None
    assert window.mcp_stack.currentWidget() is window.mcp_empty
    assert app.host.address.url + "/mcp" in window.mcp_empty.text()

    async with (
        streamable_http_client(app.host.address.url + "/mcp") as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        await wait_until(lambda: window.mcp_model.rowCount() == 1)
        await wait_until(lambda: _cell(window.mcp_model, 0, 0) != "(not initialised)")
        assert window.mcp_stack.currentWidget() is window.mcp_table
        assert _cell(window.mcp_model, 0, 2) == "Streamable HTTP"
        assert _cell(window.mcp_model, 0, 3) == "2025-11-25"
        assert _cell(window.mcp_model, 0, 4).startswith("127.0.0.1")
        await client.list_tools()
        await wait_until(lambda: int(_cell(window.mcp_model, 0, 9)) >= 1)
        assert "1 client(s) connected" in window.clients_label.text()
        assert app.tray is not None and "1 client(s) connected" in app.tray.icon.toolTip()
    # Leaving the SDK context sends DELETE: the row goes away by itself.
    await wait_until(lambda: window.mcp_model.rowCount() == 0)
    assert window.mcp_stack.currentWidget() is window.mcp_empty


async def test_a_stateless_client_is_listed_and_shown_idle_once_it_goes_quiet(make_app):
    app = make_app()
    await app.start()
    window = app.window
    assert app.host.address is not None
    info = types.Implementation(name="Stateless Assistant", version="3.1")
    async with Client(app.host.address.url + "/mcp", mode="2026-07-28", client_info=info) as c:
        await c.call_tool("current_time", {})
    await wait_until(lambda: window.mcp_model.rowCount() == 1)
    assert _cell(window.mcp_model, 0, 0) == "Stateless Assistant"
    assert _cell(window.mcp_model, 0, 3) == "2026-07-28"
    assert _cell(window.mcp_model, 0, 6) == "active"
    assert "1 client(s) connected" in window.clients_label.text()
    [client] = list(app.host.application.registry)
    client.last_activity_monotonic -= 120  # two quiet minutes
    app.host.application.registry.sweep(idle_timeout=1800)
    await wait_until(lambda: _cell(window.mcp_model, 0, 6) == "idle")
    assert "0 client(s) connected" in window.clients_label.text()


async def test_revoking_an_apps_key_disconnects_it_and_refuses_its_next_request(make_app, tmp_path):
    generate(tmp_path / "wechat", Layout.V4, messages=50)
    app = make_app(ServerConfig(port=0, data_dir=tmp_path / "wechat"))
    await app.start()
    window = app.window
    assert app.host.address is not None and app.host.application is not None
    tokens = app.host.application.client_tokens
    assert tokens is not None
    token = tokens.issue("Cursor")
    url = app.host.address.url
    auth = {"authorization": f"Bearer {token}", "accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(headers=auth) as http:
        response = await http.post(url + "/mcp", json=initialize())
        assert response.status_code == 200
        await wait_until(lambda: window.mcp_model.rowCount() == 1)
        assert _cell(window.mcp_model, 0, 5) == "Cursor"
        window.mcp_table.selectRow(0)
        assert window.revoke_button.isEnabled()
        assert window.revoke_selected() == 1
        await wait_until(lambda: window.mcp_model.rowCount() == 0)
        assert (await http.post(url + "/mcp", json=initialize())).status_code == 401
    assert "Cursor" not in tokens.names()


async def test_disconnect_closes_the_selected_sse_session(make_app):
    app = make_app()
    await app.start()
    window = app.window
    assert app.host.address is not None
    async with (
        sse_client(app.host.address.url + "/sse") as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        await wait_until(lambda: window.mcp_model.rowCount() == 1)
        assert _cell(window.mcp_model, 0, 2) == "SSE"
        assert not window.disconnect_button.isEnabled()
        window.mcp_table.selectRow(0)
        assert window.disconnect_button.isEnabled()
        window.disconnect_button.click()
        await wait_until(lambda: window.mcp_model.rowCount() == 0)
        assert len(app.host.application.registry) == 0
        assert not window.disconnect_button.isEnabled()


async def test_stopping_the_server_empties_the_table_and_says_so(make_app):
    app = make_app()
    await app.start()
    assert app.host.address is not None
    async with (
        streamable_http_client(app.host.address.url + "/mcp") as (read, write),
        ClientSession(read, write) as client,
    ):
        await client.initialize()
        await wait_until(lambda: app.window.mcp_model.rowCount() == 1)
        await app.host.stop()
        assert app.window.mcp_model.rowCount() == 0
        assert "stopped" in app.window.mcp_empty.text()


async def test_the_chat_table_shows_the_demo_chats_with_paging_and_search(make_app):
    app = make_app(serve=False)
    window = app.window
    await window.reload_chats()
    model = window.chat_model
    assert window.chat_stack.currentWidget() is window.chat_table
    assert "demo" in window.source_label.text()
    assert model.rowCount() > 0
    total = window._total
    assert window.page_label.text() == f"1–{model.rowCount()} of {total}"
    assert not window.previous_page.isEnabled()
    if total > PAGE_SIZE:
        await window.show_page(PAGE_SIZE)
        assert window.previous_page.isEnabled()

    first = model.chat(0)
    window.search.setText(first.user_name)
    await window.reload_chats()
    assert model.rowCount() >= 1
    assert any(model.chat(row).user_name == first.user_name for row in range(model.rowCount()))

    window.search.setText("no chat is called like this 0xdeadbeef")
    await window.reload_chats()
    assert model.rowCount() == 0
    assert window.chat_stack.currentWidget() is window.chat_empty
    assert "No chat matches" in window.chat_empty.text()


async def test_opening_a_chat_shows_its_recent_messages(make_app):
    app = make_app(serve=False)
    window = app.window
    await window.reload_chats()
    chat = window.chat_model.chat(0)
    await window.open_chat(0)
    assert not window._messages_pane.isHidden()
    assert (chat.nick_name or chat.user_name) in window.messages_title.text()
    assert window.messages.toPlainText().strip()


async def test_an_unreadable_data_directory_says_what_to_do(make_app, tmp_path):
    app = make_app(ServerConfig(port=0, data_dir=tmp_path / "nothing-here"), serve=False)
    window = app.window
    await window.reload_chats()
    assert window.chat_stack.currentWidget() is window.chat_empty
    assert "cannot be read" in window.chat_empty.text()
    assert "Settings" in window.chat_empty.text()


async def test_the_server_and_the_window_read_through_one_store_that_outlives_restarts(make_app):
    app = make_app()
    await app.start()
    store = app.chats.store
    await store.ready()
    application = app.host.application
    assert application is not None
    assert application.health()["data"] == store.status()
    await app.host.stop()
    await app.host.start()
    assert app.chats.store is store  # not reopened, and not closed by the old server
    assert (await app.chats.sessions("", 5, 0)).items
    assert app.host.address is not None
    async with httpx.AsyncClient() as client:
        answer = await client.get(app.host.address.url + "/api/v1/session?limit=1")
    assert answer.status_code == 200


async def test_a_busy_client_reaches_the_window_in_batches_not_once_per_request(
    make_app, monkeypatch
):
    # A batch long enough for the 40 calls even on a stalled machine: what counts is that the
    # window hears of them in batches, not how many fit in the real 0.3 s.
    monkeypatch.setattr(server_host, "EVENT_BATCH_SECONDS", 5.0)
    app = make_app()
    await app.start()
    assert app.host.address is not None and app.host.application is not None
    registry_events, window_events = [], []
    app.host.application.registry.subscribe(registry_events.append)
    app.host.session_event.connect(window_events.append)
    async with Client(app.host.address.url + "/mcp", mode="2026-07-28") as client:
        for _ in range(40):
            await client.call_tool("current_time", {})
        await wait_until(lambda: int(_cell(app.window.mcp_model, 0, 9) or 0) >= 40, timeout=30)
    assert len(registry_events) >= 40  # every call changes the client
    assert len(window_events) < len(registry_events) / 4


async def test_the_chats_tab_names_a_file_that_could_not_be_read(make_app, tmp_path):
    root = tmp_path / "wechat"
    generate(root, Layout.V4, messages=300, shards=3)
    broken = root / "db_storage" / "message" / "message_1.db"
    data = bytearray(broken.read_bytes())
    for page in range(4096, len(data), 4096):  # every b-tree page header but page 1's
        data[page : page + 8] = b"\xff" * 8
    broken.write_bytes(bytes(data))
    app = make_app(ServerConfig(port=0, data_dir=root), serve=False)
    await app.chats.store.messages(limit=0)  # a query meets the damaged file
    await app.window.reload_chats()
    assert "Could not be read: message_1.db" in app.window.source_label.text()


async def test_the_mcp_table_shows_what_a_client_subscribes_to(make_app):
    app = make_app()
    await app.start()
    window = app.window
    assert app.host.address is not None
    subscriptions = window.mcp_model.SUBSCRIPTIONS_COLUMN
    async with Client(app.host.address.url + "/mcp", mode="legacy") as client:
        await wait_until(lambda: window.mcp_model.rowCount() == 1)
        assert _cell(window.mcp_model, 0, subscriptions) == "0"
        with warnings.catch_warnings():  # deprecated for 2026-07-28, current before it
            warnings.simplefilter("ignore")
            await client.session.subscribe_resource("wechat://chats/recent")
        await wait_until(lambda: _cell(window.mcp_model, 0, subscriptions) == "1")
        index = window.mcp_model.index(0, subscriptions)
        tip = window.mcp_model.data(index, Qt.ItemDataRole.ToolTipRole)
        assert tip.splitlines()[1:] == ["wechat://chats/recent"]


async def test_the_chats_tab_follows_the_search_index_until_it_is_ready(make_app, tmp_path):
    root = tmp_path / "wechat"
    generate(root, Layout.V4, messages=3000, shards=2)
    app = make_app(ServerConfig(port=0, data_dir=root), serve=False)
    await app.window.reload_chats()
    assert "Search index: " in app.window.source_label.text()
    # No reload needed: the window's own timer moves the line on while the index builds.
    await wait_until(lambda: "Search index: ready" in app.window.source_label.text())
    assert not app.window._index_timer.isActive()


async def test_the_search_index_line_says_how_far_the_build_is(qapp):
    from desktop.search_status import search_index_text

    building = {"state": "building", "indexed": 250_000, "total": 1_000_000}
    assert search_index_text(building).startswith(
        "Search index: building, 25% (250,000 of 1,000,000"
    )
    assert search_index_text({"state": "building", "indexed": 0, "total": 0}).endswith("building")
    assert search_index_text({"state": "error"}).startswith("Search index: failed")
    assert search_index_text({"state": "off"}) == ""
