"""The WeChat MCP tools: arguments, text with paging hints, structured output, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from devtools.demo import corpus as demo_corpus
from server.mcp.tools import chat
from server.mcp.tools.base import Tool, ToolError, ToolResult
from server.mcp.tools.chat import NO_MESSAGES, chat_tools
from server.mcp.tools.registry import ToolRegistry
from server.wechat.store import ChatStore, open_store

pytestmark = pytest.mark.asyncio


class NullContext:
    session_id = "test"

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        return None

    async def log(self, level: str, data: Any, logger: str | None = None) -> None:
        return None

    async def request_client(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        return {}


def tool(store: ChatStore, name: str) -> Tool:
    return next(t for t in chat_tools(store) if t.name == name)


async def call(store: ChatStore, name: str, **arguments: Any) -> ToolResult:
    chosen = tool(store, name)
    output = await chosen.handler(NullContext(), chosen.arguments.model_validate(arguments))
    assert isinstance(output, ToolResult)
    return output


def text_of(result: ToolResult) -> str:
    return str(result.content[0]["text"])


def structured_fits_schema(result: ToolResult, model: type[BaseModel] | None) -> None:
    assert model is not None and result.structured is not None
    model.model_validate(result.structured)


async def test_the_four_tools_keep_chatlog_names_and_declare_output_schemas(
    store: ChatStore,
) -> None:
    tools = chat_tools(store)
    assert [t.name for t in tools] == [
        "query_recent_chat",
        "query_contact",
        "query_chat_room",
        "query_chat_log",
    ]
    registry = ToolRegistry(tools)
    listed = registry.list_page(None)["tools"]
    assert all("outputSchema" in entry for entry in listed)


async def test_recent_chats_page_with_a_hint_for_the_next_offset(store: ChatStore) -> None:
    result = await call(store, "query_recent_chat", limit="5")
    structured_fits_schema(result, tool(store, "query_recent_chat").output)
    assert result.structured is not None
    assert result.structured["returned"] == 5 and result.structured["next_offset"] == 5
    more = result.structured["total"] - 5
    assert text_of(result).endswith(f"{more} more, call again with offset=5.")


async def test_contacts_are_escaped_csv(store: ChatStore) -> None:
    result = await call(store, "query_contact", keyword="Alice")
    assert text_of(result).splitlines()[:2] == [
        "UserName,Alias,Remark,NickName",
        "wxid_alice01,alice_c,Alice (设计),Alice Chen",
    ]
    structured_fits_schema(result, tool(store, "query_contact").output)


async def test_chat_rooms_list_members_in_structured_content(store: ChatStore) -> None:
    result = await call(store, "query_chat_room", keyword="Family")
    assert result.structured is not None
    room = result.structured["chat_rooms"][0]
    assert room["name"] == "20003@chatroom" and room["member_count"] == len(room["members"])


async def test_chat_log_finds_hits_in_every_chat_when_talker_is_omitted(
    store: ChatStore,
) -> None:
    result = await call(store, "query_chat_log", keyword="火锅", time="2024", limit=3)
    assert result.structured is not None
    assert result.structured["returned"] == 3
    assert "火锅" in text_of(result)
    assert "more, call again with offset=3" in text_of(result)
    structured_fits_schema(result, tool(store, "query_chat_log").output)


async def test_chat_log_of_one_chat_over_one_day(store: ChatStore) -> None:
    first = (await store.messages(talkers=("wxid_mom",), limit=1)).items[0]
    day = first.time.strftime("%Y-%m-%d")
    result = await call(store, "query_chat_log", talker="老妈", time=day)
    assert result.structured is not None
    assert result.structured["talkers"] == ["wxid_mom"]
    assert result.structured["messages"][0]["time"] == first.time.isoformat()


async def test_chat_log_without_matches_says_so(store: ChatStore) -> None:
    result = await call(store, "query_chat_log", keyword="no such words anywhere")
    assert text_of(result) == NO_MESSAGES


async def test_a_bad_time_range_is_a_tool_error(store: ChatStore) -> None:
    with pytest.raises(ToolError, match="Invalid time range"):
        await call(store, "query_chat_log", time="2024-13-45")


async def test_a_bad_regex_is_a_tool_error(store: ChatStore) -> None:
    with pytest.raises(ToolError, match="regular expression"):
        await call(store, "query_chat_log", keyword="([")


async def test_an_unreadable_directory_is_a_tool_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "missing")
    with pytest.raises(ToolError, match="not found"):
        await call(store, "query_recent_chat")
    await store.close()


async def test_registry_turns_errors_and_bad_arguments_into_error_results(
    store: ChatStore,
) -> None:
    registry = ToolRegistry(chat_tools(store))
    bad_time = await registry.call("query_chat_log", {"time": "someday"}, NullContext())
    assert bad_time["isError"] is True
    bad_limit = await registry.call("query_contact", {"limit": "lots"}, NullContext())
    assert bad_limit["isError"] is True


async def test_demo_data_is_labelled_in_text_and_structured_content(
    demo_store: ChatStore,
) -> None:
    result = await call(demo_store, "query_recent_chat")
    assert text_of(result).startswith("[demo data")
    assert result.structured is not None and result.structured["source"] == "demo data"


async def test_the_demo_notice_names_the_demo_data_time_span() -> None:
    first = datetime.fromtimestamp(demo_corpus.START_TIME, UTC).date()
    last = datetime.fromtimestamp(demo_corpus.END_TIME - 1, UTC).date()
    assert f"{first} to {last}" == chat.DEMO_SPAN
    assert chat.DEMO_SPAN in chat.DEMO_NOTICE


async def test_a_chat_name_that_matches_no_chat_is_said_apart_from_an_empty_span(
    store: ChatStore,
) -> None:
    misspelled = await call(store, "query_chat_log", talker="老妈妈妈妈", time="2024-03")
    assert "No chat named '老妈妈妈妈' was found" in text_of(misspelled)
    quiet = await call(store, "query_chat_log", talker="老妈", time="2030-01")
    assert text_of(quiet).startswith(NO_MESSAGES) and "2030-01-01" in text_of(quiet)


async def test_a_group_lists_its_members_in_the_text_too(store: ChatStore) -> None:
    result = await call(store, "query_chat_room", keyword="产品研发群")
    assert "Members of 产品研发群: " in text_of(result)
    assert result.structured is not None
    members = result.structured["chat_rooms"][0]["members"]
    assert all((m["display_name"] or m["user_name"]) in text_of(result) for m in members)


async def test_a_limit_over_the_cap_is_lowered_and_the_answer_says_so(store: ChatStore) -> None:
    result = await call(store, "query_contact", limit=1000)
    assert "limit 1000 is over this tool's cap of 200" in text_of(result)
    assert "over this tool's cap" not in text_of(await call(store, "query_contact", limit=10))


async def test_across_chats_the_users_own_messages_name_their_chat(store: ChatStore) -> None:
    result = await call(store, "query_chat_log", keyword="火锅", limit=50)
    assert result.structured is not None
    own = [m for m in result.structured["messages"] if m["is_self"]]
    assert own, "the demo data has messages of the user's about 火锅"
    for message in own:
        assert f"我 [{result.structured['names'][message['talker']]}" in text_of(result)


async def test_every_tool_schema_is_valid_json_schema(store: ChatStore) -> None:
    from jsonschema import Draft202012Validator

    from server.client_tokens import ClientTokens, MemoryVault
    from server.composition import build_application
    from server.config import ServerConfig

    application = build_application(ServerConfig(port=0), store, ClientTokens(MemoryVault()))
    listed = application.dispatcher.tools.list_page(None)["tools"]
    assert len(listed) >= 6
    for entry in listed:
        Draft202012Validator.check_schema(entry["inputSchema"])
        if "outputSchema" in entry:
            Draft202012Validator.check_schema(entry["outputSchema"])
        assert '"ge"' not in str(entry["inputSchema"]).replace("'", '"')  # JSON Schema says minimum


async def test_a_chat_log_page_names_each_chat_and_sender_once(store: ChatStore) -> None:
    result = await call(store, "query_chat_log", time="2024", limit=50)
    assert result.structured is not None
    messages, names = result.structured["messages"], result.structured["names"]
    assert messages and all("talker_name" not in m and "sender_name" not in m for m in messages)
    assert set(names) == {m["talker"] for m in messages} | {m["sender"] for m in messages}
    for message in messages:
        if message["is_self"]:
            assert names[message["sender"]] == "我"
        else:
            assert f"{names[message['sender']]}({message['sender']})" in text_of(result)
