"""The chat data through the real server: the official SDK client and raw HTTP, every layout."""

import csv
import io
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest

from devtools.demo import generate
from server.config import ServerConfig
from server.wechat.model import Layout
from tests.support import mcp_client, serving_whole_app
from tests.unit.wechat.crypto.conftest import KEY, OTHER_KEY, PROFILE, encrypt_tree

pytestmark = pytest.mark.asyncio

MESSAGES = 800


@pytest.fixture(scope="module")
def data_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[Layout, Path]:
    dirs = {}
    for layout in Layout:
        root = tmp_path_factory.mktemp(f"e2e-{layout}")
        generate(root, layout, messages=MESSAGES)
        dirs[layout] = root
    return dirs


def serving(data_dir: Path | None, key: str | None = None) -> AbstractAsyncContextManager[str]:
    """The whole application as `chatlog-tray --headless --data-dir [--key] --open-access`
    builds it (these tests are about the data; tests/integration/test_client_tokens.py is
    about who may read it)."""
    return serving_whole_app(ServerConfig(port=0, data_dir=data_dir, key=key, open_access=True))


@pytest.mark.parametrize("layout", list(Layout), ids=str)
async def test_a_model_finds_a_chat_then_reads_it_through_the_sdk(data_dirs, layout):
    async with serving(data_dirs[layout]) as url, mcp_client(url) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names == {
            "current_time",
            "query_recent_chat",
            "query_contact",
            "query_chat_room",
            "query_chat_log",
            "get_media",
            "search_messages",
        }
        found = await client.call_tool("search_messages", {"query": "火锅", "limit": 3})
        assert not found.is_error and len(found.structured_content["hits"]) == 3
        recent = await client.call_tool("query_recent_chat", {"limit": 5})
        assert not recent.is_error and recent.structured_content["sessions"]
        contacts = await client.call_tool("query_contact", {"keyword": "老妈"})
        assert "wxid_mom" in contacts.content[0].text
        hits = await client.call_tool("query_chat_log", {"talker": "老妈", "limit": 5})
        assert not hits.is_error
        messages = hits.structured_content["messages"]
        assert messages and all(m["talker"] == "wxid_mom" for m in messages)
        day = messages[0]["time"][:10]
        context = await client.call_tool("query_chat_log", {"talker": "wxid_mom", "time": day})
        assert any(m["time"] == messages[0]["time"] for m in context.structured_content["messages"])
        rooms = await client.call_tool("query_chat_room", {})
        assert rooms.structured_content["chat_rooms"][0]["members"]


async def test_tool_failures_reach_the_model_as_readable_errors(data_dirs):
    async with serving(data_dirs[Layout.V4]) as url, mcp_client(url) as client:
        bad_time = await client.call_tool("query_chat_log", {"time": "last blue moon"})
        assert bad_time.is_error and "time" in bad_time.content[0].text.lower()
        bad_regex = await client.call_tool("query_chat_log", {"keyword": "(unclosed"})
        assert bad_regex.is_error


async def test_a_missing_data_directory_is_an_error_and_the_server_keeps_serving(tmp_path):
    async with serving(tmp_path / "not-there") as url, mcp_client(url) as client:
        result = await client.call_tool("query_recent_chat", {})
        assert result.is_error
        assert (await client.call_tool("current_time", {})).is_error is False
        async with httpx.AsyncClient() as http:
            health = (await http.get(url + "/health")).json()
            api = await http.get(url + "/api/v1/session")
        assert health["status"] == "ok" and health["data"]["state"] == "error"
        assert api.status_code >= 400
        assert set(api.json()["error"]) == {"code", "message"}


@pytest.mark.parametrize("layout", list(Layout), ids=str)
async def test_the_http_api_serves_json_csv_and_text(data_dirs, layout):
    async with serving(data_dirs[layout]) as url, httpx.AsyncClient(base_url=url) as http:
        sessions = await http.get("/api/v1/session", params={"limit": 3, "format": "json"})
        assert sessions.headers["content-type"].startswith("application/json")
        items = sessions.json()["items"]
        assert len(items) == 3
        assert [item["nTime"] for item in items] == sorted(
            (item["nTime"] for item in items), reverse=True
        )  # newest first
        chatlog = await http.get(
            "/api/v1/chatlog", params={"talker": "wxid_mom", "limit": 4, "format": "csv"}
        )
        rows = list(csv.reader(io.StringIO(chatlog.text)))
        assert chatlog.headers["content-type"].startswith("text/csv")
        assert len(rows) == 5  # header + 4 messages, quoted as CSV requires
        text = await http.get("/api/v1/contact", params={"keyword": "Alice", "format": "text"})
        assert "wxid_alice01" in text.text
        bad = await http.get("/api/v1/chatlog", params={"time": "not a time"})
        assert bad.status_code == 400
        assert set(bad.json()["error"]) == {"code", "message"}


async def test_with_no_folder_the_demo_data_is_served_and_labelled():
    async with serving(None) as url, mcp_client(url) as client:
        recent = await client.call_tool("query_recent_chat", {"limit": 1})
        assert "demo" in recent.content[0].text.lower()
        async with httpx.AsyncClient() as http:
            health = (await http.get(url + "/health")).json()
        assert health["data"]["demo"] is True


async def test_encrypted_data_is_served_in_place_with_the_key_and_refused_with_another(
    data_dirs, tmp_path
):
    encrypted = encrypt_tree(data_dirs[Layout.V4], tmp_path / "encrypted", PROFILE[Layout.V4])
    async with serving(encrypted, KEY) as url, mcp_client(url) as client:
        recent = await client.call_tool("query_recent_chat", {"limit": 3})
        assert not recent.is_error and len(recent.structured_content["sessions"]) == 3
    async with serving(encrypted, OTHER_KEY) as url, mcp_client(url) as client:
        refused = await client.call_tool("query_recent_chat", {})
        assert refused.is_error and "wrong key" in refused.content[0].text.lower()
