"""The /api/v1 blueprint: formats, escaping, parameters and the one error shape."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from quart import Blueprint, Quart

from devtools.demo import generate
from server.mcp.clients import ClientRegistry
from server.web.app import create_web_app
from server.web.chat_api import create_chat_api
from server.wechat.model import Layout
from server.wechat.store import ChatStore, open_store
from server.workqueue import WorkQueue

pytestmark = pytest.mark.asyncio


def app_for(store: ChatStore) -> Quart:
    app = Quart(__name__)
    app.register_blueprint(create_chat_api(store))
    return app


async def test_sessions_as_json_use_chatlog_field_names(store: ChatStore) -> None:
    response = await app_for(store).test_client().get("/api/v1/session?format=json&limit=2")
    assert response.status_code == 200
    items = (await response.get_json())["items"]
    assert len(items) == 2
    assert set(items[0]) == {"userName", "nOrder", "nickName", "content", "nTime"}


async def test_contacts_csv_is_properly_quoted(store: ChatStore) -> None:
    response = await app_for(store).test_client().get("/api/v1/contact?format=csv&limit=0")
    assert response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(await response.get_data(as_text=True))))
    assert rows[0] == ["UserName", "Alias", "Remark", "NickName"]
    assert all(len(row) == 4 for row in rows)


async def test_chatlog_text_for_one_talker_and_day(store: ChatStore) -> None:
    first = (await store.messages(talkers=("wxid_bob02",), limit=1)).items[0]
    day = first.time.strftime("%Y-%m-%d")
    response = (
        await app_for(store).test_client().get(f"/api/v1/chatlog?time={day}&talker=wxid_bob02")
    )
    body = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.split("\n")[0].endswith(first.time.strftime("%H:%M:%S"))


async def test_chatlog_json_and_csv_carry_the_same_messages(store: ChatStore) -> None:
    client = app_for(store).test_client()
    query = "/api/v1/chatlog?time=2024-06&talker=20001@chatroom,wxid_mom&limit=20"
    as_json = await (await client.get(query + "&format=json")).get_json()
    response = await client.get(query + "&format=csv")
    rows = list(csv.reader(io.StringIO(await response.get_data(as_text=True))))
    assert len(rows) - 1 == len(as_json) == 20
    assert rows[0] == ["Time", "SenderName", "Sender", "TalkerName", "Talker", "Content"]
    assert "attachment" in response.headers["Content-Disposition"]


async def test_chatlog_order_desc_gives_the_newest_first(store: ChatStore) -> None:
    client = app_for(store).test_client()
    query = "/api/v1/chatlog?time=2024-06&talker=wxid_mom&format=json"
    oldest = await (await client.get(query)).get_json()
    newest = await (await client.get(query + "&order=desc")).get_json()
    assert newest == oldest[::-1] and newest
    assert (await client.get(query + "&order=sideways")).status_code == 400


async def test_chatroom_text_lists_member_counts(store: ChatStore) -> None:
    response = await app_for(store).test_client().get("/api/v1/chatroom?keyword=Family")
    lines = (await response.get_data(as_text=True)).splitlines()
    assert lines[0] == "Name,Remark,NickName,Owner,UserCount"
    assert lines[1].startswith("20003@chatroom,Family,")


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/chatlog?time=yesterdayish",
        "/api/v1/contact?limit=ten",
        "/api/v1/chatlog?keyword=([",
    ],
)
async def test_bad_parameters_answer_400_with_the_error_shape(store: ChatStore, query: str) -> None:
    response = await app_for(store).test_client().get(query)
    assert response.status_code == 400
    error = (await response.get_json())["error"]
    assert error["code"] == "bad_request" and error["message"]


async def test_unreadable_data_answers_503_with_the_error_shape(tmp_path: Path) -> None:
    store = open_store(tmp_path / "missing")
    response = await app_for(store).test_client().get("/api/v1/session")
    assert response.status_code == 503
    assert (await response.get_json())["error"]["code"] == "data_source_error"
    await store.close()


async def test_demo_responses_are_marked(demo_store: ChatStore) -> None:
    response = await app_for(demo_store).test_client().get("/api/v1/session")
    assert response.headers["X-Data-Source"] == "demo"


async def test_a_database_damaged_mid_file_answers_503_and_marks_the_source_in_error(
    tmp_path: Path,
) -> None:
    generate(tmp_path, Layout.V4, messages=3000)
    for shard in (tmp_path / "db_storage" / "message").glob("message_*.db"):
        size = shard.stat().st_size
        with shard.open("r+b") as handle:  # the header stays intact: the damage is found late
            handle.seek(size // 2)
            handle.write(b"\xa5" * (size // 3))
    store = open_store(tmp_path)
    try:
        response = await app_for(store).test_client().get("/api/v1/chatlog?keyword=x")
        assert response.status_code == 503
        error = (await response.get_json())["error"]
        assert error["code"] == "data_source_error" and "malformed" in error["message"]
        assert store.status()["state"] == "error"
    finally:
        await store.close()


async def test_an_unexpected_failure_is_a_json_500_without_a_traceback(
    store: ChatStore, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Blueprint("failing", __name__)

    @failing.get("/api/v1/broken")
    async def broken() -> str:
        raise RuntimeError("secret internals")

    app = create_web_app(ClientRegistry(WorkQueue(4, 1)), [failing], 1 << 20, 10.0)
    response = await app.test_client().get("/api/v1/broken")
    assert response.status_code == 500
    assert await response.get_json() == {
        "error": {"code": "internal_error", "message": "Internal error"}
    }
    assert "secret internals" in caplog.text  # logged for the developer, not sent


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("/api/v1/chatlog?limit=99999999999999999999999", "limit"),
        ("/api/v1/session?offset=1.5", "offset"),
        ("/api/v1/chatlog?time=9999-12-31T23:59:59Z", "time"),
        ("/api/v1/chatlog?time=last-99999999999y", "time"),
        ("/api/v1/chatlog?keyword=(?<=a)b", "keyword"),
    ],
)
async def test_out_of_range_values_are_400s_naming_the_parameter(
    store: ChatStore, query: str, parameter: str
) -> None:
    response = await app_for(store).test_client().get(query)
    assert response.status_code == 400
    assert f"`{parameter}`" in (await response.get_json())["error"]["message"]


async def test_null_counts_are_not_given(store: ChatStore) -> None:
    response = await app_for(store).test_client().get("/api/v1/contact?limit=null&offset=")
    assert response.status_code == 200
