"""Sessions belong to their client: a session id works only on its own transport and with
the credential that opened it, and requests in flight are answered when a session or the
server ends, never left with an empty 202."""

import asyncio

import httpx
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from server.app import Extensions
from tests.support import (
    ACCEPT_BOTH,
    Gate,
    rpc,
    running_server,
    sse_session,
    streamable_session,
    wait_until,
)

pytestmark = pytest.mark.asyncio


async def test_a_streamable_http_session_id_is_not_accepted_on_the_sse_endpoint():
    async with running_server() as server, httpx.AsyncClient() as client:
        session_id, _ = await streamable_session(client, server.url)
        response = await client.post(
            f"{server.url}/message?sessionId={session_id}", json=rpc("ping")
        )
        assert response.status_code == 404


async def test_an_sse_session_id_is_not_accepted_on_the_streamable_http_endpoint():
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url, initialized=True) as (endpoint, _reader):
            session_id = endpoint.split("sessionId=")[1]
            response = await client.post(
                server.url + "/mcp",
                json=rpc("ping"),
                headers={"accept": ACCEPT_BOTH, "mcp-session-id": session_id},
            )
            assert response.status_code == 404


async def test_a_session_refuses_a_caller_presenting_other_credentials():
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        stolen = {**headers, "authorization": "Bearer someone-elses-credential"}
        response = await client.post(server.url + "/mcp", json=rpc("ping"), headers=stolen)
        assert response.status_code == 404
        mine = await client.post(server.url + "/mcp", json=rpc("ping", id=2), headers=headers)
        assert mine.json()["result"] == {}


async def test_a_request_in_flight_is_answered_with_an_error_when_its_session_is_deleted():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        httpx.AsyncClient() as client,
    ):
        _, headers = await streamable_session(client, server.url)
        call = rpc("tools/call", {"name": "hold"}, id=5)
        pending = asyncio.create_task(client.post(server.url + "/mcp", json=call, headers=headers))
        await gate.entered.wait()
        assert (await client.delete(server.url + "/mcp", headers=headers)).status_code == 200
        response = await pending
        assert response.status_code == 200
        assert response.json()["id"] == 5
        assert response.json()["error"]["code"] == -32000
        assert "deleted by the client" in response.json()["error"]["message"]


async def test_a_request_in_flight_is_answered_with_an_error_when_the_server_stops():
    gate = Gate()
    async with httpx.AsyncClient() as client:
        async with running_server(Extensions(tools=[gate.tool()])) as server:
            _, headers = await streamable_session(client, server.url)
            call = rpc("tools/call", {"name": "hold"}, id=6)
            url = server.url + "/mcp"
            pending = asyncio.create_task(client.post(url, json=call, headers=headers))
            await gate.entered.wait()
        response = await pending  # the server stopped on leaving the block
        assert response.json()["error"]["code"] == -32000
        assert "the server is stopping" in response.json()["error"]["message"]


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_the_sdk_client_reads_a_disconnect_as_an_error_not_as_a_bare_202(mode):
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()])) as server,
        Client(server.url + "/mcp", mode=mode) as client,
    ):
        call = asyncio.create_task(client.call_tool("hold", {}))
        await gate.entered.wait()
        [entry] = list(server.app.registry)
        server.app.registry.close(entry, "disconnected from the desktop app")
        with pytest.raises(MCPError, match="disconnected from the desktop app"):
            await call
        await wait_until(lambda: gate.cancelled.is_set())
