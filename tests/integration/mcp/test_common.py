"""What both transports answer alike: strict JSON bodies and a Retry-After on every 429."""

import asyncio

import httpx
import pytest

from server.app import Extensions
from tests.support import (
    ACCEPT_BOTH,
    Gate,
    rpc,
    running_server,
    sse_session,
    streamable_session,
)

pytestmark = pytest.mark.asyncio

NOT_JSON = [
    b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": NaN}}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": Infinity}}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"x": -Infinity}}',
]


@pytest.mark.parametrize("body", NOT_JSON)
async def test_nan_and_infinity_are_not_json_on_streamable_http(body):
    async with running_server() as server, httpx.AsyncClient() as client:
        _, headers = await streamable_session(client, server.url)
        response = await client.post(
            server.url + "/mcp",
            content=body,
            headers={**headers, "accept": ACCEPT_BOTH, "content-type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == -32700


@pytest.mark.parametrize("body", NOT_JSON)
async def test_nan_and_infinity_are_not_json_on_sse(body):
    async with running_server() as server, httpx.AsyncClient() as client:
        async with sse_session(client, server.url, initialized=True) as (endpoint, _reader):
            response = await client.post(
                endpoint, content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 400
            assert response.json()["error"]["code"] == -32700


async def test_a_full_queue_on_sse_says_when_to_retry():
    gate = Gate()
    async with (
        running_server(Extensions(tools=[gate.tool()]), queue_capacity=1, workers=1) as server,
        httpx.AsyncClient() as client,
        sse_session(client, server.url, initialized=True) as (endpoint, _reader),
    ):
        await client.post(endpoint, json=rpc("tools/call", {"name": "hold"}, id=2))
        await asyncio.wait_for(gate.entered.wait(), 30)
        await client.post(endpoint, json=rpc("ping", id=3))
        refused = await client.post(endpoint, json=rpc("ping", id=4))
        gate.release.set()
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "1"


async def test_other_errors_carry_no_retry_after():
    async with running_server() as server, httpx.AsyncClient() as client:
        response = await client.post(
            server.url + "/mcp",
            content=b"{oops",
            headers={"accept": ACCEPT_BOTH, "content-type": "application/json"},
        )
        assert response.status_code == 400
        assert "retry-after" not in response.headers
