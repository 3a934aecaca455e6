"""JSON-RPC and MCP semantics, end to end over /mcp: errors, batches, pagination, cancel."""

import asyncio

import httpx
import pytest

from server.app import Extensions
from server.mcp.tools import Tool, ToolError
from server.mcp.tools.current_time import NoArguments
from tests.support import (
    ACCEPT_BOTH,
    Gate,
    initialize,
    rpc,
    running_server,
    sse_session,
    streamable_session,
)

pytestmark = pytest.mark.asyncio


async def call(client: httpx.AsyncClient, url: str, headers: dict, message) -> dict:
    response = await client.post(url + "/mcp", json=message, headers=headers)
    assert response.status_code in (200, 400), response.text
    return response.json()


async def test_an_unknown_method_is_method_not_found():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(client, server.url, headers, rpc("no/such/method"))
        assert answer["error"]["code"] == -32601


async def test_an_unknown_tool_is_invalid_params():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(
            client, server.url, headers, rpc("tools/call", {"name": "nope", "arguments": {}})
        )
        assert answer["error"] == {"code": -32602, "message": "Unknown tool: nope"}


async def test_arguments_that_are_not_an_object_are_invalid_params():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(
            client,
            server.url,
            headers,
            rpc("tools/call", {"name": "current_time", "arguments": [1]}),
        )
        assert answer["error"]["code"] == -32602


async def test_arguments_the_tool_rejects_come_back_as_a_readable_tool_error():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(
            client,
            server.url,
            headers,
            rpc("tools/call", {"name": "current_time", "arguments": {"zone": "Mars"}}),
        )
        result = answer["result"]
        assert result["isError"] is True
        assert "zone" in result["content"][0]["text"]


async def test_a_tool_failure_is_a_result_with_is_error():
    async def fail(_context, _arguments):
        raise ToolError("the chat database is locked; try again")

    tool = Tool(name="fail", description="Fails.", arguments=NoArguments, handler=fail)
    async with running_server(Extensions(tools=[tool])) as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(client, server.url, headers, rpc("tools/call", {"name": "fail"}))
        assert answer["result"] == {
            "content": [{"type": "text", "text": "the chat database is locked; try again"}],
            "isError": True,
        }


async def test_a_crashing_tool_is_an_internal_error_and_the_server_goes_on(caplog):
    async def crash(_context, _arguments):
        raise RuntimeError("bug")

    tool = Tool(name="crash", description="Crashes.", arguments=NoArguments, handler=crash)
    async with running_server(Extensions(tools=[tool])) as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        answer = await call(client, server.url, headers, rpc("tools/call", {"name": "crash"}))
        assert answer["error"] == {"code": -32603, "message": "Internal error"}
        assert (await call(client, server.url, headers, rpc("ping", id=2)))["result"] == {}
        assert "tools/call failed" in caplog.text


async def test_current_time_returns_rfc3339_text_and_matching_structured_content():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        listed = await call(client, server.url, headers, rpc("tools/list"))
        [tool] = listed["result"]["tools"]
        assert tool["name"] == "current_time" and tool["description"]
        assert tool["outputSchema"]["type"] == "object"
        result = (
            await call(client, server.url, headers, rpc("tools/call", {"name": "current_time"}))
        )["result"]
        text = result["content"][0]["text"]
        assert text.startswith(result["structuredContent"]["time"] + " (")
        assert result["structuredContent"]["weekday"] in text
        stamp = text.split(" ")[0]  # RFC 3339 first, for prompts that read it
        assert stamp[10] == "T" and stamp[-6] in "+-" and stamp[-3] == ":"


async def test_tools_list_is_paginated_with_an_opaque_cursor():
    tools = [
        Tool(name=f"t{i:03}", description="x", arguments=NoArguments, handler=lambda c, a: "x")
        for i in range(60)
    ]
    async with running_server(Extensions(tools=tools)) as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        first = (await call(client, server.url, headers, rpc("tools/list")))["result"]
        cursor = first["nextCursor"]
        second = (
            await call(client, server.url, headers, rpc("tools/list", {"cursor": cursor}, id=2))
        )["result"]
        assert "nextCursor" not in second
        names = [t["name"] for t in first["tools"] + second["tools"]]
        assert names == ["current_time", *[f"t{i:03}" for i in range(60)]]
        bad = await call(client, server.url, headers, rpc("tools/list", {"cursor": "zz"}, id=3))
        assert bad["error"]["code"] == -32602


async def test_ping_and_set_level_answer_exactly_an_empty_object():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        assert (await call(client, server.url, headers, rpc("ping")))["result"] == {}
        level = await call(
            client, server.url, headers, rpc("logging/setLevel", {"level": "warning"}, id=2)
        )
        assert level["result"] == {}
        bad = await call(
            client, server.url, headers, rpc("logging/setLevel", {"level": "loud"}, id=3)
        )
        assert bad["error"]["code"] == -32602


async def test_resources_prompts_and_completion_answer_even_when_empty():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        assert (await call(client, server.url, headers, rpc("resources/list")))["result"] == {
            "resources": []
        }
        templates = await call(client, server.url, headers, rpc("resources/templates/list"))
        assert templates["result"] == {"resourceTemplates": []}
        missing = await call(
            client, server.url, headers, rpc("resources/read", {"uri": "chat://nothing"})
        )
        assert missing["error"]["code"] == -32002
        assert (await call(client, server.url, headers, rpc("prompts/list")))["result"] == {
            "prompts": []
        }
        unknown = await call(client, server.url, headers, rpc("prompts/get", {"name": "x"}))
        assert unknown["error"]["code"] == -32602
        completion = await call(
            client,
            server.url,
            headers,
            rpc(
                "completion/complete",
                {
                    "ref": {"type": "ref/prompt", "name": "x"},
                    "argument": {"name": "a", "value": ""},
                },
            ),
        )
        assert completion["result"]["completion"]["values"] == []


async def test_initialize_twice_on_one_session_is_refused():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        again = await call(client, server.url, headers, initialize(id=5))
        assert again["error"]["code"] == -32600


async def test_a_request_before_initialize_is_refused_on_sse():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (endpoint, reader):
            await client.post(endpoint, json=rpc("tools/list", id=1))
            answer = await reader.next_message()
            assert answer["error"]["code"] == -32600
            await client.post(endpoint, json=rpc("ping", id=2))  # ping is always allowed
            assert (await reader.next_message())["result"] == {}


async def test_batches_are_answered_together_on_2025_03_26():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url, "2025-03-26")
        batch = [
            rpc("ping", id=1),
            rpc("notifications/initialized", id=None),
            rpc("tools/list", id=2),
            {"jsonrpc": "2.0", "id": 3},
        ]
        response = await client.post(server.url + "/mcp", json=batch, headers=headers)
        answers = {item["id"]: item for item in response.json()}
        assert set(answers) == {1, 2, 3}
        assert answers[1]["result"] == {}
        assert answers[2]["result"]["tools"][0]["name"] == "current_time"
        assert answers[3]["error"]["code"] == -32600


async def test_batches_are_refused_on_later_versions():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url, "2025-06-18")
        response = await client.post(server.url + "/mcp", json=[rpc("ping")], headers=headers)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600


async def test_a_cancelled_request_stops_its_tool_and_gets_no_answer():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        httpx.AsyncClient() as client,
        sse_session(client, server.url, initialized=True) as (endpoint, reader),
    ):
        await client.post(endpoint, json=rpc("tools/call", {"name": "hold"}, id=2))
        await asyncio.wait_for(gate.entered.wait(), 30)
        await client.post(
            endpoint,
            json=rpc("notifications/cancelled", {"requestId": 2, "reason": "user"}, id=None),
        )
        await asyncio.wait_for(gate.cancelled.wait(), 30)
        await client.post(endpoint, json=rpc("ping", id=3))
        assert (await reader.next_message())["id"] == 3  # nothing came for id 2
        [info] = server.app.registry.snapshot()
        assert info.requests_in_flight == 0


async def test_a_cancelled_streamable_request_ends_its_post_without_an_answer():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        httpx.AsyncClient() as client,
    ):
        _, headers = await streamable_session(client, server.url)
        held = asyncio.create_task(
            client.post(
                server.url + "/mcp", json=rpc("tools/call", {"name": "hold"}, id=7), headers=headers
            )
        )
        await asyncio.wait_for(gate.entered.wait(), 30)
        cancel = await client.post(
            server.url + "/mcp",
            headers=headers,
            json=rpc("notifications/cancelled", {"requestId": 7}, id=None),
        )
        assert cancel.status_code == 202
        response = await asyncio.wait_for(held, 30)
        assert response.status_code == 202 and response.content == b""
        assert gate.cancelled.is_set()


async def test_a_reused_request_id_in_flight_is_an_invalid_request():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        httpx.AsyncClient() as client,
        sse_session(client, server.url, initialized=True) as (endpoint, reader),
    ):
        await client.post(endpoint, json=rpc("tools/call", {"name": "hold"}, id=2))
        await asyncio.wait_for(gate.entered.wait(), 30)
        await client.post(endpoint, json=rpc("ping", id=2))
        assert (await reader.next_message())["error"]["code"] == -32600
        gate.release.set()
        assert (await reader.next_message())["result"]["content"][0]["text"] == "released"


async def test_session_counters_follow_requests():
    async with running_server() as server, httpx.AsyncClient() as client:
        session_id, headers = await streamable_session(client, server.url)
        for i in range(3):
            await call(client, server.url, headers, rpc("ping", id=10 + i))
        info = server.app.registry.get(session_id).info()
        assert info.requests_served == 4  # initialize + 3 pings
        assert info.requests_in_flight == 0
        listing = (
            await client.get(server.url + "/api/v1/mcp/sessions", headers={"accept": ACCEPT_BOTH})
        ).json()
        assert listing["count"] == 1
        assert listing["sessions"][0]["handle"] == server.app.registry.get(session_id).handle
        assert session_id not in str(listing)
        assert listing["sessions"][0]["requests_served"] == 4


async def test_without_a_token_no_caller_can_disconnect_a_session_through_the_api():
    async with running_server() as server, httpx.AsyncClient() as client:
        session_id, _ = await streamable_session(client, server.url)
        handle = server.app.registry.get(session_id).handle
        for target in (handle, session_id):
            refused = await client.delete(f"{server.url}/api/v1/mcp/sessions/{target}")
            assert refused.status_code == 403
        assert server.app.registry.get(session_id) is not None


async def test_the_users_token_disconnects_a_session_through_the_api_by_its_handle():
    token = "a-long-enough-test-token"
    auth = {"authorization": f"Bearer {token}"}
    async with running_server(token=token) as server, httpx.AsyncClient(headers=auth) as client:
        session_id, headers = await streamable_session(client, server.url)
        handle = server.app.registry.get(session_id).handle
        url = f"{server.url}/api/v1/mcp/clients/{handle}"
        assert (await client.delete(url)).status_code == 204
        assert (await client.delete(url)).status_code == 404
        after = await client.post(server.url + "/mcp", json=rpc("ping"), headers=headers)
        assert after.status_code == 404
