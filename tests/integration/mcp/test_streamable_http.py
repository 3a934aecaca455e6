"""Streamable HTTP at /mcp, spoken raw, for every status code the transport can answer."""

import asyncio
import json

import httpx
import pytest

from server.app import Extensions
from tests.support import (
    ACCEPT_BOTH,
    Gate,
    SseReader,
    initialize,
    logging_tool,
    progress_tool,
    rpc,
    running_server,
    streamable_session,
    wait_until,
)

pytestmark = pytest.mark.asyncio


async def test_initialize_issues_a_session_id_and_echoes_a_supported_version():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=initialize("2025-06-18"), headers={"accept": ACCEPT_BOTH}
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        session_id = response.headers["mcp-session-id"]
        assert all(0x21 <= ord(c) <= 0x7E for c in session_id)
        result = response.json()["result"]
        assert result["protocolVersion"] == "2025-06-18"
        assert result["serverInfo"]["name"] == "chatlog-tray"
        assert set(result["capabilities"]) >= {
            "tools",
            "resources",
            "prompts",
            "logging",
            "completions",
        }
        [info] = server.app.registry.snapshot()
        assert server.app.registry.get(session_id).handle == info.handle
        assert (info.era, info.transport, info.name, info.protocol_version) == (
            "handshake",
            "streamable-http",
            "pytest",
            "2025-06-18",
        )


async def test_an_unknown_protocol_version_is_answered_with_the_latest():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=initialize("1999-01-01"), headers={"accept": ACCEPT_BOTH}
        )
        assert response.json()["result"]["protocolVersion"] == "2025-11-25"


@pytest.mark.parametrize("version", ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
async def test_every_handshake_version_negotiates_to_itself(version):
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=initialize(version), headers={"accept": ACCEPT_BOTH}
        )
        assert response.json()["result"]["protocolVersion"] == version


async def test_a_request_without_a_session_header_gets_400():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=rpc("tools/list"), headers={"accept": ACCEPT_BOTH}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600
        assert response.json()["id"] is None


async def test_an_unknown_session_gets_404_on_every_method():
    async with running_server() as server, httpx.AsyncClient() as client:
        headers = {"accept": ACCEPT_BOTH, "mcp-session-id": "no-such-session"}
        post = await client.post(server.url + "/mcp", json=rpc("ping"), headers=headers)
        get = await client.get(server.url + "/mcp", headers=headers)
        delete = await client.delete(server.url + "/mcp", headers=headers)
        assert (post.status_code, get.status_code, delete.status_code) == (404, 404, 404)


async def test_an_unknown_protocol_version_is_answered_as_the_stateless_era_answers_it():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        headers |= {"mcp-protocol-version": "2030-01-01", "mcp-method": "tools/list"}
        meta = {
            "io.modelcontextprotocol/protocolVersion": "2030-01-01",
            "io.modelcontextprotocol/clientCapabilities": {},
        }
        body = rpc("tools/list", {"_meta": meta}, id=9)
        response = await client.post(server.url + "/mcp", json=body, headers=headers)
        assert response.status_code == 400
        error = response.json()["error"]
        assert (response.json()["id"], error["code"]) == (9, -32022)
        assert error["data"] == {"supported": ["2026-07-28"], "requested": "2030-01-01"}


async def test_any_supported_version_header_is_accepted_on_a_session():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url, "2025-11-25")
        headers["mcp-protocol-version"] = "2025-03-26"
        response = await client.post(server.url + "/mcp", json=rpc("ping"), headers=headers)
        assert response.json() == {"jsonrpc": "2.0", "id": 1, "result": {}}


async def test_a_client_accepting_neither_json_nor_sse_gets_406():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp", json=initialize(), headers={"accept": "text/html"}
        )
        assert response.status_code == 406


async def test_a_body_that_is_not_declared_json_gets_415():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp",
            content=json.dumps(initialize()),
            headers={"accept": ACCEPT_BOTH, "content-type": "text/plain"},
        )
        assert response.status_code == 415


async def test_a_body_that_is_not_json_gets_400_with_a_parse_error():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp",
            content=b"{oops",
            headers={"accept": ACCEPT_BOTH, "content-type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32700


async def test_notifications_and_responses_get_202_without_a_body():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        notification = await client.post(
            server.url + "/mcp", json=rpc("notifications/initialized", id=None), headers=headers
        )
        response = await client.post(
            server.url + "/mcp",
            json={"jsonrpc": "2.0", "id": "srv-9", "result": {}},
            headers=headers,
        )
        assert (notification.status_code, notification.content) == (202, b"")
        assert (response.status_code, response.content) == (202, b"")


async def test_an_invalid_message_gets_400_with_invalid_request():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        response = await client.post(
            server.url + "/mcp", json={"jsonrpc": "2.0", "id": 5}, headers=headers
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600
        assert response.json()["id"] == 5


async def test_a_client_that_only_accepts_sse_gets_the_answer_as_an_event():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        headers["accept"] = "text/event-stream"
        async with client.stream(
            "POST", server.url + "/mcp", json=rpc("ping", id=3), headers=headers
        ) as response:
            assert response.headers["content-type"] == "text/event-stream"
            reader = SseReader(response)
            assert await reader.next_message() == {"jsonrpc": "2.0", "id": 3, "result": {}}
            assert await reader.at_end()


async def test_progress_before_the_result_turns_the_answer_into_a_stream():
    gate = Gate()
    progressing = progress_tool()
    async with (
        running_server(Extensions(tools=[gate.tool(), progressing])) as server,
        httpx.AsyncClient() as client,
    ):
        _, headers = await streamable_session(client, server.url)
        call = rpc(
            "tools/call",
            {"name": "count", "arguments": {}, "_meta": {"progressToken": "tok"}},
            id=4,
        )
        async with client.stream(
            "POST", server.url + "/mcp", json=call, headers=headers
        ) as response:
            assert response.headers["content-type"] == "text/event-stream"
            reader = SseReader(response)
            first = await reader.next_message()
            second = await reader.next_message()
            result = await reader.next_message()
        assert [first["params"]["progress"], second["params"]["progress"]] == [1, 2]
        assert first["params"]["progressToken"] == "tok"
        assert result["result"]["content"][0]["text"] == "counted"


async def test_the_get_stream_carries_messages_for_json_only_clients_and_a_second_gets_409():
    async with (
        running_server(Extensions(tools=[logging_tool()])) as server,
        httpx.AsyncClient() as client,
    ):
        session_id, headers = await streamable_session(client, server.url)
        session = server.app.registry.get(session_id)
        async with client.stream("GET", server.url + "/mcp", headers=headers) as stream:
            assert stream.status_code == 200
            await wait_until(lambda: session.stream is not None)
            second = await client.get(server.url + "/mcp", headers=headers)
            assert second.status_code == 409
            json_only = {**headers, "accept": "application/json"}
            answer = await client.post(
                server.url + "/mcp",
                json=rpc("tools/call", {"name": "say"}, id=8),
                headers=json_only,
            )
            assert answer.json()["result"]["content"][0]["text"] == "said"
            log = await SseReader(stream).next_message()
            assert log["method"] == "notifications/message"
            assert log["params"]["data"] == "hello from the tool"


async def test_a_get_without_sse_in_accept_gets_406():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        response = await client.get(
            server.url + "/mcp", headers={**headers, "accept": "application/json"}
        )
        assert response.status_code == 406


async def test_delete_ends_the_session_and_later_requests_get_404():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        assert (await client.delete(server.url + "/mcp", headers=headers)).status_code == 200
        assert len(server.app.registry) == 0
        after = await client.post(server.url + "/mcp", json=rpc("ping"), headers=headers)
        assert after.status_code == 404


async def test_delete_ends_an_open_get_stream_cleanly():
    async with running_server() as server, httpx.AsyncClient() as client:
        session_id, headers = await streamable_session(client, server.url)
        session = server.app.registry.get(session_id)
        async with client.stream("GET", server.url + "/mcp", headers=headers) as stream:
            await wait_until(lambda: session.stream is not None)
            await client.delete(server.url + "/mcp", headers=headers)
            assert await SseReader(stream).at_end()


async def test_other_methods_get_405_with_allow():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.put(server.url + "/mcp", json={})
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST, DELETE"


async def test_idle_sessions_expire_and_then_get_404():
    async with running_server(session_idle_timeout=0.1) as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        await wait_until(lambda: len(server.app.registry) == 0)
        response = await client.post(server.url + "/mcp", json=rpc("ping"), headers=headers)
        assert response.status_code == 404


async def test_a_session_with_an_open_stream_does_not_expire():
    # Quiet for longer than the idle timeout by setting the clock back, and swept directly: a
    # real short timeout would let a stalled machine expire the session before its stream opens.
    async with running_server() as server, httpx.AsyncClient() as client:
        registry, idle_timeout = server.app.registry, server.app.config.session_idle_timeout
        session_id, headers = await streamable_session(client, server.url)
        other_id, _ = await streamable_session(client, server.url)
        session, other = registry.get(session_id), registry.get(other_id)
        async with client.stream("GET", server.url + "/mcp", headers=headers) as stream:
            await wait_until(lambda: session.stream is not None)
            session.last_activity_monotonic -= idle_timeout + 60
            other.last_activity_monotonic -= idle_timeout + 60
            assert registry.sweep(idle_timeout) == 1  # the one without a stream
            assert registry.get(session_id) is session and registry.get(other_id) is None
            assert stream.status_code == 200


async def test_a_full_queue_answers_429_with_a_json_rpc_error_and_retry_after():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()]), queue_capacity=1, workers=1) as server,
        httpx.AsyncClient() as client,
    ):
        _, headers = await streamable_session(client, server.url)
        _, other = await streamable_session(client, server.url)
        call = rpc("tools/call", {"name": "hold"}, id=1)
        held = asyncio.create_task(client.post(server.url + "/mcp", json=call, headers=headers))
        await asyncio.wait_for(gate.entered.wait(), 30)
        waiting = asyncio.create_task(
            client.post(server.url + "/mcp", json=rpc("ping", id=2), headers=other)
        )
        await wait_until(lambda: server.app.queue.waiting == 1)
        refused = await client.post(server.url + "/mcp", json=rpc("ping", id=3), headers=other)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"  # when to come back
        assert (refused.json()["id"], refused.json()["error"]["code"]) == (3, -32000)
        gate.release.set()
        assert (await held).json()["result"]["content"][0]["text"] == "released"
        assert (await waiting).json()["result"] == {}
