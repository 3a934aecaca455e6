"""The legacy HTTP+SSE transport, spoken raw: /sse, /message and the session's lifetime."""

import asyncio

import httpx
import pytest

from server.app import Extensions
from server.mcp.tools import Tool
from server.mcp.tools.current_time import NoArguments
from tests.support import Gate, initialize, rpc, running_server, sse_session, wait_until

pytestmark = pytest.mark.asyncio


async def test_the_stream_opens_with_the_endpoint_event_and_registers_a_session():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (endpoint, _reader):
            [info] = server.app.registry.snapshot()
            [session] = server.app.registry
            assert endpoint == f"{server.url}/message?sessionId={session.id}"
            assert info.transport == "sse"
            assert info.remote_address.startswith("127.0.0.1:")


async def test_a_posted_request_gets_202_and_its_answer_on_the_stream():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (endpoint, reader):
            response = await client.post(endpoint, json=initialize("2024-11-05", id=1))
            assert (response.status_code, response.text) == (202, "Accepted")
            answer = await reader.next_message()
            assert answer["id"] == 1
            assert answer["result"]["protocolVersion"] == "2024-11-05"
            [info] = server.app.registry.snapshot()
            assert (info.name, info.version) == ("pytest", "1.0")


async def test_messages_and_session_id_spellings_are_both_accepted():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (endpoint, reader):
            session_id = endpoint.rsplit("=", 1)[1]
            url = f"{server.url}/messages?session_id={session_id}"
            assert (await client.post(url, json=initialize(id=2))).status_code == 202
            assert (await reader.next_message())["id"] == 2


async def test_a_post_without_a_session_id_gets_400():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(server.url + "/message", json=rpc("ping"))
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32600


async def test_a_post_to_an_unknown_session_gets_404():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(server.url + "/message?sessionId=nope", json=rpc("ping"))
        assert response.status_code == 404


async def test_a_body_that_is_not_json_gets_400_and_the_session_lives_on():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (endpoint, reader):
            bad = await client.post(
                endpoint, content=b"{", headers={"content-type": "application/json"}
            )
            assert bad.status_code == 400
            assert bad.json()["error"]["code"] == -32700
            await client.post(endpoint, json=initialize(id=1))
            assert (await reader.next_message())["id"] == 1


async def test_pings_arrive_while_the_stream_is_idle():
    async with running_server(ping_interval=0.02) as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (_endpoint, reader):
            await reader.next_ping()
            await reader.next_ping()
            assert reader.pings >= 2


async def test_disconnecting_removes_the_session_and_cancels_its_work():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        httpx.AsyncClient() as client,
    ):
        async with sse_session(client, server.url, initialized=True) as (endpoint, _reader):
            await client.post(endpoint, json=rpc("tools/call", {"name": "hold"}, id=2))
            await asyncio.wait_for(gate.entered.wait(), 30)
            assert len(server.app.registry) == 1
        await asyncio.wait_for(gate.cancelled.wait(), 30)
        await wait_until(lambda: len(server.app.registry) == 0)
        await wait_until(lambda: server.app.queue.running == 0)
        await wait_until(lambda: len(server.app.request_tasks) == 0)
        response = await client.post(endpoint, json=rpc("ping"))
        assert response.status_code == 404


async def test_a_full_queue_answers_429():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()]), queue_capacity=1, workers=1) as server,
        httpx.AsyncClient() as client,
    ):
        async with sse_session(client, server.url, initialized=True) as (endpoint, reader):
            assert (
                await client.post(endpoint, json=rpc("tools/call", {"name": "hold"}, id=2))
            ).status_code == 202
            await asyncio.wait_for(gate.entered.wait(), 30)
            assert (await client.post(endpoint, json=rpc("ping", id=3))).status_code == 202
            refused = await client.post(endpoint, json=rpc("ping", id=4))
            assert refused.status_code == 429
            assert refused.json()["error"]["code"] == -32000
            gate.release.set()
            answers = {(await reader.next_message())["id"] for _ in range(2)}
            assert answers == {2, 3}


async def test_a_stream_outlives_any_response_timeout():
    async with running_server(ping_interval=0.05) as server, httpx.AsyncClient() as client:
        server.app.web.config["RESPONSE_TIMEOUT"] = 0.1  # Quart's limit, which cuts streams
        async with sse_session(client, server.url) as (endpoint, reader):
            for _ in range(6):  # three times the response timeout
                await reader.next_ping()
            await client.post(endpoint, json=initialize(id=9))
            assert (await reader.next_message())["id"] == 9


async def test_closing_a_session_from_the_registry_ends_its_stream_cleanly():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url) as (_endpoint, reader):
            [info] = server.app.registry.snapshot()
            assert server.app.registry.close(
                server.app.registry.by_handle(info.handle), "disconnected by the user"
            )
            assert await reader.at_end()


async def test_a_client_that_stops_reading_is_cut_off_and_memory_stays_bounded():
    chatty = _chatty_tool(message_bytes=64 * 1024, count=2000)
    async with running_server(Extensions(tools=[chatty]), max_pending_bytes=256 * 1024) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        head = await reader.readuntil(b"sessionId=")
        assert b"200" in head.split(b"\r\n", 1)[0]
        session_id = (await reader.readuntil(b"\n")).strip().decode()
        async with httpx.AsyncClient() as client:
            endpoint = f"{server.url}/message?sessionId={session_id}"
            await client.post(endpoint, json=initialize(id=1))
            await client.post(endpoint, json=rpc("tools/call", {"name": "chatty"}, id=2))
            # We never read again: the server must give up on us instead of buffering 128 MB.
            await wait_until(lambda: len(server.app.registry) == 0)
        writer.close()


def _chatty_tool(message_bytes: int, count: int) -> Tool:
    async def chatty(context, _arguments):
        payload = "x" * message_bytes
        for _ in range(count):
            await context.log("info", payload)
            await asyncio.sleep(0)
        return "done"

    return Tool(name="chatty", description="Logs a lot.", arguments=NoArguments, handler=chatty)
